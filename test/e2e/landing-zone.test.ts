import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGISTRAR_SOURCE } from '../../functions/shared/event-types.js';
import { inventoryId } from '../../functions/shared/inventory.js';
import { type AssumeRoleLogEntry, SPOKE_TEMPLATE, type Stack } from '../../local/index.js';
import { registeredLabels } from './support/appflow.js';
import { type StackClients, startStackWithClients, stopStackWithClients } from './support/clients.js';
import { deliver, deliverOne, origin, type Put } from './support/events.js';
import {
  appflowMark,
  expectEachRegistered,
  expectFailure,
  expectForgedAccountRefused,
  expectRegistration,
  registrationsSince,
} from './support/expectations.js';
import { executionOf } from './support/outcomes.js';
import { fixtureSample, fixtureWorld, productSample } from './support/paths.js';
import { SLOW } from './support/timeouts.js';

// test/e2e/fixtures/worlds/landing-zone.json: the hub (111111111111, eu-west-1 and us-east-1, no
// connectors of its own), the default world's three spokes, a spoke whose role trusts another hub,
// a member account without the spoke role, and an account outside the organization.
const HUB = '111111111111';
const REGIONS = ['eu-west-1', 'us-east-1'];
const ACCOUNTS = [
  '111111111111',
  '222222222222',
  '333333333333',
  '444444444444',
  '555555555555',
  '666666666666',
];
const SPOKE_ROLE = 'AppFlowConnectorRegistrar';
const spokeRoleArn = (accountId: string) => `arn:aws:iam::${accountId}:role/${SPOKE_ROLE}`;

const SPOKE_DEPLOYS = [
  productSample('spoke-sales.eu-west-1.cloudtrail-create-function.registered.json'),
  productSample('spoke-sales.us-east-1.cloudtrail-update-function-code.registered.json'),
  productSample('spoke-finance.cloudformation-update-complete.registered.json'),
  productSample('spoke-ops.pipeline-connector-deployed.registered.json'),
];

/** Every label AppFlow holds, per "<account>/<Region>", asked through ListConnectors as each account. */
async function labelsEverywhere(clients: StackClients): Promise<Record<string, string[]>> {
  const found: Record<string, string[]> = {};
  for (const accountId of ACCOUNTS) {
    for (const region of REGIONS) {
      const labels = await registeredLabels(clients.appflow(accountId, region));
      if (labels.length > 0) found[`${accountId}/${region}`] = labels;
    }
  }
  return found;
}

/** The name of an execution, as the hub's role session names carry it (registrar-<name>). */
function sessionOf(executionArn: string): string {
  return `registrar-${executionArn.split(':').pop()}`;
}

