import { describe, expect, it } from 'vitest';
import { StateMachine, type StateMachineDefinition } from '../../../local/services/states/interpreter.js';
import { stringMatcher } from '../../../local/services/states/string-matches.js';

/** A Choice that goes to Matched when $.value StringMatches `pattern`. */
function choice(pattern: string): StateMachineDefinition {
  return {
    StartAt: 'Test',
    States: {
      Test: {
        Type: 'Choice',
        Choices: [{ Variable: '$.value', StringMatches: pattern, Next: 'Matched' }],
        Default: 'Unmatched',
      },
      Matched: { Type: 'Pass', Result: 'matched', End: true },
      Unmatched: { Type: 'Pass', Result: 'unmatched', End: true },
    },
  } as StateMachineDefinition;
}

const decide = (pattern: string, value: string) => new StateMachine(choice(pattern)).run({ value }).result;

describe('StringMatches', () => {
  describe('stringMatcher', () => {
    it('lets * match any characters, line breaks included', () => {
      expect(stringMatcher('arn:*')('arn:aws:lambda\nx')).toBe(true);
      expect(stringMatcher('*.log')('first line\r\nsecond.log')).toBe(true);
      expect(stringMatcher('a*b*c')('a\u2028b\u2029c')).toBe(true);
      expect(stringMatcher('a*b')('a\nc')).toBe(false);
    });

    it('takes ? and every other character literally', () => {
      expect(stringMatcher('file?.txt')('file?.txt')).toBe(true);
      expect(stringMatcher('file?.txt')('file1.txt')).toBe(false);
      expect(stringMatcher('[a-z]+')('[a-z]+')).toBe(true);
    });

    it('reads \\* as a literal star and \\\\ as a literal backslash', () => {
      expect(stringMatcher('a\\*b')('a*b')).toBe(true);
      expect(stringMatcher('a\\*b')('axb')).toBe(false);
      expect(stringMatcher('C:\\\\*')('C:\\temp')).toBe(true);
    });

    it('matches the whole value, with empty patterns and values', () => {
      expect(stringMatcher('foo*.log')('foo23.log')).toBe(true);
      expect(stringMatcher('foo*.log')('zebra.log')).toBe(false);
      expect(stringMatcher('*')('')).toBe(true);
      expect(stringMatcher('')('')).toBe(true);
      expect(stringMatcher('')('x')).toBe(false);
      expect(stringMatcher('**a**')('bab')).toBe(true);
    });
  });

  describe('in a Choice state the local Step Functions runs', () => {
    it('matches across a line break', async () => {
      await expect(decide('arn:*', 'arn:aws:lambda:eu-west-1\n:function:x')).resolves.toBe('matched');
      await expect(decide('*-connector', 'first\nsales-connector')).resolves.toBe('matched');
    });

    it('does not take ? as a wildcard', async () => {
      await expect(decide('v?', 'v1')).resolves.toBe('unmatched');
      await expect(decide('v?', 'v?')).resolves.toBe('matched');
    });
  });
});
