import {
  GetPolicyCommand,
  LambdaClient,
  ResourceNotFoundException,
  ServiceException,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MissingAppFlowPermissionError } from '../../../functions/shared/errors.js';
import {
  addPermissionCommand,
  checkAppFlowPermission,
  evaluatePolicy,
  type PolicyTarget,
} from '../../../functions/verify-function/policy.js';
import { CONNECTOR_ARN, fixture, getPolicyOutput, rejection, SPOKE } from './helpers.js';

const lambdaMock = mockClient(LambdaClient);
const lambda = new LambdaClient({ region: 'eu-west-1' });
const target: PolicyTarget = {
  lambdaArn: CONNECTOR_ARN,
  accountId: SPOKE,
  region: 'eu-west-1',
  partition: 'aws',
};

const FIX = `aws lambda add-permission --function-name ${CONNECTOR_ARN} --statement-id AppFlowConnectorInvoke --action lambda:InvokeFunction --principal appflow.amazonaws.com --source-account 222222222222 --source-arn 'arn:aws:appflow:eu-west-1:222222222222:*' --region eu-west-1`;

afterEach(() => {
  lambdaMock.reset();
});

async function refusal(policyFixture: string): Promise<Error> {
  lambdaMock.on(GetPolicyCommand).resolves(getPolicyOutput(policyFixture));
  const error = await rejection(checkAppFlowPermission(lambda, target, vi.fn()));
  expect(error).toBeInstanceOf(MissingAppFlowPermissionError);
  return error as Error;
}

describe('checkAppFlowPermission', () => {
  describe('accepts a policy that lets AppFlow of this account invoke the function', () => {
    it('passes quietly with SourceAccount and SourceArn conditions', async () => {
      lambdaMock.on(GetPolicyCommand).resolves(getPolicyOutput('policy-appflow.json'));
      const warn = vi.fn();
      await expect(checkAppFlowPermission(lambda, target, warn)).resolves.toBeUndefined();
      expect(lambdaMock).toHaveReceivedCommandWith(GetPolicyCommand, { FunctionName: CONNECTOR_ARN });
      expect(warn).not.toHaveBeenCalled();
    });

    it('accepts array principals, lambda:* and lower-case condition keys', async () => {
      lambdaMock.on(GetPolicyCommand).resolves(getPolicyOutput('policy-appflow-arrays.json'));
      await expect(checkAppFlowPermission(lambda, target, vi.fn())).resolves.toBeUndefined();
    });

    it('warns, naming the statement and the SourceArn to add, when SourceArn is missing', async () => {
      lambdaMock.on(GetPolicyCommand).resolves(getPolicyOutput('policy-appflow-no-source-arn.json'));
      const warn = vi.fn();
      await expect(checkAppFlowPermission(lambda, target, warn)).resolves.toBeUndefined();
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('no AWS:SourceArn condition'), {
        lambdaArn: CONNECTOR_ARN,
        statementId: 'AppFlowConnectorInvoke',
        suggestedSourceArn: 'arn:aws:appflow:eu-west-1:222222222222:*',
      });
    });
  });

  describe('refuses with the add-permission command that fixes it', () => {
    it('refuses a function without a resource policy', async () => {
      lambdaMock.on(GetPolicyCommand).rejects(
        new ResourceNotFoundException({
          message: 'The resource you requested does not exist.',
          $metadata: {},
        }),
      );
      const error = await rejection(checkAppFlowPermission(lambda, target, vi.fn()));
      expect(error).toBeInstanceOf(MissingAppFlowPermissionError);
      expect(error.message).toBe(
        `AppFlow cannot invoke ${CONNECTOR_ARN}: it has no resource policy. Allow AppFlow of account 222222222222, and only it, to invoke it: ${FIX}`,
      );
    });

    it('refuses a policy that only lets other services in', async () => {
      const error = await refusal('policy-other-services.json');
      expect(error.message).toContain('no statement of its resource policy allows appflow.amazonaws.com');
      expect(error.message).toContain(FIX);
      expect(error.message).not.toContain('remove-permission');
    });

    it('refuses a statement for another SourceAccount and says to replace it', async () => {
      const error = await refusal('policy-appflow-wrong-account.json');
      expect(error.message).toContain('for AWS:SourceAccount 999999999999, not 222222222222 alone');
      expect(error.message).toContain(
        `Replace statement AppFlowConnectorInvoke: aws lambda remove-permission --function-name ${CONNECTOR_ARN} --statement-id AppFlowConnectorInvoke --region eu-west-1 && ${FIX}`,
      );
    });

    it('refuses a statement that also admits another account', async () => {
      const error = await refusal('policy-appflow-two-accounts.json');
      expect(error.message).toContain('AWS:SourceAccount 222222222222, 999999999999, not 222222222222 alone');
    });

    it('refuses a statement without a SourceAccount condition (confused deputy)', async () => {
      const error = await refusal('policy-appflow-no-condition.json');
      expect(error.message).toContain(
        'statement appflow-open allows appflow.amazonaws.com without a StringEquals AWS:SourceAccount',
      );
      expect(error.message).toContain('confused deputy');
      expect(error.message).toContain(FIX);
    });

    it('does not count a Deny statement as a grant', async () => {
      const error = await refusal('policy-appflow-deny-only.json');
      expect(error.message).toContain('no statement of its resource policy allows');
    });
  });

  describe('leaves other failures to the state machine', () => {
    it('rethrows other GetPolicy errors unchanged', async () => {
      const failure = new ServiceException({ message: 'internal', $metadata: {} });
      lambdaMock.on(GetPolicyCommand).rejects(failure);
      await expect(checkAppFlowPermission(lambda, target, vi.fn())).rejects.toBe(failure);
    });
  });
});

