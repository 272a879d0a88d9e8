import { describe, expect, it } from 'vitest';
import {
  AccountMismatchError,
  AccountNotAllowedError,
  InvalidFunctionArnError,
  RegionNotServedError,
} from '../../../functions/shared/errors.js';
import { type GuardConfig, guardFunction } from '../../../functions/shared/guards.js';
import { parseVerifyInput, type ValidInput } from '../../../functions/shared/workflow-input.js';
import { CONNECTOR_ARN, fixture } from './helpers.js';

const open: GuardConfig = { partition: 'aws', allowedAccountIds: [], servedRegions: [] };

function input(name: string, changes: Partial<Record<keyof ValidInput, unknown>> = {}): ValidInput {
  return parseVerifyInput({ ...fixture<Record<string, unknown>>(name), ...changes });
}

function refusal(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('the guard let the function through');
}

describe('guardFunction', () => {
  describe('lets a function of the event account through', () => {
    it('returns the unqualified ARN and its parts', () => {
      expect(guardFunction(input('input-cloudtrail.json'), open)).toEqual({
        lambdaArn: CONNECTOR_ARN,
        arn: {
          partition: 'aws',
          region: 'eu-west-1',
          accountId: '222222222222',
          functionName: 'acme-orders-connector',
        },
      });
    });

    it('accepts an account on the allow-list and a served Region', () => {
      const config = {
        ...open,
        allowedAccountIds: ['222222222222'],
        servedRegions: ['eu-west-1', 'us-east-1'],
      };
      expect(guardFunction(input('input-cloudtrail.json'), config).lambdaArn).toBe(CONNECTOR_ARN);
    });

    it('serves another partition when the hub is deployed in it', () => {
      const event = input('input-cloudtrail.json', {
        region: 'cn-north-1',
        functionArn: 'arn:aws-cn:lambda:cn-north-1:222222222222:function:acme-orders-connector',
      });
      expect(guardFunction(event, { ...open, partition: 'aws-cn' }).lambdaArn).toBe(
        'arn:aws-cn:lambda:cn-north-1:222222222222:function:acme-orders-connector',
      );
    });
  });

  describe('strips the version a CloudTrail signal names', () => {
    it('drops a numeric qualifier of a cloudtrail trigger and says which', () => {
      expect(guardFunction(input('input-cloudtrail-published-version.json'), open)).toMatchObject({
        lambdaArn: CONNECTOR_ARN,
        strippedQualifier: '7',
      });
    });

    it('refuses the same version ARN from a pipeline', () => {
      const event = input('input-pipeline.json', { functionArn: `${CONNECTOR_ARN}:7` });
      const error = refusal(() => guardFunction(event, open));
      expect(error).toBeInstanceOf(InvalidFunctionArnError);
      expect(error.message).toContain(`qualified with "7"`);
      expect(error.message).toContain(`Send ${CONNECTOR_ARN} instead`);
    });

    it.each(['prod', '$LATEST'])(
      'refuses an alias or $LATEST qualifier (%s) even from CloudTrail',
      (qualifier) => {
        const event = input('input-cloudtrail.json', { functionArn: `${CONNECTOR_ARN}:${qualifier}` });
        const error = refusal(() => guardFunction(event, open));
        expect(error).toBeInstanceOf(InvalidFunctionArnError);
        expect(error.message).toContain('unqualified ARN');
      },
    );
  });

  describe('refuses what the hub must not act on', () => {
    it('refuses a malformed ARN', () => {
      const event = input('input-cloudtrail.json', { functionArn: 'acme-orders-connector' });
      const error = refusal(() => guardFunction(event, open));
      expect(error).toBeInstanceOf(InvalidFunctionArnError);
      expect(error.message).toMatch(/is not a Lambda function ARN; expected arn:aws:lambda:/);
    });

    it('refuses a function in a partition the hub does not serve', () => {
      const event = input('input-cloudtrail.json', {
        functionArn: 'arn:aws-us-gov:lambda:eu-west-1:222222222222:function:acme-orders-connector',
      });
      const error = refusal(() => guardFunction(event, open));
      expect(error).toBeInstanceOf(InvalidFunctionArnError);
      expect(error.message).toContain('is in partition aws-us-gov; this hub serves partition aws only');
    });

    it("refuses a function of another account than the event's", () => {
      const error = refusal(() => guardFunction(input('input-foreign-function.json'), open));
      expect(error).toBeInstanceOf(AccountMismatchError);
      expect(error.name).toBe('AccountMismatchError');
      expect(error.message).toContain('account 222222222222');
      expect(error.message).toContain('account 333333333333');
      expect(error.message).toContain("never acts on another account's function");
    });

    it("refuses a function of another Region than the event's", () => {
      const event = input('input-cloudtrail.json', { region: 'us-east-1' });
      const error = refusal(() => guardFunction(event, open));
      expect(error).toBeInstanceOf(AccountMismatchError);
      expect(error.message).toContain('in us-east-1 but names');
    });

    it('refuses an account missing from a non-empty allow-list', () => {
      const error = refusal(() =>
        guardFunction(input('input-cloudtrail.json'), { ...open, allowedAccountIds: ['444444444444'] }),
      );
      expect(error).toBeInstanceOf(AccountNotAllowedError);
      expect(error.message).toContain('Account 222222222222 is not in the hub');
      expect(error.message).toContain('ALLOWED_ACCOUNT_IDS (444444444444), so arn:aws:lambda:');
    });

    it('refuses a Region missing from a non-empty served list', () => {
      const error = refusal(() =>
        guardFunction(input('input-cloudtrail.json'), { ...open, servedRegions: ['us-east-1'] }),
      );
      expect(error).toBeInstanceOf(RegionNotServedError);
      expect(error.message).toContain('Region eu-west-1 is not in the hub');
      expect(error.message).toContain('SERVED_REGIONS (us-east-1), so arn:aws:lambda:');
    });
  });
});

