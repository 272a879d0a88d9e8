import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPOKE_STACK_NAME } from '../../../local/deploy/landing-zone.js';
import { type AwsServer, startAwsServer } from '../../../local/http/server.js';
import { LocalIdentityRegistry } from '../../../local/identity.js';
import {
  createCloudFormationService,
  STACK_SET_DEPLOYMENT,
  serverlessDeployment,
} from '../../../local/services/cloudformation.js';
import { type Stack, startStack } from '../../../local/stack.js';
import { defaultLandingZone, HUB } from '../support/hub.js';
import { cloudformation, errorOf, membersOf, resultOf } from './query-client.js';

const SPOKE = '444444444444';
const SLOW = 180_000;

interface StackXml {
  StackId: string;
  StackName: string;
  Description?: string;
  Parameters?: unknown;
  CreationTime: string;
  LastUpdatedTime?: string;
  StackStatus: string;
  Capabilities?: unknown;
  Outputs?: unknown;
  Tags?: unknown;
  DriftInformation?: { StackDriftStatus?: string };
}

interface OutputXml {
  OutputKey: string;
  OutputValue: string;
  Description?: string;
  ExportName?: string;
}

const outputsOf = (stack: StackXml) =>
  Object.fromEntries(membersOf<OutputXml>(stack.Outputs).map((output) => [output.OutputKey, output]));

const parametersOf = (stack: StackXml) =>
  Object.fromEntries(
    membersOf<{ ParameterKey: string; ParameterValue: string }>(stack.Parameters).map((parameter) => [
      parameter.ParameterKey,
      parameter.ParameterValue,
    ]),
  );

describe('CloudFormation on the local stack', { timeout: SLOW }, () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ timeScale: 0.01 });
  }, SLOW);

  afterAll(() => stack?.stop(), SLOW);

  const describeStacks = async (accountId: string, region: string, params: Record<string, string> = {}) =>
    membersOf<StackXml>(
      resultOf(
        await cloudformation(stack.endpoint, accountId, region, 'DescribeStacks', params),
        'DescribeStacks',
      ).Stacks,
    );

  describe('DescribeStacks', () => {
    it("answers the hub's outputs in each hub Region, as serverless deploy left the stack", async () => {
      for (const hub of stack.landingZone.hubs) {
        const [described, ...others] = await describeStacks(HUB, hub.region, {
          StackName: hub.stack.stackName,
        });
        expect(others).toEqual([]);
        expect(described).toMatchObject({
          StackId: hub.stack.stackId,
          StackName: 'appflow-connector-registrar-dev',
          Description: 'The AWS CloudFormation template for this Serverless application',
          StackStatus: 'UPDATE_COMPLETE',
          DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
        });
        expect(Date.parse(described?.CreationTime ?? '')).not.toBeNaN();
        expect(described?.LastUpdatedTime).toBeDefined();
        expect(membersOf(described?.Capabilities)).toEqual(['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM']);
        expect(membersOf(described?.Tags)).toEqual([{ Key: 'STAGE', Value: 'dev' }]);
        const outputs = outputsOf(described as StackXml);
        expect(outputs.HubEventBusArn).toEqual({
          OutputKey: 'HubEventBusArn',
          OutputValue: hub.eventBus.arn,
          Description: "The hub bus; the spoke template's HubEventBusArn.",
        });
        expect(outputs.RegisterConnectorStateMachineArn?.OutputValue).toBe(hub.stateMachine.arn);
        expect(outputs.IdempotencyTableName?.OutputValue).toBe(hub.table.name);
        expect(outputs.HubFunctionRoleArns?.OutputValue).toBe(hub.stack.outputs.HubFunctionRoleArns?.value);
        expect(outputs.ServerlessDeploymentBucketName?.ExportName).toBe(
          'sls-appflow-connector-registrar-dev-ServerlessDeploymentBucketName',
        );
      }
    });

    it('finds a stack by its stack id, in its own Region only', async () => {
      const [first, second] = stack.landingZone.hubs;
      if (first === undefined || second === undefined)
        throw new Error('the default world has two hub Regions');
      const [described] = await describeStacks(HUB, first.region, { StackName: first.stack.stackId });
      expect(described?.StackId).toBe(first.stack.stackId);
      const elsewhere = await cloudformation(stack.endpoint, HUB, second.region, 'DescribeStacks', {
        StackName: first.stack.stackId,
      });
      expect(elsewhere.status).toBe(400);
      expect(errorOf(elsewhere).Message).toBe(`Stack with id ${first.stack.stackId} does not exist`);
    });

    it("answers the spoke's outputs in a member account, its NoEcho parameter masked", async () => {
      for (const region of ['eu-west-1', 'us-east-1']) {
        const spoke = stack.landingZone.spokes.find(
          (candidate) => candidate.accountId === SPOKE && candidate.region === region,
        );
        const stacks = await describeStacks(SPOKE, region);
        expect(stacks.map((described) => described.StackName)).toEqual([SPOKE_STACK_NAME]);
        const [described] = stacks as [StackXml];
        expect(described).toMatchObject({ StackId: spoke?.stackId, StackStatus: 'CREATE_COMPLETE' });
        expect(described.LastUpdatedTime).toBeUndefined();
        expect(membersOf(described.Capabilities)).toEqual(['CAPABILITY_NAMED_IAM']);
        const parameters = parametersOf(described);
        expect(parameters).toMatchObject({
          HubAccountId: HUB,
          HubEventBusArn: stack.hubIn(region).eventBus.arn,
          HubFunctionRoleArns: stack.landingZone.hubs
            .map((hub) => hub.stack.outputs.HubFunctionRoleArns?.value)
            .join(','),
          ExternalId: '****',
        });
        const outputs = outputsOf(described);
        expect(outputs.ForwardToHubRoleArn?.OutputValue).toBe(spoke?.outputs.ForwardToHubRoleArn?.value);
        // The role is created in the first hub Region only (RoleRegion), and so is its output.
        expect(outputs.SpokeRoleArn?.OutputValue).toBe(
          region === 'eu-west-1' ? `arn:aws:iam::${SPOKE}:role/AppFlowConnectorRegistrar` : undefined,
        );
      }
    });

    it('answers ValidationError for a stack the caller cannot see', async () => {
      for (const [accountId, name] of [
        [HUB, 'no-such-stack'],
        [SPOKE, 'appflow-connector-registrar-dev'],
      ] as const) {
        const answer = await cloudformation(stack.endpoint, accountId, 'eu-west-1', 'DescribeStacks', {
          StackName: name,
        });
        expect(answer.status).toBe(400);
        expect(errorOf(answer)).toEqual({
          Type: 'Sender',
          Code: 'ValidationError',
          Message: `Stack with id ${name} does not exist`,
        });
      }
    });
  });

  describe('stack resources', () => {
    it("lists the hub's resources with their physical ids", async () => {
      const hub = stack.hubIn('eu-west-1');
      const result = resultOf(
        await cloudformation(stack.endpoint, HUB, 'eu-west-1', 'ListStackResources', {
          StackName: hub.stack.stackName,
        }),
        'ListStackResources',
      );
      const summaries = membersOf<{
        LogicalResourceId: string;
        PhysicalResourceId: string;
        ResourceStatus: string;
      }>(result.StackResourceSummaries);
      expect(summaries).toHaveLength(hub.stack.resources.length);
      expect(
        summaries.find((summary) => summary.LogicalResourceId === hub.stateMachine.logicalId),
      ).toMatchObject({
        PhysicalResourceId: hub.stateMachine.arn,
        ResourceStatus: 'CREATE_COMPLETE',
      });
    });

    it('finds the stack of a physical id, filtered by logical id', async () => {
      const hub = stack.hubIn('eu-west-1');
      const answer = await cloudformation(stack.endpoint, HUB, 'eu-west-1', 'DescribeStackResources', {
        PhysicalResourceId: hub.stateMachine.arn,
        LogicalResourceId: hub.eventBus.logicalId,
      });
      expect(membersOf(resultOf(answer, 'DescribeStackResources').StackResources)).toEqual([
        expect.objectContaining({
          StackName: hub.stack.stackName,
          StackId: hub.stack.stackId,
          LogicalResourceId: hub.eventBus.logicalId,
          PhysicalResourceId: hub.eventBus.name,
          ResourceType: 'AWS::Events::EventBus',
        }),
      ]);
      const both = await cloudformation(stack.endpoint, HUB, 'eu-west-1', 'DescribeStackResources', {
        StackName: hub.stack.stackName,
        PhysicalResourceId: hub.stateMachine.arn,
      });
      expect(errorOf(both).Code).toBe('ValidationError');
    });
  });
});

