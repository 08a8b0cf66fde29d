/**
 * The echo workload: `echo{echo}` -> `echo_ok{echo}`, and each reply must echo
 * its request.
 */

import { structuralEqual } from '../../history/index.js';
import type { RunHistory } from '../run-history.js';
import { checkReplyType, missingField, type Workload, type WorkloadCheck } from './workload.js';

const EXAMPLES_MAX = 10;

/** The echo workload. */
export function echoWorkload(): Workload {
  let counter = 0;
  const idempotent: ReadonlySet<string> = new Set(['echo']);
  return {
    name: 'echo',
    idempotent,
    next: () => ({ f: 'echo', value: `Please echo ${counter++}` }),
    request: (operation) => ({ type: 'echo', echo: operation.value }),
    interpret(operation, reply) {
      const early = checkReplyType(operation, reply, 'echo_ok', idempotent);
      if (early !== undefined) return early;
      if (!('echo' in reply)) return missingField(reply, 'echo', 'the echoed value');
      return { type: 'ok', value: reply['echo'] };
    },
    check: checkEcho,
  };
}

/** Every acknowledged echo must equal its request. */
export function checkEcho(history: RunHistory): WorkloadCheck {
  const acknowledged = history.operations.filter((record) => record.type === 'ok');
  const wrong = acknowledged.filter((record) => !structuralEqual(record.input, record.output));
  return {
    verdict: wrong.length > 0 ? 'invalid' : acknowledged.length === 0 ? 'unknown' : 'valid',
    summary: {
      attempted: history.operations.length,
      acknowledged: acknowledged.length,
      wrong: wrong.length,
      wrongExamples: wrong
        .slice(0, EXAMPLES_MAX)
        .map((record) => ({ sent: record.input, got: record.output })),
    },
    lines: [
      `echo: ${acknowledged.length} of ${history.operations.length} acknowledged, ${wrong.length} wrong` +
        (wrong[0] === undefined
          ? ''
          : ` (sent ${JSON.stringify(wrong[0].input)}, got ${JSON.stringify(wrong[0].output)})`),
    ],
  };
}
