import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubDeployment } from '../../../local/deploy/landing-zone.js';
import { type AwsServer, startAwsServer } from '../../../local/http/server.js';
import { LocalIdentityRegistry } from '../../../local/identity.js';
import type { AlertMessage } from '../../../local/services/events.js';
import { createSnsService } from '../../../local/services/sns.js';
import { defaultLandingZone, HUB, hubDeployments, rolesOf } from '../support/hub.js';

// SNS Publish over the query protocol, as the alert gate calls it: what it records, and what it refuses.

const identity = new LocalIdentityRegistry(HUB);
const published: AlertMessage[] = [];
const clients: SNSClient[] = [];
let server: AwsServer;
let hub: HubDeployment;
let topicArn: string;

/** A session of the hub role whose name ends as given (the templates name them <service>-<stage>-<Region>-<suffix>). */
const roleClient = (nameSuffix: string): SNSClient => {
  const role = hub.stack.roles.find((candidate) => candidate.name.endsWith(nameSuffix));
  if (role === undefined) throw new Error(`no role named …${nameSuffix}`);
  const credentials = identity.issue({
    accountId: HUB,
    principalArn: `arn:aws:sts::${HUB}:assumed-role/${role.name}/session`,
    roleArn: role.arn,
  });
  return clientWith({ ...credentials, expiration: new Date(credentials.expiration) });
};
const clientWith = (credentials: {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}) => {
  const client = new SNSClient({
    region: 'eu-west-1',
    endpoint: server.endpoint,
    credentials,
    maxAttempts: 1,
  });
  clients.push(client);
  return client;
};

beforeAll(async () => {
  const deployments = await hubDeployments();
  hub = deployments[0] as HubDeployment;
  topicArn = hub.stack.topics[0]?.arn as string;
  const { world, zone } = await defaultLandingZone();
  const sns = createSnsService({ roles: rolesOf(world, zone), record: (message) => published.push(message) });
  for (const deployment of deployments) sns.deploy(deployment.stack);
  server = await startAwsServer({ services: [sns], identity, port: 0 });
});
afterAll(async () => {
  for (const client of clients) client.destroy();
  await server.close();
});

describe('SNS Publish', () => {
  it("records the alert gate's message, subject and eventId attribute, and answers a MessageId", async () => {
    const answer = await roleClient('-alert-gate').send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: 'Registrar: ConnectorProtocolError in 222222222222 eu-west-1',
        Message: '{"error": "ConnectorProtocolError"}',
        MessageAttributes: { eventId: { DataType: 'String', StringValue: 'event-1' } },
      }),
    );

    expect(answer.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(published.at(-1)).toMatchObject({
      topicArn,
      message: '{"error": "ConnectorProtocolError"}',
      subject: 'Registrar: ConnectorProtocolError in 222222222222 eu-west-1',
      eventId: 'event-1',
      publishedBy: expect.stringMatching(/:assumed-role\/.*alert-gate\/session$/),
    });
  });

  it('refuses a role whose policies do not allow sns:Publish on the topic', async () => {
    const count = published.length;

    await expect(
      roleClient('-outcomes').send(new PublishCommand({ TopicArn: topicArn, Message: 'forged' })),
    ).rejects.toMatchObject({ name: 'AuthorizationErrorException', $metadata: { httpStatusCode: 403 } });
    expect(published).toHaveLength(count);
  });

  it('refuses another account, which no topic policy admits', async () => {
    await expect(
      clientWith({ accessKeyId: '222222222222', secretAccessKey: 'local' }).send(
        new PublishCommand({ TopicArn: topicArn, Message: 'forged' }),
      ),
    ).rejects.toMatchObject({ name: 'AuthorizationErrorException' });
  });

  it('answers NotFound for a topic that does not exist, and InvalidParameter for a bad subject', async () => {
    const admin = clientWith({ accessKeyId: HUB, secretAccessKey: 'local' });

    await expect(
      admin.send(new PublishCommand({ TopicArn: `${topicArn}-missing`, Message: 'x' })),
    ).rejects.toMatchObject({ name: 'NotFoundException' });
    await expect(
      admin.send(new PublishCommand({ TopicArn: topicArn, Message: 'x', Subject: 'two\nlines' })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });
});
