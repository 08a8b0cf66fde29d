/**
 * The lab-1 table as a self-contained HTML page: an inline SVG plot of the median number of tries
 * against the drop rate (log scale), with the measured mean and the theory's mean for comparison,
 * and the table itself. No scripts, fonts or other external resources.
 *
 * @module
 */

import { formatTriesTable, type TriesRow } from './tries-table.js';

const WIDTH = 720;
const HEIGHT = 440;
const MARGIN = { left: 70, right: 24, top: 40, bottom: 60 };
const PLOT_WIDTH = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_HEIGHT = HEIGHT - MARGIN.top - MARGIN.bottom;

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A round step for about `count` ticks over [0, max]. */
function niceStep(max: number, count: number): number {
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

function percent(rate: number): string {
  return `${+(rate * 100).toPrecision(3)}%`;
}

function round(value: number): string {
  return value.toFixed(1);
}

/** The SVG plot of `rows`. Drop rates must be above 0 (log axis). */
function plot(rows: readonly TriesRow[]): string {
  const rates = rows.map((row) => row.dropRate);
  const decadeLow = Math.floor(Math.log10(Math.min(...rates)));
  const decadeHigh = Math.max(decadeLow + 1, Math.ceil(Math.log10(Math.max(...rates))));
  const x = (rate: number): number =>
    MARGIN.left + ((Math.log10(rate) - decadeLow) / (decadeHigh - decadeLow)) * PLOT_WIDTH;

  // The theory curve is drawn over the measured range only (it diverges as the rate nears 1).
  const theory = (rate: number): number => 1 / (1 - rate) ** 2;
  const measured = rows
    .flatMap((row) => [row.medianTries, row.meanTries])
    .filter((value) => Number.isFinite(value));
  const yMaxData = Math.max(1, ...measured, theory(Math.max(...rates)));
  const yStep = niceStep(yMaxData, 6);
  // A little headroom, so that the highest point does not sit on the frame.
  const yMax = Math.ceil((yMaxData * 1.05) / yStep) * yStep;
  const y = (tries: number): number => MARGIN.top + PLOT_HEIGHT - (tries / yMax) * PLOT_HEIGHT;

  const parts: string[] = [];
  // Grid and ticks: decades labelled, the 2..9 multiples as faint lines.
  for (let decade = decadeLow; decade <= decadeHigh; decade++) {
    for (let multiple = 1; multiple <= (decade === decadeHigh ? 1 : 9); multiple++) {
      const rate = multiple * 10 ** decade;
      const position = round(x(rate));
      const major = multiple === 1;
      parts.push(
        `<line x1="${position}" y1="${MARGIN.top}" x2="${position}" y2="${MARGIN.top + PLOT_HEIGHT}" class="${major ? 'grid' : 'minor'}"/>`,
      );
      if (major) {
        parts.push(
          `<text x="${position}" y="${MARGIN.top + PLOT_HEIGHT + 20}" text-anchor="middle">${percent(rate)}</text>`,
        );
      }
    }
  }
  for (let tick = 0; tick <= yMax + yStep / 2; tick += yStep) {
    const position = round(y(tick));
    parts.push(
      `<line x1="${MARGIN.left}" y1="${position}" x2="${MARGIN.left + PLOT_WIDTH}" y2="${position}" class="grid"/>`,
    );
    parts.push(
      `<text x="${MARGIN.left - 8}" y="${position}" text-anchor="end" dominant-baseline="middle">${+tick.toPrecision(6)}</text>`,
    );
  }
  parts.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${PLOT_WIDTH}" height="${PLOT_HEIGHT}" class="frame"/>`,
  );

  // Axis titles.
  parts.push(
    `<text x="${MARGIN.left + PLOT_WIDTH / 2}" y="${HEIGHT - 14}" text-anchor="middle" class="axis">drop rate (log scale)</text>`,
    `<text transform="translate(18 ${MARGIN.top + PLOT_HEIGHT / 2}) rotate(-90)" text-anchor="middle" class="axis">tries per send</text>`,
  );

  // Theory: a smooth dashed curve from the lowest to the highest measured rate.
  const low = Math.log10(Math.min(...rates));
  const high = Math.log10(Math.max(...rates));
  const samples = Array.from({ length: 65 }, (_, index) => 10 ** (low + ((high - low) * index) / 64));
  parts.push(
    `<polyline class="theory" points="${samples.map((rate) => `${round(x(rate))},${round(y(theory(rate)))}`).join(' ')}"/>`,
  );

  // Measured mean and median: lines through the points, with a marker at each rate.
  for (const [key, className] of [
    ['meanTries', 'mean'],
    ['medianTries', 'median'],
  ] as const) {
    const points = rows
      .filter((row) => Number.isFinite(row[key]))
      .map((row) => [x(row.dropRate), y(row[key])] as const);
    parts.push(
      `<polyline class="${className}" points="${points.map(([px, py]) => `${round(px)},${round(py)}`).join(' ')}"/>`,
    );
    for (const [px, py] of points)
      parts.push(`<circle class="${className}" cx="${round(px)}" cy="${round(py)}" r="4"/>`);
  }

  // Legend, top left inside the plot.
  const legend = [
    ['median', 'median tries (measured)'],
    ['mean', 'mean tries (measured)'],
    ['theory', 'theory: 1 / (1 - p)²'],
  ] as const;
  legend.forEach(([className, label], index) => {
    const top = MARGIN.top + 18 + index * 20;
    parts.push(
      `<line x1="${MARGIN.left + 14}" y1="${top}" x2="${MARGIN.left + 44}" y2="${top}" class="${className}"/>`,
      `<text x="${MARGIN.left + 52}" y="${top}" dominant-baseline="middle">${escapeHtml(label)}</text>`,
    );
  });

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="Median tries against drop rate">`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" class="title">Tries per reliable send against drop rate</text>`,
    ...parts,
    '</svg>',
  ].join('\n');
}

