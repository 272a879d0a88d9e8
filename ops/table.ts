/**
 * A plain text table for the terminal. Written by hand: it is a dozen lines, and the packages that
 * draw tables bring box-drawing and colour this output does not need (it is also piped into logs).
 */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  // The last column is not padded, so its rule is only as wide as its title: a long last cell
  // (a failure's message) does not stretch the rule of every line above it.
  const rule = widths.map((width, column) =>
    '-'.repeat(column === widths.length - 1 ? (header[column] ?? '').length : width),
  );
  return [line(header), line(rule), ...rows.map(line)].join('\n');
}
