import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidEventPatternError, matchesPattern, validatePattern } from '../../../local/events/pattern.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));

interface MatchCase {
  name: string;
  source: string;
  event: string;
  pattern: Record<string, unknown>;
  matches: boolean;
}

const events = fixture('pattern-events.json') as Record<string, unknown>;
const cases = fixture('pattern-cases.json') as MatchCase[];
const invalid = fixture('invalid-patterns.json') as { pattern: unknown; reason: string }[];

describe('matchesPattern', () => {
  describe('documented examples and edge cases', () => {
    it.each(cases)('$name → $matches ($source)', ({ pattern, event, matches }) => {
      expect(events[event], `no event "${event}" in pattern-events.json`).toBeDefined();
      expect(matchesPattern(validatePattern(pattern), events[event])).toBe(matches);
    });
  });

  describe('inputs', () => {
    it('does not change the event or the pattern', () => {
      const event = structuredClone(events['ec2-running']);
      const [first] = cases;
      const pattern = structuredClone(first?.pattern ?? {});
      matchesPattern(pattern, event);
      expect(event).toEqual(events['ec2-running']);
      expect(pattern).toEqual(first?.pattern);
    });

    it('treats an event that is not an object as having no fields', () => {
      expect(matchesPattern({ source: [{ exists: false }] }, 'not an event')).toBe(true);
      expect(matchesPattern({ source: ['aws.ec2'] }, null)).toBe(false);
    });

    it('throws InvalidEventPatternException for an invalid pattern instead of answering', () => {
      expect(() => matchesPattern({ source: [] }, events['ec2-running'])).toThrow(InvalidEventPatternError);
    });
  });
});

describe('validatePattern', () => {
  describe('valid patterns', () => {
    it('parses JSON text as PutRule carries it', () => {
      expect(validatePattern('{"source":["aws.lambda"]}')).toEqual({ source: ['aws.lambda'] });
    });

    it('accepts every documented example', () => {
      for (const { pattern } of cases) expect(() => validatePattern(pattern)).not.toThrow();
    });
  });

  describe('invalid patterns', () => {
    it.each(invalid)('refuses $pattern: $reason', ({ pattern, reason }) => {
      const error = (() => {
        try {
          validatePattern(pattern);
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(InvalidEventPatternError);
      expect((error as Error).name).toBe('InvalidEventPatternException');
      expect((error as Error).message).toContain('Event pattern is not valid. Reason: ');
      expect((error as Error).message).toContain(reason);
    });
  });
});
