/**
 * Splitting a file into numbered lines, shared by the line-oriented formats.
 *
 * @module
 */

/** Calls `visit(line, lineNumber)` for each line (1-based), without its `\n` or `\r\n`. */
export function forEachLine(text: string, visit: (line: string, lineNumber: number) => void): void {
  let start = 0;
  let lineNumber = 1;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
    if (!(end === text.length && line === '')) visit(line, lineNumber);
    start = end + 1;
    lineNumber++;
  }
}
