import { describe, expect, it } from 'vitest';
import { parseFunctionArn } from '../../../functions/shared/arn.js';
import { printable } from '../../../functions/shared/text.js';

describe('printable', () => {
  describe('keeps untrusted text printable and short', () => {
    it('leaves printable ASCII alone', () => {
      expect(printable('acme-orders #1')).toBe('acme-orders #1');
    });

    it('cuts long text and says how long it was', () => {
      expect(printable('abcdef', 3)).toBe('abc...(6 chars)');
    });

    it('escapes what a terminal or log viewer would interpret', () => {
      expect(printable('a\r\n\t\u001b[31m\u2028\\')).toBe('a\\u000d\\u000a\\u0009\\u001b[31m\\u2028\\\\');
    });
  });
});

function refusal(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('accepted');
}

describe('parseFunctionArn', () => {
  describe('names what it refused in printable text only', () => {
    it('escapes and cuts a value that is not an ARN', () => {
      const hostile = `ACTION REQUIRED\u202e: rotate now at https://example.invalid/${'x'.repeat(300)}\n`;
      const { message } = refusal(() => parseFunctionArn(hostile));
      expect(message).toMatch(
        /^"ACTION REQUIRED\\u202e: rotate now at https:\/\/example\.invalid\/x+\.\.\.\(\d+ chars\)" is not a Lambda function ARN/,
      );
      expect(message).toMatch(/^[\x20-\x7e]*$/);
      expect(message.length).toBeLessThan(300);
    });
  });
});
