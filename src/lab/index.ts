/**
 * lab: the course, run by the engines over the lecture's protocols (the protocols themselves
 * import only `core`): the course kit (`fairlink lab list | init | test`: handouts, suites as
 * data under labs/, grading) and the lab-1 tries table (`fairlink lab1-table`).
 */

export {
  HANDOUT_MARKER,
  HANDOUT_TESTS,
  handoutMarker,
  refreshHandoutTests,
  requireHandout,
  shippedHandoutFiles,
} from './handout.js';
export { formatOutcome, formatTotal, reportHead, reportJson } from './report.js';
export { runSuite, selectTests, type RunSuiteOptions, type TestOutcome } from './run-suite.js';
export {
  labNumbers,
  loadSuite,
  parseSuite,
  SUITE_VERSION,
  totalPoints,
  type LabSuite,
  type LabTest,
} from './suite.js';
export {
  LAB1_DROP_RATES,
  formatTriesTable,
  lab1TriesTable,
  median,
  nearestRank,
  theoryMedianTries,
  type TriesRow,
  type TriesTableOptions,
} from './tries-table.js';
export { renderTriesTableHtml } from './tries-table-html.js';
