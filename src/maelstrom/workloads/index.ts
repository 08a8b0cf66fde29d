/**
 * The workloads by name.
 */

import { echoWorkload } from './echo.js';
import { gCounterWorkload, pnCounterWorkload } from './counter.js';
import { kafkaWorkload } from './kafka.js';
import { linKvWorkload, type LinKvOptions } from './lin-kv.js';
import { broadcastWorkload, gSetWorkload } from './set.js';
import { txnListAppendWorkload, txnRwRegisterWorkload, type TxnOptions } from './txn.js';
import { uniqueIdsWorkload } from './unique-ids.js';
import type { Workload, WorkloadName, WorkloadSetting } from './workload.js';

export {
  WORKLOAD_NAMES,
  type Workload,
  type WorkloadCheck,
  type WorkloadName,
  type WorkloadSetting,
} from './workload.js';

/** The options of the workloads that take some (each reads its own). */
export type WorkloadOptions = LinKvOptions & TxnOptions;

/** Builds the workload `name` for one run. */
export function createWorkload(
  name: WorkloadName,
  setting: WorkloadSetting,
  options: WorkloadOptions = {},
): Workload {
  switch (name) {
    case 'echo':
      return echoWorkload();
    case 'unique-ids':
      return uniqueIdsWorkload();
    case 'broadcast':
      return broadcastWorkload(setting);
    case 'g-set':
      return gSetWorkload(setting);
    case 'g-counter':
      return gCounterWorkload(setting);
    case 'pn-counter':
      return pnCounterWorkload(setting);
    case 'lin-kv':
      return linKvWorkload(setting, options);
    case 'kafka':
      return kafkaWorkload(setting);
    case 'txn-list-append':
      return txnListAppendWorkload(setting, options);
    case 'txn-rw-register':
      return txnRwRegisterWorkload(setting, options);
  }
}