describe('the hub and its spokes (multi-account landing zone)', { timeout: SLOW }, () => {
  let stack: Stack;
  let clients: StackClients;
  const assumeRolesSince = (mark: number): AssumeRoleLogEntry[] => stack.sts.assumeRoleLog.slice(mark);

  beforeAll(async () => {
    ({ stack, clients } = await startStackWithClients({
      timeScale: 0.01,
      worldPath: fixtureWorld('landing-zone'),
    }));
  }, SLOW);

  afterAll(() => stopStackWithClients(stack, clients), SLOW);

  describe('a forged event (account A names account B’s function)', () => {
    it('fails with AccountMismatchError and an alert, registers nothing anywhere and never assumes a role', async () => {
      await expectForgedAccountRefused(stack, clients);
      expect(stack.appflow.registrations).toEqual([]);
      expect(await labelsEverywhere(clients)).toEqual({});
      expect(stack.sts.assumeRoleLog).toEqual([]);
    });
  });

  describe('three spokes deploying in two Regions at the same moment', () => {
    let puts: Put[];
    let assumeMark: number;
    let appflowBefore: number;

    beforeAll(async () => {
      assumeMark = stack.sts.assumeRoleLog.length;
      appflowBefore = appflowMark(stack);
      puts = await deliver(stack, clients, SPOKE_DEPLOYS);
    }, SLOW);

    it('registers each connector in its own account and Region, and announces it on the hub bus of that Region', async () => {
      await expectEachRegistered(stack, clients, puts);
      expect(await labelsEverywhere(clients)).toEqual({
        '222222222222/eu-west-1': ['sales-connector'],
        '222222222222/us-east-1': ['sales-connector'],
        '333333333333/eu-west-1': ['finance-connector'],
        '444444444444/us-east-1': ['ops-connector'],
      });
    });

    it('reaches the hub through each member’s forwarding rule from the spoke template, under the rule’s role', () => {
      for (const put of puts.filter((one) => one.sample.account !== HUB)) {
        const { eventId, account, region } = origin(put);
        const forwarded = stack.events
          .deliveries()
          .filter(
            (delivery) =>
              delivery.eventId === eventId && delivery.targetArn === stack.hubIn(region).eventBus.arn,
          );
        expect(forwarded, put.sample.description).toEqual([
          expect.objectContaining({
            ruleArn: expect.stringMatching(new RegExp(`^arn:aws:events:${region}:${account}:rule/StackSet-`)),
            status: 'delivered',
          }),
        ]);
        const onHubBus = stack.events
          .publishedEvents({ accountId: HUB, region, busName: stack.hubIn(region).eventBus.name })
          .find((published) => published.event.id === eventId);
        const forwardRole = stack.landingZone.spokes
          .find((spoke) => spoke.accountId === account && spoke.region === region)
          ?.roles.find((role) => role.name.includes('-Forward'));
        expect(onHubBus?.putBy).toBe(`arn:aws:sts::${account}:assumed-role/${forwardRole?.name}/EventBridge`);
      }
    });

    it('registers as the spoke role of each account, in the session of the execution that acted', () => {
      const changes = registrationsSince(stack, appflowBefore);

      expect(changes).toHaveLength(4);
      for (const put of puts) {
        const execution = executionOf(stack, origin(put).eventId);
        const input = JSON.parse(execution.input) as { accountId: string; region: string };
        const change = changes.find(
          (one) => one.accountId === input.accountId && one.region === input.region,
        );
        expect(change).toMatchObject({
          operation: 'RegisterConnector',
          callerArn: `arn:aws:sts::${input.accountId}:assumed-role/${SPOKE_ROLE}/${sessionOf(execution.executionArn)}`,
        });
      }
    });

    it('assumed the spoke role of each of the three accounts from the hub’s registrar roles, and no other role', () => {
      const hubRoles = stack.landingZone.hubs.flatMap((deployment) =>
        deployment.functions.map((fn) => fn.roleArn),
      );
      const entries = assumeRolesSince(assumeMark);

      expect(new Set(entries.map((entry) => entry.roleArn))).toEqual(
        new Set(['222222222222', '333333333333', '444444444444'].map(spokeRoleArn)),
      );
      for (const entry of entries) {
        expect(entry).toMatchObject({ allowed: true, callerAccountId: HUB });
        const callerRole = entry.callerArn.replace(
          /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\/.*$/,
          'arn:aws:iam::$1:role/$2',
        );
        expect(hubRoles).toContain(callerRole);
      }
    });

    it('assumes no role again for a later signal from the same spoke, served by warm environments', async () => {
      const finance = productSample('spoke-finance.cloudformation-update-complete.registered.json');
      await deliverOne(stack, clients, finance);
      const mark = stack.sts.assumeRoleLog.length;

      const put = await deliverOne(stack, clients, finance);

      await expectRegistration(stack, clients, origin(put), {
        connectorLabel: 'finance-connector',
        functionName: 'finance-connector',
        action: 'registered',
      });
      expect(assumeRolesSince(mark)).toEqual([]);
    });

    it('assumed each spoke role at most once per function environment over all these signals (the credentials are cached)', () => {
      const perEnvironment = new Map<string, number>();
      for (const entry of assumeRolesSince(assumeMark)) {
        const environmentId = stack.identity.resolve(entry.accessKeyId as string).environmentId;
        expect(environmentId).toBeDefined();
        const key = `${entry.roleArn} in ${environmentId}`;
        perEnvironment.set(key, (perEnvironment.get(key) ?? 0) + 1);
      }

      expect(perEnvironment.size).toBeGreaterThanOrEqual(3);
      expect([...perEnvironment].filter(([, count]) => count > 1)).toEqual([]);
    });
  });

  describe('a spoke the hub cannot act in', () => {
    it.each([
      [
        'whose role trusts another hub',
        'landing-zone/spoke-untrusting.pipeline-connector-deployed.failed.json',
        '555555555555',
        'eu-west-1',
        'untrusting-connector',
        /aws:PrincipalArn does not satisfy ArnEquals/,
      ],
      [
        'without the spoke role',
        'landing-zone/spoke-without-role.pipeline-connector-deployed.failed.json',
        '666666666666',
        'us-east-1',
        'roleless-connector',
        /no role AppFlowConnectorRegistrar/,
      ],
    ])(
      'alerts on a spoke %s (SpokeRoleAccessDeniedError) and registers nothing',
      async (_what, file, accountId, region, functionName, reason) => {
        const assumeMark = stack.sts.assumeRoleLog.length;
        const mark = appflowMark(stack);

        const put = await deliverOne(stack, clients, fixtureSample(file));

        // The untrusting spoke's bus admits the other hub's outcome role, not this hub's.
        const untrusting = accountId === '555555555555';
        const execution = expectFailure(stack, origin(put), {
          error: 'SpokeRoleAccessDeniedError',
          failedIn: 'VerifyFunction',
          connectorLabel: null,
          lambdaArn: null,
          connectorAccountTold: !untrusting,
        });
        const { Item } = await clients.dynamodb(HUB, region).send(
          new GetItemCommand({
            TableName: stack.hubIn(region).table.name,
            Key: { id: { S: inventoryId(accountId, region, functionName) } },
            ConsistentRead: true,
          }),
        );
        expect(Item?.outcome?.S).toBe('failed');
        expect(Item?.error?.S).toBe('SpokeRoleAccessDeniedError');
        expect(Item?.memberDelivery?.S).toBe(untrusting ? 'failed' : 'delivered');
        if (untrusting) expect(Item?.memberDeliveryError?.S).toMatch(/^AccessDeniedException: /);
        const attempts = assumeRolesSince(assumeMark);
        expect(attempts.length).toBeGreaterThan(0);
        for (const attempt of attempts) {
          expect(attempt).toMatchObject({
            roleArn: spokeRoleArn(accountId),
            roleSessionName: sessionOf(execution.executionArn),
            allowed: false,
            reason: expect.stringMatching(reason),
          });
        }
        expect(registrationsSince(stack, mark)).toEqual([]);
        expect(await registeredLabels(clients.appflow(accountId, region))).toEqual([]);
      },
    );
  });

  describe("a member account's default bus (the spoke's OutcomesFromHubPolicy)", () => {
    const put = (callerAccount: string, source: string) =>
      clients.events(callerAccount, 'eu-west-1').send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: 'arn:aws:events:eu-west-1:222222222222:event-bus/default',
              Source: source,
              DetailType: 'ConnectorRegistered',
              Detail: JSON.stringify({ accountId: '222222222222', region: 'eu-west-1' }),
            },
          ],
        }),
      );

    it("refuses the registrar's events from any principal of the hub but its outcome role", async () => {
      // The hub account's administrator: its account, not the role the policy names.
      const answer = await put(HUB, REGISTRAR_SOURCE);

      expect(answer.FailedEntryCount).toBe(1);
      expect(answer.Entries?.[0]?.ErrorCode).toBe('AccessDeniedException');
    });

    it('refuses another member account, inside the organization', async () => {
      const answer = await put('333333333333', REGISTRAR_SOURCE);

      expect(answer.Entries?.[0]?.ErrorCode).toBe('AccessDeniedException');
    });
  });
});

