import { describe, expect, it } from 'vitest';
import { parseUnregisterInput } from '../../../functions/unregister-connector/input.js';
import { unregisterInput } from './helpers.js';

function refusal(event: unknown): Error {
  try {
    parseUnregisterInput(event);
  } catch (error) {
    return error as Error;
  }
  throw new Error('parseUnregisterInput accepted the event');
}

describe('parseUnregisterInput', () => {
  it('returns exactly the known fields of a valid input', () => {
    expect(parseUnregisterInput({ ...unregisterInput(), extra: 'dropped' })).toEqual(unregisterInput());
  });

  describe('refuses, before any AWS call', () => {
    it.each([
      ['a non-object', 'text', 'InvalidInputError'],
      ['a missing label', { ...unregisterInput(), connectorLabel: undefined }, 'InvalidInputError'],
      ['a label AppFlow would refuse', unregisterInput({ connectorLabel: 'a b' }), 'InvalidInputError'],
      ['an unknown reason', { ...unregisterInput(), reason: 'vanished' }, 'InvalidInputError'],
      ['a registeredAt that is no time', unregisterInput({ registeredAt: 'yesterday' }), 'InvalidInputError'],
      ['a malformed account', unregisterInput({ accountId: '2222' }), 'InvalidInputError'],
      [
        'a qualified Lambda ARN',
        unregisterInput({ lambdaArn: `${unregisterInput().lambdaArn}:3` }),
        'InvalidInputError',
      ],
      [
        'a Lambda of another account',
        unregisterInput({
          lambdaArn: 'arn:aws:lambda:eu-west-1:333333333333:function:acme-orders-connector',
        }),
        'AccountMismatchError',
      ],
      [
        'a connector of another account',
        unregisterInput({ connectorArn: 'arn:aws:appflow:eu-west-1:333333333333:connector/acme-orders' }),
        'AccountMismatchError',
      ],
      ['a connector of another Region', unregisterInput({ region: 'us-east-1' }), 'AccountMismatchError'],
    ])('%s', (_, event, name) => {
      expect(refusal(event).name).toBe(name);
    });
  });
});
