import {
  AppflowClient,
  DescribeConnectorCommand,
  ListConnectorsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-appflow';
import { LambdaClient } from '@aws-sdk/client-lambda';
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseSweepInput } from '../../../functions/classify-account/input.js';
import {
  MAX_REPAIRS,
  type SweepDependencies,
  sweepAccount,
} from '../../../functions/classify-account/sweep.js';
import type { AccountClients } from '../../../functions/shared/clients.js';
import { fakeLogger, HUB, identity, SPOKE } from '../verify-removal/helpers.js';

const lambdaMock = mockClient(LambdaClient);
const appflowMock = mockClient(AppflowClient);
const taggingMock = mockClient(ResourceGroupsTaggingAPIClient);

const REGION = 'eu-west-1';
const EXECUTION = 'arn:aws:states:eu-west-1:111111111111:execution:sweep:run-1';
const ARN = (name: string) => `arn:aws:lambda:eu-west-1:${SPOKE}:function:${name}`;
const SPOKE_SESSION = `arn:aws:sts::${SPOKE}:assumed-role/AppFlowConnectorRegistrar/registrar-1`;
const PERSON = `arn:aws:iam::${SPOKE}:user/alice`;
const NOW = new Date('2026-12-01T00:00:00.000Z');

interface Seed {
  tagged?: { name: string; label: string; description?: string }[];
  connectors?: { label: string; by: string; name?: string; description?: string }[];
}

function seed({ tagged = [], connectors = [] }: Seed): void {
  taggingMock.on(GetResourcesCommand).resolves({
    ResourceTagMappingList: tagged.map(({ name, label, description }) => ({
      ResourceARN: ARN(name),
      Tags: [
        { Key: 'appflow:connector-label', Value: label },
        ...(description ? [{ Key: 'appflow:connector-description', Value: description }] : []),
      ],
    })),
    PaginationToken: '',
  });
  appflowMock.on(ListConnectorsCommand).resolves({
    connectors: connectors.map(({ label, by }) => ({
      connectorLabel: label,
      connectorType: 'CustomConnector',
      registeredBy: by,
    })),
  });
  appflowMock.on(DescribeConnectorCommand).callsFake(({ connectorLabel }: { connectorLabel: string }) => {
    const connector = connectors.find((candidate) => candidate.label === connectorLabel);
    if (!connector) throw new ResourceNotFoundException({ message: 'gone', $metadata: {} });
    return {
      connectorConfiguration: {
        connectorLabel,
        registeredBy: connector.by,
        registeredAt: new Date('2026-11-02T00:00:00.000Z'),
        connectorDescription: connector.description,
        connectorProvisioningConfig: { lambda: { lambdaArn: ARN(connector.name ?? connectorLabel) } },
      },
    };
  });
}

let deps: SweepDependencies;
let clientsFor: ReturnType<typeof vi.fn<(target: { accountId: string }) => AccountClients>>;

beforeEach(() => {
  clientsFor = vi.fn(() => ({
    lambda: new LambdaClient({ region: REGION }),
    appflow: new AppflowClient({ region: REGION }),
    config: { region: REGION },
  }));
  deps = {
    clientsFor,
    taggingClient: (config) => new ResourceGroupsTaggingAPIClient(config),
    hub: { allowedAccountIds: [], servedRegions: [] },
    identity,
    logger: fakeLogger(),
    now: () => NOW,
  };
});

afterEach(() => {
  lambdaMock.reset();
  appflowMock.reset();
  taggingMock.reset();
});

const input = (overrides = {}) => ({
  accountId: SPOKE,
  region: REGION,
  dryRun: false,
  executionArn: EXECUTION,
  ...overrides,
});

