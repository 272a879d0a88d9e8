import { describe, expect, it } from 'vitest';
import { parseRecordInput } from '../../../functions/record-outcome/input.js';
import { InvalidInputError } from '../../../functions/shared/errors.js';
import { inputFixture } from './helpers.js';

describe('parseRecordInput', () => {
  describe('a valid input', () => {
    it('keeps the registration as the state machine built it', () => {
      const input = inputFixture('registered-input.json');

      expect(parseRecordInput(input)).toEqual(input);
    });

    it("keeps a failure's null label and ARN, and the signal's functionArn", () => {
      const input = inputFixture('failed-input.json');

      expect(parseRecordInput(input)).toEqual(input);
    });

    it('drops fields it does not know', () => {
      const input = { ...inputFixture('registered-input.json'), extra: 'x' };
      input.detail = { ...input.detail, ...{ other: 1 } };

      const parsed = parseRecordInput(input);
      expect(parsed).not.toHaveProperty('extra');
      expect(parsed.detail).not.toHaveProperty('other');
    });
  });

  describe('an invalid input', () => {
    it.each([
      ['not an object', 'text', /must be a JSON object/],
      [
        'another detail-type',
        { ...inputFixture('registered-input.json'), detailType: 'Other' },
        /detailType/,
      ],
      [
        'a start time that is no date',
        { ...inputFixture('registered-input.json'), executionStartTime: 'yesterday' },
        /executionStartTime/,
      ],
      [
        'an account that is not 12 digits',
        (() => {
          const input = inputFixture('registered-input.json');
          input.detail.accountId = '2222';
          return input;
        })(),
        /detail.accountId/,
      ],
      [
        'a Region that is not one',
        (() => {
          const input = inputFixture('registered-input.json');
          input.detail.region = '../default';
          return input;
        })(),
        /detail.region/,
      ],
    ])('refuses %s with InvalidInputError naming the field', (_, input, message) => {
      expect(() => parseRecordInput(input)).toThrow(InvalidInputError);
      expect(() => parseRecordInput(input)).toThrow(message);
    });
  });
});
