/**
 * A small subset of AppFlow's filter expression language (the ANTLR grammar of the connector SDKs),
 * enough for the sample connector: comparisons joined by `and`.
 *
 *   name = "Ada Lovelace" and age >= 30
 *   email contains "example.com"
 *   updatedAt between "2026-01-01T00:00:00Z" and "2026-03-01T00:00:00Z"
 */

export class FilterExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilterExpressionError';
  }
}

type Value = string | number | boolean;
type Row = Record<string, unknown>;
export type RowPredicate = (row: Row) => boolean;

type Token = { kind: 'word' | 'op'; text: string } | { kind: 'value'; value: Value };

const OPERATORS = ['!=', '<=', '>=', '=', '<', '>'] as const;

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < expression.length) {
    const char = expression.charAt(at);
    if (/\s/.test(char)) {
      at += 1;
      continue;
    }
    if (char === '"' || char === "'") {
      const end = expression.indexOf(char, at + 1);
      if (end < 0) throw new FilterExpressionError(`Unterminated string starting at position ${at}`);
      tokens.push({ kind: 'value', value: expression.slice(at + 1, end) });
      at = end + 1;
      continue;
    }
    const operator = OPERATORS.find((op) => expression.startsWith(op, at));
    if (operator) {
      tokens.push({ kind: 'op', text: operator });
      at += operator.length;
      continue;
    }
    const word = /^[A-Za-z_][\w.]*|^-?\d+(?:\.\d+)?/.exec(expression.slice(at))?.[0];
    if (!word) throw new FilterExpressionError(`Unexpected character "${char}" at position ${at}`);
    if (/^-?\d/.test(word)) tokens.push({ kind: 'value', value: Number(word) });
    else if (/^(true|false)$/i.test(word))
      tokens.push({ kind: 'value', value: word.toLowerCase() === 'true' });
    else tokens.push({ kind: 'word', text: word });
    at += word.length;
  }
  return tokens;
}

function compare(left: unknown, right: Value): number {
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  return String(left).localeCompare(String(right));
}

/**
 * Compiles a filter expression into a predicate over rows whose fields are `fields`, throwing
 * FilterExpressionError for anything outside the supported subset.
 */
export function compileFilter(expression: string, fields: readonly string[]): RowPredicate {
  const tokens = tokenize(expression);
  let at = 0;
  const next = (): Token | undefined => tokens[at++];
  const expectValue = (): Value => {
    const token = next();
    if (token?.kind !== 'value')
      throw new FilterExpressionError('Expected a quoted string, a number or a boolean');
    return token.value;
  };

  const conditions: RowPredicate[] = [];
  for (;;) {
    const name = next();
    if (name?.kind !== 'word') throw new FilterExpressionError('Expected a field name');
    if (!fields.includes(name.text)) {
      throw new FilterExpressionError(`Unknown field "${name.text}"; the entity has ${fields.join(', ')}`);
    }
    const fieldName = name.text;
    const operator = next();
    if (operator?.kind === 'op') {
      const value = expectValue();
      const test = {
        '=': (c: number) => c === 0,
        '!=': (c: number) => c !== 0,
        '<': (c: number) => c < 0,
        '<=': (c: number) => c <= 0,
        '>': (c: number) => c > 0,
        '>=': (c: number) => c >= 0,
      }[operator.text as (typeof OPERATORS)[number]];
      conditions.push((row) => test(compare(row[fieldName], value)));
    } else if (operator?.kind === 'word' && operator.text.toLowerCase() === 'contains') {
      const value = String(expectValue());
      conditions.push((row) => String(row[fieldName]).includes(value));
    } else if (operator?.kind === 'word' && operator.text.toLowerCase() === 'between') {
      const low = expectValue();
      const and = next();
      if (and?.kind !== 'word' || and.text.toLowerCase() !== 'and') {
        throw new FilterExpressionError('Expected "and" in a between condition');
      }
      const high = expectValue();
      conditions.push((row) => compare(row[fieldName], low) >= 0 && compare(row[fieldName], high) <= 0);
    } else {
      throw new FilterExpressionError(`Expected an operator after "${fieldName}"`);
    }

    const joiner = next();
    if (joiner === undefined) break;
    if (joiner.kind !== 'word' || joiner.text.toLowerCase() !== 'and') {
      throw new FilterExpressionError('Only "and" may join conditions in this connector');
    }
  }
  return (row) => conditions.every((condition) => condition(row));
}
