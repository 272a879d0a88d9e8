import { describe, expect, it } from 'vitest';
import { compileFilter } from '../../../examples/connectors/query-filter.js';

const FIELDS = ['name', 'age', 'updatedAt'];
const ada = { name: 'Ada', age: 36, updatedAt: '2026-01-05T09:00:00.000Z' };

describe('compileFilter', () => {
  describe('conditions', () => {
    it('compares numbers and strings', () => {
      expect(compileFilter('age > 30 and name = "Ada"', FIELDS)(ada)).toBe(true);
      expect(compileFilter("age <= 30 AND name != 'Ada'", FIELDS)(ada)).toBe(false);
    });

    it('matches a between range inclusively', () => {
      const inJanuary = compileFilter(
        'updatedAt between "2026-01-01T00:00:00.000Z" and "2026-01-05T09:00:00.000Z"',
        FIELDS,
      );
      expect(inJanuary(ada)).toBe(true);
      expect(inJanuary({ ...ada, updatedAt: '2026-02-01T00:00:00.000Z' })).toBe(false);
    });
  });

  describe('errors', () => {
    it.each([
      ['salary > 1', /Unknown field "salary"/],
      ['age >', /Expected a quoted string/],
      ['name = "open', /Unterminated string/],
      ['age > 1 or age < 3', /Only "and"/],
      ['age ~ 3', /Unexpected character/],
    ])('rejects %s', (expression, message) => {
      expect(() => compileFilter(expression, FIELDS)).toThrow(message);
    });
  });
});
