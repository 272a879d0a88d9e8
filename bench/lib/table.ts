/** Prints rows as left-aligned columns (the first row is the header), like `registrar run`. */
export function printTable(rows: readonly (readonly string[])[]): void {
  const [header = [], ...body] = rows;
  console.log(
    formatTable(
      [...header],
      body.map((row) => [...row]),
    ),
  );
}

import { formatTable } from '../../local/index.js';
