import { readFileSync } from 'node:fs';
import {
  AddPermissionCommand,
  type AddPermissionCommandInput,
  GetFunctionCommand,
  GetPolicyCommand,
  PreconditionFailedException,
  RemovePermissionCommand,
  ResourceConflictException,
  ResourceNotFoundException,
} from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { allowsServiceInvoke } from '../../../local/services/lambda.js';
import type { DeployedFunction } from '../../../local/types.js';
import { arnOf, HUB, REGION, SPOKE, useLambdaStack } from './support.js';

const appFlowPermission = (): AddPermissionCommandInput =>
  JSON.parse(readFileSync(new URL('./fixtures/add-permission-appflow.json', import.meta.url), 'utf8'));

describe('lambda service permissions', () => {
  const stack = useLambdaStack();

  describe('GetPolicy', () => {
    it("answers the world's AppFlow statement in Lambda's policy document", async () => {
      const answer = await stack.hub.send(new GetPolicyCommand({ FunctionName: 'healthy-connector' }));
      expect(JSON.parse(answer.Policy ?? '')).toEqual({
        Version: '2012-10-17',
        Id: 'default',
        Statement: [
          {
            Sid: 'AppFlowConnectorInvoke',
            Effect: 'Allow',
            Principal: { Service: 'appflow.amazonaws.com' },
            Action: 'lambda:InvokeFunction',
            Resource: arnOf('healthy-connector'),
            Condition: {
              StringEquals: { 'AWS:SourceAccount': HUB },
              ArnLike: { 'AWS:SourceArn': `arn:aws:appflow:${REGION}:${HUB}:*` },
            },
          },
        ],
      });
      expect(answer.RevisionId).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('answers ResourceNotFoundException for a function without a policy', async () => {
      const failure = stack.hub.send(new GetPolicyCommand({ FunctionName: 'no-permission-connector' }));
      await expect(failure).rejects.toBeInstanceOf(ResourceNotFoundException);
      await expect(failure).rejects.toThrow('The resource you requested does not exist.');
    });
  });

  describe('AddPermission', () => {
    it('builds the statement as Lambda does and answers it with 201', async () => {
      const answer = await stack.hub.send(
        new AddPermissionCommand({ ...appFlowPermission(), FunctionName: 'no-permission-connector' }),
      );
      expect(answer.$metadata.httpStatusCode).toBe(201);
      const statement = {
        Sid: 'AllowAppFlowSales',
        Effect: 'Allow',
        Principal: { Service: 'appflow.amazonaws.com' },
        Action: 'lambda:InvokeFunction',
        Resource: arnOf('no-permission-connector'),
        Condition: {
          StringEquals: { 'AWS:SourceAccount': HUB },
          ArnLike: { 'AWS:SourceArn': `arn:aws:appflow:${REGION}:${HUB}:*` },
        },
      };
      expect(JSON.parse(answer.Statement ?? '')).toEqual(statement);
      const policy = await stack.hub.send(new GetPolicyCommand({ FunctionName: 'no-permission-connector' }));
      expect(JSON.parse(policy.Policy ?? '').Statement).toEqual([statement]);
    });

    it('turns an account principal into its root ARN', async () => {
      const answer = await stack.hub.send(
        new AddPermissionCommand({
          FunctionName: 'original-owner',
          StatementId: 'spoke',
          Action: 'lambda:GetFunction',
          Principal: SPOKE,
        }),
      );
      expect(JSON.parse(answer.Statement ?? '')).toMatchObject({
        Principal: { AWS: `arn:aws:iam::${SPOKE}:root` },
      });
      expect(JSON.parse(answer.Statement ?? '').Condition).toBeUndefined();
    });

    it('lets the account a statement names in, for that action only', async () => {
      const spoke = stack.client(SPOKE);
      const answer = await spoke.send(new GetFunctionCommand({ FunctionName: arnOf('original-owner') }));
      expect(answer.Configuration?.FunctionName).toBe('original-owner');
      await expect(
        spoke.send(new GetPolicyCommand({ FunctionName: arnOf('original-owner') })),
      ).rejects.toThrow(expect.objectContaining({ name: 'AccessDeniedException' }));
    });

    it('answers ResourceConflictException for a statement id already used', async () => {
      const failure = stack.hub.send(
        new AddPermissionCommand({
          ...appFlowPermission(),
          StatementId: 'AppFlowConnectorInvoke',
          FunctionName: 'failing-connector',
        }),
      );
      await expect(failure).rejects.toBeInstanceOf(ResourceConflictException);
      await expect(failure).rejects.toThrow(
        'The statement id (AppFlowConnectorInvoke) provided already exists. Please provide a new statement id, or remove the existing statement.',
      );
    });

    it('answers PreconditionFailedException for a stale RevisionId', async () => {
      await expect(
        stack.hub.send(
          new AddPermissionCommand({
            ...appFlowPermission(),
            StatementId: 'stale',
            FunctionName: 'failing-connector',
            RevisionId: 'old',
          }),
        ),
      ).rejects.toBeInstanceOf(PreconditionFailedException);
    });

    it('refuses a principal that is neither an account, an ARN nor a service', async () => {
      await expect(
        stack.hub.send(
          new AddPermissionCommand({
            ...appFlowPermission(),
            StatementId: 'odd',
            FunctionName: 'failing-connector',
            Principal: 'someone',
          }),
        ),
      ).rejects.toThrow(expect.objectContaining({ name: 'InvalidParameterValueException' }));
    });

    it("refuses to change another account's function", async () => {
      await expect(
        stack
          .client(SPOKE)
          .send(
            new AddPermissionCommand({ ...appFlowPermission(), FunctionName: arnOf('failing-connector') }),
          ),
      ).rejects.toThrow(
        expect.objectContaining({
          name: 'AccessDeniedException',
          message: expect.stringContaining('lambda:AddPermission'),
        }),
      );
    });
  });

  describe('RemovePermission', () => {
    it('removes the statement and answers 204', async () => {
      const answer = await stack.hub.send(
        new RemovePermissionCommand({
          FunctionName: 'bad-label-connector',
          StatementId: 'AppFlowConnectorInvoke',
        }),
      );
      expect(answer.$metadata.httpStatusCode).toBe(204);
      await expect(
        stack.hub.send(new GetPolicyCommand({ FunctionName: 'bad-label-connector' })),
      ).rejects.toBeInstanceOf(ResourceNotFoundException);
    });

    it('answers ResourceNotFoundException for an unknown statement id', async () => {
      const failure = stack.hub.send(
        new RemovePermissionCommand({ FunctionName: 'updated-connector', StatementId: 'nope' }),
      );
      await expect(failure).rejects.toBeInstanceOf(ResourceNotFoundException);
      await expect(failure).rejects.toThrow('Statement nope is not found in resource policy.');
    });
  });

  describe('allowsServiceInvoke', () => {
    const fn = (): DeployedFunction =>
      stack.registry.get(HUB, REGION, 'impostor-connector') as DeployedFunction;

    it('lets AppFlow of the same account invoke under the SourceAccount and SourceArn conditions', () => {
      expect(
        allowsServiceInvoke(fn(), {
          service: 'appflow.amazonaws.com',
          sourceAccount: HUB,
          sourceArn: `arn:aws:appflow:${REGION}:${HUB}:connector/taken-label`,
        }),
      ).toBe(true);
    });

    it('refuses AppFlow acting for another account (the confused deputy)', () => {
      expect(
        allowsServiceInvoke(fn(), {
          service: 'appflow.amazonaws.com',
          sourceAccount: SPOKE,
          sourceArn: `arn:aws:appflow:${REGION}:${SPOKE}:connector/taken-label`,
        }),
      ).toBe(false);
    });

    it('refuses another service and a call without a source', () => {
      expect(allowsServiceInvoke(fn(), { service: 'events.amazonaws.com', sourceAccount: HUB })).toBe(false);
      expect(allowsServiceInvoke(fn(), { service: 'appflow.amazonaws.com' })).toBe(false);
    });
  });
});