describe('DescribeStacks without a stack name', () => {
  let server: AwsServer;

  beforeAll(async () => {
    const { zone } = await defaultLandingZone();
    const service = createCloudFormationService({ pageSize: 1 });
    for (const hub of zone.hubs) service.deploy(hub.stack, serverlessDeployment('dev'));
    for (const spoke of zone.spokes) service.deploy(spoke, STACK_SET_DEPLOYMENT);
    server = await startAwsServer({ services: [service], identity: new LocalIdentityRegistry(HUB), port: 0 });
  }, SLOW);

  afterAll(() => server?.close());

  it("pages every stack of the caller's account and Region with NextToken", async () => {
    const names: string[] = [];
    let token: string | undefined;
    do {
      const result = resultOf(
        await cloudformation(
          server.endpoint,
          HUB,
          'eu-west-1',
          'DescribeStacks',
          token ? { NextToken: token } : {},
        ),
        'DescribeStacks',
      );
      names.push(...membersOf<StackXml>(result.Stacks).map((described) => described.StackName));
      token = result.NextToken as string | undefined;
    } while (token !== undefined);
    // The hub account holds the hub and, as every account of the organization, the spoke.
    expect(names).toEqual(['appflow-connector-registrar-dev', SPOKE_STACK_NAME]);

    const first = resultOf(
      await cloudformation(server.endpoint, HUB, 'eu-west-1', 'DescribeStacks'),
      'DescribeStacks',
    );
    const otherRegion = await cloudformation(server.endpoint, HUB, 'us-east-1', 'DescribeStacks', {
      NextToken: first.NextToken as string,
    });
    expect(errorOf(otherRegion).Code).toBe('ValidationError');
  });
});
