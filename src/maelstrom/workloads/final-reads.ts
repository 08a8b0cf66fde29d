/**
 * Final reads, as Maelstrom judges convergence: after the faults heal and the
 * system rests, one read on every node. The history's checkers take "each
 * process's last read" as final; here each read is re-attributed to the node it
 * went to, so that a node's last read is its final read, and reads of nodes
 * whose final read failed are left out (there is nothing to judge them by).
 */

import type { Operation, PairedHistory } from '../../history/index.js';
import type { RecordedOperation, RunHistory } from '../run-history.js';

/** A paired history whose reads are attributed to nodes, and the nodes that had no final read. */
export interface ReadsByNode {
  readonly history: PairedHistory;
  readonly nodesWithoutFinalRead: readonly string[];
}

/** Re-attributes the `readF` operations of `history` to their nodes (see the module comment). */
export function readsByNode(history: RunHistory, readF: string, nodes: readonly string[]): ReadsByNode {
  const { history: paired, recordOf } = history.paired();
  const finalNodes = new Set(
    history.operations
      .filter((record: RecordedOperation) => record.final && record.f === readF && record.type === 'ok')
      .map((record) => record.node),
  );
  const operations: Operation[] = [];
  for (const operation of paired.operations) {
    if (operation.f !== readF) {
      operations.push(operation);
      continue;
    }
    const node = recordOf(operation).node;
    if (finalNodes.has(node)) operations.push({ ...operation, process: `node ${node}` });
  }
  return {
    history: { ...paired, operations },
    nodesWithoutFinalRead: nodes.filter((node) => !finalNodes.has(node)),
  };
}