describe('a spoke template whose forwarding role may not put on the hub bus', { timeout: SLOW }, () => {
  let stack: Stack;
  let clients: StackClients;
  let directory: string;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'broken-spoke-'));
    const template = readFileSync(SPOKE_TEMPLATE, 'utf8');
    const broken = template.replace(
      'Resource: !Ref HubEventBusArn',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub, not a JavaScript template.
      'Resource: !Sub "arn:${AWS::Partition}:events:${AWS::Region}:${HubAccountId}:event-bus/another-bus"',
    );
    expect(broken).not.toBe(template);
    writeFileSync(join(directory, 'template.yaml'), broken);
    ({ stack, clients } = await startStackWithClients({
      timeScale: 0.01,
      worldPath: fixtureWorld('landing-zone'),
      spokeTemplatePath: join(directory, 'template.yaml'),
    }));
  }, SLOW);

  afterAll(async () => {
    await stopStackWithClients(stack, clients);
    rmSync(directory, { recursive: true, force: true });
  }, SLOW);

  it('never reaches the hub: the forwarding is refused and dead-lettered, nothing runs, nothing is registered', async () => {
    const put = await deliverOne(
      stack,
      clients,
      productSample('spoke-finance.cloudformation-update-complete.registered.json'),
    );

    expect(put.eventId).toBeDefined();
    expect(stack.events.deadLetters()).toEqual([
      expect.objectContaining({
        errorCode: 'AccessDeniedException',
        targetArn: stack.hubIn('eu-west-1').eventBus.arn,
        errorMessage: expect.stringContaining('events:PutEvents'),
      }),
    ]);
    expect(stack.states.executions()).toEqual([]);
    expect(stack.appflow.registrations).toEqual([]);
  });
});

