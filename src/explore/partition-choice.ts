/**
 * How a partition's sides are written in a choice id (`partition:n1+n2|n3`): the app builds it,
 * the server reads it. No commas, which separate a branch path's steps. Imports nothing, so that
 * the web app bundles it as it is.
 */

const SIDES = '|';
const MEMBERS = '+';

/** The choice id of a partition into `sides` (nodes on no side form one more). */
export function partitionChoiceId(sides: readonly (readonly string[])[]): string {
  return `partition:${sides.map((side) => side.join(MEMBERS)).join(SIDES)}`;
}

/** The sides written in `text` (what follows `partition:`); an empty side is kept, to be refused. */
export function partitionSides(text: string): string[][] {
  return text.split(SIDES).map((side) => (side === '' ? [] : side.split(MEMBERS)));
}
