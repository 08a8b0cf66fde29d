/**
 * fairlink/explore: the explorer, a local web app to step through a run, see every node's state,
 * and branch it, over the simulator's own step code (`fairlink explore`).
 */

export { formatBranchPath, parseBranchPath, type BranchPath, type BranchStep } from './branch-path.js';
export { actionOfChoice, enabledChoices, type Choice } from './choices.js';
export type { RunView } from './run-view.js';
export { ModelSession, type ModelStateView, type ModelVerdict } from './model-session.js';
export { ScenarioSession, type MomentView, type ScenarioSource } from './scenario-session.js';
export {
  APP_DIRECTORY,
  startExplorer,
  type ExploreSession,
  type ModelExploreSession,
  type RunningExplorer,
} from './server.js';
export { browserCommand, openUrl } from './open-url.js';
export { TraceSession } from './trace-session.js';