describe('sweepAccount', () => {
  it('classifies every label and answers the repairs as workflow inputs of the sweep', async () => {
    seed({
      tagged: [
        { name: 'current', label: 'current' },
        { name: 'missing', label: 'missing' },
        { name: 'stale', label: 'stale', description: 'new words' },
      ],
      connectors: [
        { label: 'current', by: SPOKE_SESSION },
        { label: 'stale', by: SPOKE_SESSION, description: 'old words' },
        { label: 'orphaned', by: SPOKE_SESSION },
        { label: 'foreign', by: PERSON },
      ],
    });
    const output = await sweepAccount(input(), deps);

    expect(output.counts).toEqual({ current: 1, missing: 1, stale: 1, orphaned: 1, foreign: 1 });
    expect(output.labels.foreign).toEqual(['foreign']);
    const trigger = (name: string) => ({ kind: 'sweep', eventId: EXECUTION, name, time: NOW.toISOString() });
    expect(output.register).toEqual([
      {
        accountId: SPOKE,
        region: REGION,
        functionArn: ARN('missing'),
        hints: null,
        trigger: trigger('missing'),
      },
      { accountId: SPOKE, region: REGION, functionArn: ARN('stale'), hints: null, trigger: trigger('stale') },
    ]);
    expect(output.unregister).toEqual([
      {
        accountId: SPOKE,
        region: REGION,
        functionArn: ARN('orphaned'),
        hints: null,
        trigger: trigger('orphaned'),
      },
    ]);
    expect(output).toMatchObject({
      repairs: { register: 2, unregister: 1 },
      truncated: false,
      dryRun: false,
    });
  });

  it("makes one tag query, and describes only the registrar's labels (never a foreign one)", async () => {
    seed({
      tagged: [{ name: 'a', label: 'a' }],
      connectors: [
        { label: 'a', by: SPOKE_SESSION },
        { label: 'theirs', by: PERSON },
      ],
    });
    await sweepAccount(input(), deps);

    expect(taggingMock).toHaveReceivedCommandTimes(GetResourcesCommand, 1);
    expect(taggingMock).toHaveReceivedCommandWith(GetResourcesCommand, {
      TagFilters: [{ Key: 'appflow:connector-label' }],
      ResourceTypeFilters: ['lambda:function'],
    });
    expect(appflowMock).toHaveReceivedCommandTimes(DescribeConnectorCommand, 1);
    expect(appflowMock).toHaveReceivedCommandWith(DescribeConnectorCommand, { connectorLabel: 'a' });
  });

  it('reads nothing of Lambda: the tag query names every labelled function', async () => {
    seed({ tagged: [{ name: 'a', label: 'a' }] });
    await sweepAccount(input(), deps);
    expect(lambdaMock.calls()).toHaveLength(0);
  });

  it('starts one unregistration per function, however many orphaned labels point at it', async () => {
    seed({
      connectors: [
        { label: 'one', by: SPOKE_SESSION, name: 'gone' },
        { label: 'two', by: SPOKE_SESSION, name: 'gone' },
      ],
    });
    const output = await sweepAccount(input(), deps);
    expect(output.counts.orphaned).toBe(2);
    expect(output.unregister.map((repair) => repair.functionArn)).toEqual([ARN('gone')]);
  });

  it(`starts at most ${MAX_REPAIRS} repairs of each workflow and says it stopped at the bound`, async () => {
    const tagged = Array.from({ length: MAX_REPAIRS + 3 }, (_, index) => ({
      name: `f${index}`,
      label: `l${index}`,
    }));
    seed({ tagged });
    const output = await sweepAccount(input(), deps);
    expect(output.counts.missing).toBe(MAX_REPAIRS + 3);
    expect(output.register).toHaveLength(MAX_REPAIRS);
    expect(output.truncated).toBe(true);
  });

  it('unregisters nothing when the tag query stopped at its bound: an unread function may still carry its label', async () => {
    seed({ connectors: [{ label: 'gone', by: SPOKE_SESSION }] });
    taggingMock.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [], PaginationToken: 'more' });

    const output = await sweepAccount(input(), deps);

    expect(output.counts.orphaned).toBe(1);
    expect(output.unregister).toEqual([]);
    expect(output.truncated).toBe(true);
  });

  it('registers nothing it calls missing when ListConnectors stopped at its bound: a label it did not reach may be registered', async () => {
    seed({
      tagged: [
        { name: 'unlisted', label: 'unlisted' },
        { name: 'changed', label: 'changed', description: 'new words' },
      ],
      connectors: [{ label: 'changed', by: SPOKE_SESSION, description: 'old words' }],
    });
    appflowMock.on(ListConnectorsCommand).resolves({
      connectors: [
        { connectorLabel: 'changed', connectorType: 'CustomConnector', registeredBy: SPOKE_SESSION },
      ],
      nextToken: 'more',
    });

    const output = await sweepAccount(input(), deps);

    expect(output.counts).toMatchObject({ missing: 1, stale: 1 });
    expect(output.register.map((repair) => repair.functionArn)).toEqual([ARN('changed')]);
    expect(output.truncated).toBe(true);
  });

  it('refuses an account outside the allow-list before any AWS call', async () => {
    deps.hub = { allowedAccountIds: [HUB], servedRegions: [] };
    await expect(sweepAccount(input(), deps)).rejects.toMatchObject({ name: 'AccountNotAllowedError' });
    expect(clientsFor).not.toHaveBeenCalled();
  });

  it('refuses a Region the hub does not serve before any AWS call', async () => {
    deps.hub = { allowedAccountIds: [], servedRegions: ['us-east-1'] };
    await expect(sweepAccount(input(), deps)).rejects.toMatchObject({ name: 'RegionNotServedError' });
    expect(clientsFor).not.toHaveBeenCalled();
  });

  it('rethrows AppFlow errors for the state machine', async () => {
    seed({});
    appflowMock
      .on(ListConnectorsCommand)
      .rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
    await expect(sweepAccount(input(), deps)).rejects.toMatchObject({ name: 'ThrottlingException' });
  });
});

describe('parseSweepInput', () => {
  it('reads a missing dryRun as false', () => {
    expect(parseSweepInput({ accountId: SPOKE, region: REGION, executionArn: EXECUTION }).dryRun).toBe(false);
  });

  it.each([
    [{ accountId: '12', region: REGION, executionArn: EXECUTION }, 'accountId'],
    [{ accountId: SPOKE, region: 'Mars', executionArn: EXECUTION }, 'region'],
    [{ accountId: SPOKE, region: REGION, dryRun: 'yes', executionArn: EXECUTION }, 'dryRun'],
    [{ accountId: SPOKE, region: REGION }, 'executionArn'],
  ])('refuses %j naming %s', (event, field) => {
    expect(() => parseSweepInput(event)).toThrow(
      expect.objectContaining({ name: 'InvalidInputError', message: expect.stringContaining(field) }),
    );
  });
});