describe('evaluatePolicy', () => {
  describe('reads any policy text defensively', () => {
    it.each([
      ['text that is not JSON', '{"Statement": [', 'its resource policy is not valid JSON'],
      ['no text at all', undefined, 'its resource policy is not valid JSON'],
      ['JSON null', 'null', 'no statement'],
      ['a Statement that is an object', JSON.stringify({ Statement: { Effect: 'Allow' } }), 'no statement'],
      ['statements that are not objects', JSON.stringify({ Statement: ['x', 1, null] }), 'no statement'],
      [
        'a Principal that is a string',
        JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: '*' }] }),
        'no statement',
      ],
    ])('refuses %s without throwing', (_, policy, reason) => {
      const verdict = evaluatePolicy(policy, SPOKE);
      expect(verdict.sufficient).toBe(false);
      expect(verdict).toHaveProperty('reason', expect.stringContaining(reason));
    });

    it("escapes the owner's words it quotes: the statement's Sid and its SourceAccount values", () => {
      const statement = {
        Sid: 'ACTION REQUIRED\u202e\nrotate now',
        Effect: 'Allow',
        Principal: { Service: 'appflow.amazonaws.com' },
        Action: 'lambda:InvokeFunction',
        Condition: { StringEquals: { 'AWS:SourceAccount': ['999999999999\u0007'] } },
      };
      const verdict = evaluatePolicy(JSON.stringify({ Statement: [statement] }), SPOKE);
      expect(verdict).toHaveProperty(
        'reason',
        'statement ACTION REQUIRED\\u202e\\u000arotate now allows appflow.amazonaws.com for AWS:SourceAccount 999999999999\\u0007, not 222222222222 alone',
      );
    });

    it('accepts a single statement given as an object', () => {
      const document = fixture<{ Statement: unknown[] }>('policy-appflow.json');
      const single = { ...document, Statement: document.Statement[1] };
      expect(evaluatePolicy(JSON.stringify(single), SPOKE)).toEqual({
        sufficient: true,
        statementId: 'AppFlowConnectorInvoke',
        hasSourceArn: true,
      });
    });
  });
});

describe('addPermissionCommand', () => {
  describe('writes the fix for the hub partition', () => {
    it('uses the partition in the source ARN', () => {
      const command = addPermissionCommand({ ...target, partition: 'aws-cn', region: 'cn-north-1' });
      expect(command).toContain(
        "--source-arn 'arn:aws-cn:appflow:cn-north-1:222222222222:*' --region cn-north-1",
      );
    });
  });
});
