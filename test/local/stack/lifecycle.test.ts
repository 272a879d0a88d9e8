import { fileURLToPath } from 'node:url';
import {
  AppflowClient,
  ConflictException,
  DescribeConnectorProfilesCommand,
  ListConnectorsCommand,
  ListFlowsCommand,
  UnregisterConnectorCommand,
} from '@aws-sdk/client-appflow';
import { DeleteFunctionCommand, LambdaClient, UntagResourceCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../../../local/index.js';
import { signedJsonCall } from '../support/signed.js';

const WORLD = fileURLToPath(new URL('./fixtures/world.json', import.meta.url));
const SPOKE = '222222222222';
const REGION = 'eu-west-1';
const arnOf = (name: string) => `arn:aws:lambda:${REGION}:${SPOKE}:function:${name}`;

describe('the local stack for the connector lifecycle', () => {
  let stack: Stack;
  let lambda: LambdaClient;
  let appflow: AppflowClient;

  beforeAll(async () => {
    stack = await startStack({ worldPath: WORLD, timeScale: 0.01 });
    lambda = new LambdaClient({ ...stack.clientConfig(SPOKE, REGION), maxAttempts: 1 });
    appflow = new AppflowClient({ ...stack.clientConfig(SPOKE, REGION), maxAttempts: 1 });
  }, 120_000);

  afterAll(async () => {
    lambda?.destroy();
    appflow?.destroy();
    await stack?.stop();
  });

  /** What CloudTrail's stand-in put on the spoke's default bus, by event name. */
  const cloudTrail = (eventName: string) =>
    stack.events
      .publishedEvents({ accountId: SPOKE, region: REGION, busName: 'default' })
      .filter((published) => (published.event.detail as { eventName?: string }).eventName === eventName);

  it('answers the Resource Groups Tagging API on its endpoint, for the signing name tagging', async () => {
    const response = await signedJsonCall(stack.endpoint, {
      service: 'tagging',
      target: 'ResourceGroupsTaggingAPI_20170126.GetResources',
      body: { TagFilters: [{ Key: 'appflow:connector-label' }], ResourceTypeFilters: ['lambda:function'] },
      accessKeyId: SPOKE,
      region: REGION,
    });
    expect(response.status).toBe(200);
    const answer = response.body as { ResourceTagMappingList: { ResourceARN: string }[] };
    expect(answer.ResourceTagMappingList.map((mapping) => mapping.ResourceARN)).toEqual([
      arnOf('crm-connector'),
      arnOf('retired-connector'),
    ]);
  });

  it("puts DeleteFunction's and UntagResource's CloudTrail events on the account's default bus", async () => {
    await lambda.send(
      new UntagResourceCommand({ Resource: arnOf('crm-connector'), TagKeys: ['appflow:connector-label'] }),
    );
    await lambda.send(new DeleteFunctionCommand({ FunctionName: 'retired-connector' }));
    await stack.idle();
    expect(cloudTrail('UntagResource20170331v2').at(-1)?.event).toMatchObject({
      source: 'aws.lambda',
      'detail-type': 'AWS API Call via CloudTrail',
      account: SPOKE,
      detail: {
        requestParameters: { resource: arnOf('crm-connector'), tagKeys: ['appflow:connector-label'] },
      },
    });
    expect(cloudTrail('DeleteFunction20150331').at(-1)?.event).toMatchObject({
      source: 'aws.lambda',
      account: SPOKE,
      region: REGION,
      detail: { requestParameters: { functionName: 'retired-connector' }, responseElements: null },
    });
  });

  it("answers AppFlow's profiles, flows and registeredBy from the world, and guards a label in use", async () => {
    const profiles = await appflow.send(new DescribeConnectorProfilesCommand({ connectorLabel: 'crm' }));
    expect(profiles.connectorProfileDetails?.map((profile) => profile.connectorProfileName)).toEqual([
      'crm-profile',
    ]);
    const flows = await appflow.send(new ListFlowsCommand({}));
    expect(flows.flows?.map((flow) => [flow.flowName, flow.sourceConnectorLabel])).toEqual([
      ['crm-to-s3', 'crm'],
    ]);
    const connectors = await appflow.send(new ListConnectorsCommand({}));
    expect(connectors.connectors?.[0]?.registeredBy).toBe(
      'arn:aws:sts::222222222222:assumed-role/AppFlowConnectorRegistrar/registrar-first-run',
    );
    await expect(
      appflow.send(new UnregisterConnectorCommand({ connectorLabel: 'crm' })),
    ).rejects.toBeInstanceOf(ConflictException);
  });
});
