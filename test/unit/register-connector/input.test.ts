import { describe, expect, it } from 'vitest';
import { parseRegisterInput } from '../../../functions/register-connector/input.js';
import { AccountMismatchError, InvalidInputError } from '../../../functions/shared/errors.js';
import type { RegisterInput } from '../../../functions/shared/types.js';
import { registerInput } from './helpers.js';

const REQUIRED_STRINGS: (keyof RegisterInput)[] = [
  'executionArn',
  'accountId',
  'region',
  'connectorLabel',
  'lambdaArn',
  'codeSha256',
  'lastModified',
];

function rejection(event: unknown): Error {
  try {
    parseRegisterInput(event);
  } catch (error) {
    return error as Error;
  }
  throw new Error('parseRegisterInput accepted the input');
}

describe('parseRegisterInput', () => {
  describe('with a valid input', () => {
    it('returns the known fields only, leaving the event untouched', () => {
      const event = { ...registerInput(), extra: 'ignored' };
      const before = structuredClone(event);

      const input = parseRegisterInput(event);

      expect(input).toEqual(registerInput());
      expect(input).not.toHaveProperty('extra');
      expect(event).toEqual(before);
    });

    it('drops a reregister field: only the handler decides to register again', () => {
      expect(parseRegisterInput({ ...registerInput(), reregister: true })).not.toHaveProperty('reregister');
      expect(parseRegisterInput({ ...registerInput(), reregister: 'yes' })).toEqual(registerInput());
    });

    it('accepts a null description', () => {
      expect(parseRegisterInput(registerInput({ description: null })).description).toBeNull();
    });

    it("accepts Lambda's LastModified format and plain ISO 8601", () => {
      expect(
        parseRegisterInput(registerInput({ lastModified: '2024-05-01T12:00:00.000Z' })).lastModified,
      ).toBe('2024-05-01T12:00:00.000Z');
    });
  });

  describe('with a malformed input', () => {
    it.each([null, 'a string', 42, [registerInput()]])('rejects %j as not an object', (event) => {
      const error = rejection(event);
      expect(error).toBeInstanceOf(InvalidInputError);
      expect(error.name).toBe('InvalidInputError');
      expect(error.message).toMatch(/must be a JSON object/);
    });

    it.each(REQUIRED_STRINGS)('names %s when it is missing', (field) => {
      const event: Record<string, unknown> = { ...registerInput() };
      delete event[field];

      const error = rejection(event);

      expect(error.name).toBe('InvalidInputError');
      expect(error.message).toContain(field);
    });

    it.each(REQUIRED_STRINGS)('names %s when it is not a string', (field) => {
      const error = rejection({ ...registerInput(), [field]: 123 });
      expect(error.name).toBe('InvalidInputError');
      expect(error.message).toMatch(new RegExp(`^${field} must be a non-empty string; got number`));
    });

    it.each(REQUIRED_STRINGS)('names %s when it is blank', (field) => {
      const error = rejection({ ...registerInput(), [field]: '  ' });
      expect(error.name).toBe('InvalidInputError');
      expect(error.message).toContain(field);
    });

    it.each([undefined, 7, { text: 'x' }])('rejects description %j', (description) => {
      const event: Record<string, unknown> = { ...registerInput(), description };
      if (description === undefined) delete event.description;

      const error = rejection(event);

      expect(error.name).toBe('InvalidInputError');
      expect(error.message).toMatch(/^description must be a string or null/);
    });

    it('rejects a description AppFlow would refuse', () => {
      const error = rejection(registerInput({ description: 'semicolons; are not allowed' }));
      expect(error.name).toBe('InvalidInputError');
      expect(error.message).toMatch(/^description may contain only/);
    });

    it('rejects a label AppFlow would refuse', () => {
      const error = rejection(registerInput({ connectorLabel: 'bad label with spaces' }));
      expect(error.name).toBe('InvalidInputError');
      expect(error.message).toContain('connectorLabel "bad label with spaces"');
    });

    it('rejects an account ID that is not 12 digits', () => {
      const error = rejection(registerInput({ accountId: '1111' }));
      expect(error.name).toBe('InvalidInputError');
      expect(error.message).toMatch(/^accountId must be a 12-digit/);
    });

    it('rejects a lastModified that is not a date and time', () => {
      const error = rejection(registerInput({ lastModified: 'yesterday' }));
      expect(error.name).toBe('InvalidInputError');
      expect(error.message).toMatch(/^lastModified must be an ISO 8601/);
    });

    it('rejects an oversized codeSha256', () => {
      const error = rejection(registerInput({ codeSha256: 'x'.repeat(500) }));
      expect(error.name).toBe('InvalidInputError');
      expect(error.message).toMatch(/^codeSha256 is 500 characters long/);
    });
  });

  describe('naming what it refused', () => {
    it.each([
      [
        'connectorLabel',
        { connectorLabel: 'evil\u202elabel\nACTION REQUIRED' },
        'evil\\u202elabel\\u000aACTION',
      ],
      ['accountId', { accountId: '1111\u0000' }, '"1111\\u0000"'],
      ['lastModified', { lastModified: `tomorrow\r${'x'.repeat(400)}` }, 'tomorrow\\u000dxxx'],
      ['lambdaArn', { lambdaArn: 'ACTION REQUIRED\n: rotate now' }, 'ACTION REQUIRED\\u000a: rotate now'],
      ['region', { region: 'eu-west-1\u2028' }, 'Region eu-west-1\\u2028'],
    ])('escapes and cuts the %s it was given', (_, fields, escaped) => {
      const { message } = rejection(registerInput(fields as Partial<RegisterInput>));
      expect(message).toContain(escaped);
      expect(message).toMatch(/^[\x20-\x7e]*$/);
      expect(message).not.toContain('x'.repeat(200));
    });
  });

  describe('with the Lambda ARN', () => {
    it('rejects a malformed ARN as InvalidInputError naming lambdaArn', () => {
      const error = rejection(registerInput({ lambdaArn: 'arn:aws:s3:::bucket' }));
      expect(error).toBeInstanceOf(InvalidInputError);
      expect(error.message).toMatch(/^lambdaArn: /);
      expect(error.cause).toBeInstanceOf(Error);
      expect((error.cause as Error).name).toBe('InvalidFunctionArnError');
    });

    it.each([':7', ':live', ':$LATEST'])('rejects a qualified ARN (%s)', (qualifier) => {
      const input = registerInput();
      const error = rejection({ ...input, lambdaArn: `${input.lambdaArn}${qualifier}` });
      expect(error.name).toBe('InvalidInputError');
      expect(error.message).toContain('must be unqualified');
      expect(error.message).toContain(`Use ${input.lambdaArn}.`);
    });

    it('refuses a function in another account with AccountMismatchError', () => {
      const error = rejection(
        registerInput({ lambdaArn: 'arn:aws:lambda:eu-west-1:222222222222:function:healthy-connector' }),
      );
      expect(error).toBeInstanceOf(AccountMismatchError);
      expect(error.name).toBe('AccountMismatchError');
      expect(error.message).toContain('account 222222222222');
      expect(error.message).toContain('account 111111111111');
    });

    it('refuses a function in another Region with AccountMismatchError', () => {
      const error = rejection(
        registerInput({ lambdaArn: 'arn:aws:lambda:us-east-1:111111111111:function:healthy-connector' }),
      );
      expect(error.name).toBe('AccountMismatchError');
      expect(error.message).toContain('Region us-east-1');
    });
  });
});
