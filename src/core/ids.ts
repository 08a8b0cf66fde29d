/**
 * Node identities.
 *
 * A `NodeId` is a branded string so that a node name cannot be confused with
 * any other string (a key, a message type) at compile time, while staying a
 * plain string at run time (cheap to compare, print and serialise).
 */

declare const nodeIdBrand: unique symbol;

/** The name of a process, such as `n1` or `client-3`. */
export type NodeId = string & { readonly [nodeIdBrand]: 'NodeId' };

/**
 * What `send` accepts as a destination: a `NodeId`, or a string literal written in the code
 * (`context.send('b', m)`, no cast), but not any `string`: a name computed from a message or a
 * key must go through {@link nodeId} (or come from `context.nodes`), where a mix-up is likely.
 * A literal that names no node is still caught at run time, as a finding.
 */
export type NodeName<Name extends string> = Name & (string extends Name ? NodeId : unknown);

const NODE_ID_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,63}$/;

/**
 * Turns a string into a `NodeId`, refusing names that would be ambiguous in
 * traces and command lines (empty, spaces, commas, more than 64 characters).
 */
export function nodeId(name: string): NodeId {
  if (!NODE_ID_PATTERN.test(name)) {
    throw new TypeError(
      `nodeId: '${name}' is not a valid node name (letters, digits, '_', '.', ':', '-'; at most 64 characters)`,
    );
  }
  return name as NodeId;
}

/** `nodeIds('n', 3)` is `[n1, n2, n3]`; `nodeIds(['a', 'b'])` brands each name. */
export function nodeIds(prefixOrNames: string | readonly string[], count = 0): NodeId[] {
  if (typeof prefixOrNames !== 'string') return prefixOrNames.map(nodeId);
  return Array.from({ length: count }, (_, index) => nodeId(`${prefixOrNames}${index + 1}`));
}
