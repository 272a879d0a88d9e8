import { AppflowClient, DescribeConnectorsCommand, ListConnectorsCommand } from '@aws-sdk/client-appflow';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetFunctionCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../../../local/stack.js';

const HUB = '111111111111';
const SPOKE = '222222222222';
const REGION = 'eu-west-1';
const SPOKE_ROLE = `arn:aws:iam::${SPOKE}:role/AppFlowConnectorRegistrar`;
const SALES = `arn:aws:lambda:${REGION}:${SPOKE}:function:sales-connector`;

/**
 * What the emulated services let a session of a template-created role do: only what the role's
 * policies (and the session policy given to AssumeRole) allow, as IAM decides on AWS.
 */
describe('identity policies of template-created roles', () => {
  let stack: Stack;
  let hubRoleArn: string;

  beforeAll(async () => {
    stack = await startStack({ timeScale: 0.01 });
    const register = stack
      .hubIn(REGION)
      .functions.find((fn) => fn.logicalId === 'RegisterConnectorLambdaFunction');
    hubRoleArn = register?.roleArn ?? '';
  });
  afterAll(() => stack?.stop());

  const config = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) => ({
    endpoint: stack.endpoint,
    region: REGION,
    credentials,
    maxAttempts: 1,
  });

  /** Credentials of the hub's RegisterConnector role, then of the spoke role it assumes. */
  async function spokeSession(policy?: object) {
    const roleName = hubRoleArn.slice(hubRoleArn.lastIndexOf('/') + 1);
    const hub = stack.identity.issue({
      accountId: HUB,
      principalArn: `arn:aws:sts::${HUB}:assumed-role/${roleName}/test`,
      roleArn: hubRoleArn,
    });
    const sts = new STSClient(
      config({
        accessKeyId: hub.accessKeyId,
        secretAccessKey: hub.secretAccessKey,
        sessionToken: hub.sessionToken,
      }),
    );
    const { Credentials } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: SPOKE_ROLE,
        RoleSessionName: 'enforcement-test',
        ...(policy ? { Policy: JSON.stringify(policy) } : {}),
      }),
    );
    sts.destroy();
    return {
      accessKeyId: Credentials?.AccessKeyId ?? '',
      secretAccessKey: Credentials?.SecretAccessKey ?? '',
      sessionToken: Credentials?.SessionToken ?? '',
    };
  }

  it('lets the spoke role read a function of its account, with its tags (it may call ListTags too)', async () => {
    const lambda = new LambdaClient(config(await spokeSession()));
    const answer = await lambda.send(new GetFunctionCommand({ FunctionName: SALES }));
    expect(answer.Tags).toEqual({ 'appflow:connector-label': 'sales-connector' });
    lambda.destroy();
  });

  it('refuses an action no policy of the role grants, with the message AWS gives', async () => {
    // The spoke role lists its account's connectors (ListConnectors) but never describes the vended ones.
    const appflow = new AppflowClient(config(await spokeSession()));
    const error = await appflow.send(new DescribeConnectorsCommand({})).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 403 },
      message: expect.stringMatching(
        /is not authorized to perform: appflow:DescribeConnectors on resource: .* because no identity-based policy allows/,
      ),
    });
    appflow.destroy();
  });

  it('limits a session to what its session policy allows as well', async () => {
    const readOnly = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'lambda:GetFunction', Resource: '*' }],
    };
    const credentials = await spokeSession(readOnly);
    const lambda = new LambdaClient(config(credentials));
    const appflow = new AppflowClient(config(credentials));

    // GetFunction is allowed, but without lambda:ListTags it answers no tags, as on AWS.
    const answer = await lambda.send(new GetFunctionCommand({ FunctionName: SALES }));
    expect(answer.Configuration?.FunctionArn).toBe(SALES);
    expect(answer.Tags).toBeUndefined();
    // The role allows AppFlow calls the session policy does not.
    const error = await appflow.send(new ListConnectorsCommand({})).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining('because no session policy allows the appflow:ListConnectors action'),
    });
    lambda.destroy();
    appflow.destroy();
  });

  it('refuses an AssumeRole whose session policy is not a policy document', async () => {
    await expect(spokeSession({ not: 'a policy' })).rejects.toMatchObject({
      name: 'MalformedPolicyDocumentException',
    });
  });

  it('keeps VerifyFunction from invoking the registrar’s own functions, though it may probe the hub’s connectors', async () => {
    const verify = stack
      .hubIn(REGION)
      .functions.find((fn) => fn.logicalId === 'VerifyFunctionLambdaFunction');
    const roleName = verify?.roleArn.slice(verify.roleArn.lastIndexOf('/') + 1);
    const issued = stack.identity.issue({
      accountId: HUB,
      principalArn: `arn:aws:sts::${HUB}:assumed-role/${roleName}/test`,
      roleArn: verify?.roleArn ?? '',
    });
    const lambda = new LambdaClient(
      config({
        accessKeyId: issued.accessKeyId,
        secretAccessKey: issued.secretAccessKey,
        sessionToken: issued.sessionToken,
      }),
    );
    const own = await lambda
      .send(new InvokeCommand({ FunctionName: verify?.arn, Payload: Buffer.from('{}') }))
      .catch((e: unknown) => e);
    expect(own).toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining('lambda:InvokeFunction'),
    });
    const connector = await lambda.send(
      new InvokeCommand({
        FunctionName: `arn:aws:lambda:${REGION}:${HUB}:function:healthy-connector`,
        Payload: Buffer.from(
          JSON.stringify({ type: 'DescribeConnectorConfigurationRequest', locale: 'en-US' }),
        ),
      }),
    );
    expect(connector.StatusCode).toBe(200);
    lambda.destroy();
  });
});

describe('the hub bus policy from the template (what a member account may put on the hub bus)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ timeScale: 0.01 });
  });
  afterAll(() => stack?.stop());

  const put = async (entry: { Source: string; DetailType: string }) => {
    const events = new EventBridgeClient({ ...stack.clientConfig(SPOKE, REGION), maxAttempts: 1 });
    const answer = await events.send(
      new PutEventsCommand({
        Entries: [{ ...entry, Detail: '{}', EventBusName: stack.hubIn(REGION).eventBus.arn }],
      }),
    );
    events.destroy();
    return answer.Entries?.[0]?.ErrorCode ?? 'accepted';
  };

  it('admits the detail-types the signal rules listen for', async () => {
    expect(await put({ Source: 'com.example.pipeline', DetailType: 'Connector Lambda Deployed' })).toBe(
      'accepted',
    );
  });

  it('refuses the registrar’s own source and detail-types no rule listens for', async () => {
    expect(
      await put({ Source: 'appflow.connector-registrar', DetailType: 'Connector Lambda Deployed' }),
    ).toBe('AccessDeniedException');
    expect(await put({ Source: 'com.example.pipeline', DetailType: 'ConnectorRegistered' })).toBe(
      'AccessDeniedException',
    );
  });
});
