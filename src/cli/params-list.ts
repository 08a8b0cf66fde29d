/**
 * `--list-params`: what a scenario takes, as `--param NAME=VALUE` sets it.
 */

import type { ParamValue, Scenario } from '../sim/index.js';

/** One parameter: its name, default, type and, for a `oneOf` parameter, its values. */
export interface ParamListing {
  readonly name: string;
  readonly default: ParamValue;
  readonly type: 'number' | 'boolean' | 'string' | 'one of';
  readonly values?: readonly string[];
}

/** The scenario's parameters, in the order it declares them. */
export function listParams(scenario: Scenario): ParamListing[] {
  return Object.entries(scenario.params).map(([name, value]) => {
    const values = scenario.paramChoices?.[name];
    if (values !== undefined) return { name, default: value, type: 'one of', values };
    return { name, default: value, type: typeof value as 'number' | 'boolean' | 'string' };
  });
}

/** The listing as text: one aligned line per parameter. */
export function formatParamList(scenario: Scenario): string {
  const listings = listParams(scenario);
  if (listings.length === 0) return `${scenario.name}: no parameters\n`;
  const rows = listings.map((listing) => [
    listing.name,
    String(listing.default),
    listing.values === undefined ? listing.type : `one of: ${listing.values.join(', ')}`,
  ]);
  const widths = [0, 1].map((column) => Math.max(...rows.map((row) => (row[column] as string).length)));
  const lines = rows.map(
    ([name = '', value = '', type = '']) =>
      `  ${name.padEnd(widths[0] as number)}  ${value.padEnd(widths[1] as number)}  ${type}`,
  );
  return `${scenario.name}: parameters (set with --param NAME=VALUE; default, then type)\n${lines.join('\n')}\n`;
}