/**
 * A self-contained HTML page with the plot and the table of `rows` (from `lab1TriesTable`).
 * Every drop rate must be above 0, since the x axis is logarithmic.
 */
export function renderTriesTableHtml(rows: readonly TriesRow[]): string {
  if (rows.length === 0) throw new RangeError('renderTriesTableHtml: no rows to plot');
  for (const row of rows) {
    if (!(row.dropRate > 0 && row.dropRate < 1)) {
      throw new RangeError(
        `renderTriesTableHtml: drop rate ${row.dropRate} cannot be placed on a log axis (need 0 < rate < 1)`,
      );
    }
  }
  const trials = [...new Set(rows.map((row) => row.trials))].join(', ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>fairlink: lab 1, tries against drop rate</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
  svg text { font-size: 12px; fill: #222; }
  svg .title { font-size: 15px; font-weight: 600; }
  svg .axis { font-size: 13px; }
  .frame { fill: none; stroke: #444; }
  .grid { stroke: #ddd; }
  .minor { stroke: #f0f0f0; }
  polyline { fill: none; stroke-width: 2; }
  line.median, line.mean, line.theory { stroke-width: 2; }
  .median { stroke: #1f5fbf; }
  .mean { stroke: #d9822b; stroke-dasharray: 6 3; }
  .theory { stroke: #555; stroke-dasharray: 2 4; }
  circle.median { fill: #1f5fbf; }
  circle.mean { fill: #d9822b; stroke-dasharray: none; }
  pre { background: #f6f6f6; padding: 1em; display: inline-block; }
</style>
</head>
<body>
<h1>Lab 1: tries per reliable send</h1>
<p>Each drop rate: ${escapeHtml(trials)} trials of one reliable send; a try is one copy of the message.
The theory assumes each try is an independent round trip that succeeds with probability (1 - p)².</p>
${plot(rows)}
<pre>${escapeHtml(formatTriesTable(rows))}</pre>
</body>
</html>
`;
}