describe('guardFunction with a CloudFormation signal', () => {
  const cloudformation = (functionArn: string) => ({
    accountId: '111111111111',
    region: 'eu-west-1',
    functionArn,
    hints: {},
    trigger: {
      kind: 'cloudformation' as const,
      eventId: 'e-1',
      name: 'CREATE_COMPLETE',
      time: '2026-11-27T08:00:00Z',
    },
    executionArn: 'arn:aws:states:eu-west-1:111111111111:execution:sm:run',
  });
  const open = { partition: 'aws', allowedAccountIds: [], servedRegions: [] };

  describe('resolves the physical resource id', () => {
    it('builds the ARN in the envelope’s account, Region and the hub’s partition', () => {
      expect(guardFunction(cloudformation('my-connector'), open).lambdaArn).toBe(
        'arn:aws:lambda:eu-west-1:111111111111:function:my-connector',
      );
    });

    it('refuses a name that is no function name, e.g. one carrying JSON', () => {
      const injected = 'x", "accountId": "333333333333';
      expect(() => guardFunction(cloudformation(injected), open)).toThrow(InvalidFunctionArnError);
      expect(() => guardFunction(cloudformation(injected), open)).toThrow(/not a Lambda function name/);
    });

    it('still applies the account guard to a full ARN', () => {
      expect(() =>
        guardFunction(cloudformation('arn:aws:lambda:eu-west-1:333333333333:function:victim'), open),
      ).toThrow(AccountMismatchError);
    });
  });
});

describe('guardFunction with a CloudTrail DeleteFunction signal', () => {
  const deleteFunction = (functionArn: string, name = 'DeleteFunction20150331') => ({
    accountId: '111111111111',
    region: 'eu-west-1',
    functionArn,
    hints: {},
    trigger: { kind: 'cloudtrail' as const, eventId: 'e-1', name, time: '2026-11-28T09:14:05Z' },
    executionArn: 'arn:aws:states:eu-west-1:111111111111:execution:sm:run',
  });
  const open = { partition: 'aws', allowedAccountIds: [], servedRegions: [] };
  const FUNCTION = 'arn:aws:lambda:eu-west-1:111111111111:function:my-connector';

  describe('resolves the FunctionName its caller gave', () => {
    it.each([
      ['a name', 'my-connector'],
      ['a partial ARN', '111111111111:function:my-connector'],
      ['a full ARN', FUNCTION],
    ])('%s, in the envelope’s Region and the hub’s partition', (_, functionName) => {
      expect(guardFunction(deleteFunction(functionName), open)).toEqual({
        lambdaArn: FUNCTION,
        arn: {
          partition: 'aws',
          region: 'eu-west-1',
          accountId: '111111111111',
          functionName: 'my-connector',
        },
      });
    });

    it('under the other name Lambda logs, DeleteFunction', () => {
      expect(guardFunction(deleteFunction('my-connector', 'DeleteFunction'), open).lambdaArn).toBe(FUNCTION);
    });

    it('with a version: the version is set apart, so the caller knows only it was deleted', () => {
      expect(guardFunction(deleteFunction('my-connector:7'), open)).toMatchObject({
        lambdaArn: FUNCTION,
        strippedQualifier: '7',
      });
    });
  });

  describe('refuses', () => {
    it('a partial ARN of another account (AccountMismatchError)', () => {
      expect(() => guardFunction(deleteFunction('333333333333:function:victim'), open)).toThrow(
        AccountMismatchError,
      );
    });

    it('a FunctionName that is neither a name nor an ARN', () => {
      expect(() => guardFunction(deleteFunction('my connector'), open)).toThrow(
        /neither a Lambda function name/,
      );
    });

    it('an alias: DeleteFunction deletes versions only', () => {
      expect(() => guardFunction(deleteFunction('my-connector:live'), open)).toThrow(InvalidFunctionArnError);
    });
  });

  it('leaves a bare name of any other CloudTrail signal to the ARN parser, which refuses it', () => {
    const tagResource = {
      ...deleteFunction('my-connector'),
      trigger: { ...deleteFunction('x').trigger, name: 'TagResource20170331v2' },
    };
    expect(() => guardFunction(tagResource, open)).toThrow(InvalidFunctionArnError);
  });
});
