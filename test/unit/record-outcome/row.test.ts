import { describe, expect, it } from 'vitest';
import { messageOf, rowOf } from '../../../functions/record-outcome/row.js';
import { NO_FUNCTION } from '../../../functions/shared/inventory.js';
import { inputFixture } from './helpers.js';

const failedWith = (signalFunctionArn: string | undefined) => {
  const input = inputFixture('failed-input.json');
  if (signalFunctionArn === undefined) delete input.signalFunctionArn;
  else input.signalFunctionArn = signalFunctionArn;
  return input;
};

describe('rowOf', () => {
  it('uses the function VerifyFunction validated', () => {
    expect(rowOf(inputFixture('registered-input.json'))).toEqual({
      functionName: 'sales-connector',
      lambdaArn: 'arn:aws:lambda:eu-west-1:222222222222:function:sales-connector',
    });
  });

  describe('a failure before verification', () => {
    it.each([
      [
        'an ARN of its own account and Region',
        'arn:aws:lambda:eu-west-1:222222222222:function:sales-connector',
      ],
      [
        'a qualified ARN of its own account and Region',
        'arn:aws:lambda:eu-west-1:222222222222:function:sales-connector:7',
      ],
      ["a CloudFormation signal's bare name", 'sales-connector'],
    ])('uses the row of the function the signal named as %s', (_, signal) => {
      expect(rowOf(failedWith(signal))).toEqual({ functionName: 'sales-connector' });
    });

    it.each([
      ['a function of another account', 'arn:aws:lambda:eu-west-1:333333333333:function:sales-connector'],
      ['a function of another Region', 'arn:aws:lambda:us-east-1:222222222222:function:sales-connector'],
      ['no function at all', 'ACTION REQUIRED: rotate now at https://example.invalid/rotate'],
      ['nothing', undefined],
    ])('uses the account’s NO_FUNCTION row when the signal named %s', (_, signal) => {
      expect(rowOf(failedWith(signal))).toEqual({ functionName: NO_FUNCTION });
    });
  });
});

describe('messageOf', () => {
  it("reads a Lambda error payload's errorMessage, which names the fix", () => {
    const { cause } = inputFixture('failed-input.json').detail;

    expect(messageOf(cause)).toMatch(/^AppFlow cannot invoke .* aws lambda add-permission /);
  });

  it("keeps Step Functions' own text causes as they are", () => {
    expect(messageOf('The task did not finish within the TimeoutSeconds of its state.')).toBe(
      'The task did not finish within the TimeoutSeconds of its state.',
    );
  });

  it('cuts a long message and says how long it was', () => {
    expect(messageOf('x'.repeat(5000))).toBe(`${'x'.repeat(2000)}...(5000 chars)`);
  });

  it('has nothing for no cause', () => {
    expect(messageOf(undefined)).toBeUndefined();
  });
});
