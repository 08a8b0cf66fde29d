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

/** Where a character offset is in a text: 1-based line and column. */
export interface TextPosition {
  readonly line: number;
  readonly column: number;
}

/**
 * Finds the line and column of character offsets in `text`, for formats read as a whole rather
 * than line by line (an EDN file that is one vector), whose errors must still name a line.
 */
export function positionFinder(text: string): (offset: number) => TextPosition {
  // lineStarts[i] is the offset of the first character of line i + 1.
  const lineStarts = [0];
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lineStarts.push(at + 1);
  return (offset) => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if ((lineStarts[middle] as number) <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - (lineStarts[low] as number) + 1 };
  };
}
