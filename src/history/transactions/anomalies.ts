/**
 * The vocabulary of the transaction checker: anomaly names (Adya's phenomena as Elle names them)
 * and consistency models, ordered by strength, with the models each anomaly rules out.
 *
 * @module
 */

/** Consistency models the checker can judge, from the weakest. */
export const consistencyModels = [
  'read-uncommitted',
  'read-committed',
  'cursor-stability',
  'repeatable-read',
  'snapshot-isolation',
  'serializable',
  'strong-session-snapshot-isolation',
  'strong-session-serializable',
  'strict-serializable',
] as const;

/** A consistency model's name. */
export type ConsistencyModel = (typeof consistencyModels)[number];

/**
 * The models each model directly implies (its next weaker ones). Repeatable read (Adya's PL-2.99,
 * item cycles forbidden) and snapshot isolation are incomparable: SI allows write skew (G2-item),
 * repeatable read allows what SI forbids about predicates, which item histories cannot show.
 * The strong-session models add each client's own order (a client sees its earlier
 * transactions); strict serializability's real-time order includes it.
 */
const implies: Record<ConsistencyModel, readonly ConsistencyModel[]> = {
  'strict-serializable': ['strong-session-serializable'],
  'strong-session-serializable': ['serializable', 'strong-session-snapshot-isolation'],
  'strong-session-snapshot-isolation': ['snapshot-isolation'],
  serializable: ['repeatable-read', 'snapshot-isolation'],
  'repeatable-read': ['cursor-stability'],
  'snapshot-isolation': ['cursor-stability'],
  'cursor-stability': ['read-committed'],
  'read-committed': ['read-uncommitted'],
  'read-uncommitted': [],
};

/** The anomalies the checker can name. */
export const anomalyTypes = [
  'G0',
  'G1a',
  'G1b',
  'G1c',
  'G-single',
  'G2-item',
  'G0-realtime',
  'G1c-realtime',
  'G-single-realtime',
  'G2-item-realtime',
  'G0-process',
  'G1c-process',
  'G-single-process',
  'G2-item-process',
  'lost-update',
  'internal',
  'incompatible-order',
  'duplicate-elements',
] as const;

/** An anomaly's name. */
export type AnomalyType = (typeof anomalyTypes)[number];

/**
 * The weakest models that forbid each anomaly; every stronger model forbids it too.
 *
 * `internal`, `incompatible-order` and `duplicate-elements` fit no version order at all: no
 * model explains them, so they rule out the weakest one and with it all the others.
 */
const forbiddenFirstBy: Record<AnomalyType, readonly ConsistencyModel[]> = {
  G0: ['read-uncommitted'],
  G1a: ['read-committed'],
  G1b: ['read-committed'],
  G1c: ['read-committed'],
  'lost-update': ['cursor-stability'],
  'G-single': ['repeatable-read', 'snapshot-isolation'],
  'G2-item': ['repeatable-read'],
  'G0-realtime': ['strict-serializable'],
  'G1c-realtime': ['strict-serializable'],
  'G-single-realtime': ['strict-serializable'],
  'G2-item-realtime': ['strict-serializable'],
  'G0-process': ['strong-session-snapshot-isolation'],
  'G1c-process': ['strong-session-snapshot-isolation'],
  'G-single-process': ['strong-session-snapshot-isolation'],
  'G2-item-process': ['strong-session-serializable'],
  internal: ['read-uncommitted'],
  'incompatible-order': ['read-uncommitted'],
  'duplicate-elements': ['read-uncommitted'],
};

/** Every model that implies `model`, itself included. */
function strongerOrEqual(model: ConsistencyModel): Set<ConsistencyModel> {
  const result = new Set<ConsistencyModel>();
  for (const candidate of consistencyModels) if (impliesModel(candidate, model)) result.add(candidate);
  return result;
}

/** Whether `strong` implies `weak` (a model implies itself). */
export function impliesModel(strong: ConsistencyModel, weak: ConsistencyModel): boolean {
  if (strong === weak) return true;
  return implies[strong].some((next) => impliesModel(next, weak));
}

/** Every model an anomaly rules out. */
export function modelsViolatedBy(anomaly: AnomalyType): Set<ConsistencyModel> {
  const result = new Set<ConsistencyModel>();
  for (const model of forbiddenFirstBy[anomaly]) for (const m of strongerOrEqual(model)) result.add(m);
  return result;
}

/** Whether an anomaly rules out `model`. */
export function violates(anomaly: AnomalyType, model: ConsistencyModel): boolean {
  return modelsViolatedBy(anomaly).has(model);
}

/**
 * The models some anomaly rules out, split in the weakest (`not`: each implies no other violated
 * model) and the stronger rest (`alsoNot`), each in the order of {@link consistencyModels}.
 */
export function violatedModels(anomalies: Iterable<AnomalyType>): {
  not: ConsistencyModel[];
  alsoNot: ConsistencyModel[];
} {
  const violated = new Set<ConsistencyModel>();
  for (const anomaly of anomalies) for (const model of modelsViolatedBy(anomaly)) violated.add(model);
  const not: ConsistencyModel[] = [];
  const alsoNot: ConsistencyModel[] = [];
  for (const model of consistencyModels) {
    if (!violated.has(model)) continue;
    const weakest = ![...violated].some((other) => other !== model && impliesModel(model, other));
    (weakest ? not : alsoNot).push(model);
  }
  return { not, alsoNot };
}

/** Reads a model name, as `--consistency-models` gives it; `undefined` for an unknown one. */
export function parseConsistencyModel(name: string): ConsistencyModel | undefined {
  const normal = name.trim().toLowerCase();
  return (consistencyModels as readonly string[]).includes(normal) ? (normal as ConsistencyModel) : undefined;
}

/** An anomaly found that is not a cycle (those carry their edges, see `cycles.ts`). */
export interface Finding {
  readonly type: AnomalyType;
  /** The transactions involved, by id. */
  readonly transactions: readonly number[];
  readonly key?: unknown;
  /** What was seen, in words. */
  readonly description: string;
}
