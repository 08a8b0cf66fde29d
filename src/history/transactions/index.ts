/**
 * The transaction checker (Elle's kind): list-append and rw-register histories judged against
 * consistency models from read uncommitted to strict serializability.
 *
 * @module
 */
export {
  anomalyTypes,
  consistencyModels,
  impliesModel,
  modelsViolatedBy,
  parseConsistencyModel,
  violatedModels,
  type AnomalyType,
  type ConsistencyModel,
} from './anomalies.js';
export {
  checkTransactions,
  transactionWorkloads,
  type TransactionAnomaly,
  type TransactionCheckOptions,
  type TransactionCheckResult,
  type TransactionWorkload,
} from './check.js';
export { drawCycleAscii, drawCycleSvg, type CycleStep, type EdgeKindName } from './explain.js';
export { readTransactions, type MicroOp, type Transaction, type TxnKey } from './types.js';
