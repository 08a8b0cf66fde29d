/**
 * Default texts of operations for reports, shared by the built-in models.
 *
 * @module
 */
import { describeValue } from '../hash.js';
import type { Operation } from '../types.js';

/** `f(key, input) -> output`, with `?` for an unknown result. */
export function describeOperation(op: Operation): string {
  const argument = op.input === null || op.input === undefined ? '' : describeValue(op.input, 40);
  const target =
    op.key === undefined
      ? argument
      : argument === ''
        ? describeValue(op.key)
        : `${describeValue(op.key)}, ${argument}`;
  const result = op.status === 'unknown' ? '?' : describeValue(op.output, 40);
  return `${op.f}(${target}) -> ${result}`;
}
