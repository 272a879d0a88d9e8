import { describe, expect, it } from 'vitest';
import { OperatorError } from '../../../ops/errors.js';
import { ago, sinceOf } from '../../../ops/since.js';

const NOW = new Date('2025-03-14T12:00:00.000Z');

describe('sinceOf', () => {
  it.each([
    ['30m', '2025-03-14T11:30:00.000Z'],
    ['12h', '2025-03-14T00:00:00.000Z'],
    ['7d', '2025-03-07T12:00:00.000Z'],
    ['2w', '2025-02-28T12:00:00.000Z'],
    ['2025-03-01T08:00:00Z', '2025-03-01T08:00:00.000Z'],
  ])('reads %s', (text, expected) => {
    expect(sinceOf(text, NOW).toISOString()).toBe(expected);
  });

  it.each(['7', 'yesterday', '3y'])('refuses %s, saying what it takes', (text) => {
    expect(() => sinceOf(text, NOW)).toThrow(OperatorError);
    expect(() => sinceOf(text, NOW)).toThrow(/expected a duration such as 30m, 12h, 7d or 2w, or a date/);
  });
});

describe('ago', () => {
  it.each([
    ['2025-03-14T11:59:18.000Z', '42s ago'],
    ['2025-03-14T11:55:00.000Z', '5m ago'],
    ['2025-03-14T09:00:00.000Z', '3h ago'],
    ['2025-03-12T12:00:00.000Z', '2d ago'],
  ])('says %s is %s', (iso, expected) => {
    expect(ago(iso, NOW)).toBe(expected);
  });
});