describe('a hub restricted to some accounts and Regions (allowedAccountIds, servedRegions)', {
  timeout: SLOW,
}, () => {
  let stack: Stack;
  let clients: StackClients;
  let puts: Put[];

  beforeAll(async () => {
    ({ stack, clients } = await startStackWithClients({
      timeScale: 0.01,
      worldPath: fixtureWorld('landing-zone'),
      params: { allowedAccountIds: '222222222222', servedRegions: 'eu-west-1' },
    }));
    puts = await deliver(stack, clients, [
      productSample('spoke-finance.cloudformation-update-complete.registered.json'),
      productSample('spoke-sales.us-east-1.cloudtrail-update-function-code.registered.json'),
      productSample('spoke-sales.eu-west-1.cloudtrail-create-function.registered.json'),
    ]);
  }, SLOW);

  afterAll(() => stopStackWithClients(stack, clients), SLOW);

  it('hands the serverless.yml params to both registrar functions as ALLOWED_ACCOUNT_IDS and SERVED_REGIONS', async () => {
    for (const deployment of stack.landingZone.hubs) {
      for (const fn of deployment.functions) {
        const { Environment } = await clients
          .lambda(HUB, deployment.region)
          .send(new GetFunctionConfigurationCommand({ FunctionName: fn.arn }));
        expect(Environment?.Variables).toMatchObject({
          ALLOWED_ACCOUNT_IDS: '222222222222',
          SERVED_REGIONS: 'eu-west-1',
        });
      }
    }
  });

  it.each([
    [
      'an account not on the list',
      0,
      'AccountNotAllowedError',
      'arn:aws:lambda:eu-west-1:333333333333:function:finance-connector',
    ],
    [
      'a Region not served',
      1,
      'RegionNotServedError',
      'arn:aws:lambda:us-east-1:222222222222:function:sales-connector',
    ],
  ])(
    'refuses an event from %s with an alert, touching nothing in the account',
    (_what, index, error, named) => {
      const put = puts[index] as Put;

      const execution = expectFailure(stack, origin(put), {
        error,
        failedIn: 'VerifyFunction',
        connectorLabel: null,
        lambdaArn: null,
        causeNames: named,
      });
      const session = sessionOf(execution.executionArn);
      expect(stack.sts.assumeRoleLog.filter((entry) => entry.roleSessionName === session)).toEqual([]);
      expect(
        stack.appflow.stats.byAccountRegion[`${put.sample.account}/${put.sample.region}`],
      ).toBeUndefined();
    },
  );

  it('registers the connector of the allowed account in the served Region, and nothing else anywhere', async () => {
    await expectRegistration(stack, clients, origin(puts[2]), {
      connectorLabel: 'sales-connector',
      functionName: 'sales-connector',
      action: 'registered',
    });
    expect(
      stack.appflow.registrations.map(({ accountId, region, label }) => ({ accountId, region, label })),
    ).toEqual([{ accountId: '222222222222', region: 'eu-west-1', label: 'sales-connector' }]);
    expect(new Set(stack.sts.assumeRoleLog.map((entry) => entry.roleArn))).toEqual(
      new Set([spokeRoleArn('222222222222')]),
    );
  });
});
