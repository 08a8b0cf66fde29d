/**
 * labs: the course's experiments, which run the engines over the lecture's protocols (the
 * protocols themselves import only `core`). Today the lab-1 tries table, `fairlink lab1-table`.
 */

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
