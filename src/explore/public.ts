/**
 * fairlink/explore: the explorer's server, a local web app to step through a run, see every
 * node's state at every event, branch it, and browse a check model's state space, over the
 * engines' own step code (`fairlink explore` is a thin command over it).
 *
 * @module fairlink/explore
 */

export {
  browserCommand,
  formatBranchPath,
  ModelSession,
  openUrl,
  parseBranchPath,
  ScenarioSession,
  startExplorer,
  TraceSession,
  type BranchPath,
  type BranchStep,
  type Choice,
  type ExploreSession,
  type ModelExploreSession,
  type ModelStateView,
  type ModelVerdict,
  type MomentView,
  type RunningExplorer,
  type RunView,
  type ScenarioSource,
} from './index.js';
