import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  DetailType,
  REGISTRAR_SOURCE,
  SWEEP_SCHEDULE_RULE_NAME,
} from '../../functions/shared/event-types.js';
import type { ExecutionRecord, Stack } from '../../local/index.js';
import { functionArn, REGION } from './lifecycle-support.js';
import { type StackClients, startStackWithClients, stopStackWithClients } from './support/clients.js';
import { alerts } from './support/outcomes.js';
import { fixtureWorld } from './support/paths.js';
import { SLOW } from './support/timeouts.js';

// The sweep world (test/e2e/fixtures/worlds/sweep.json): in the sales account one label of each
// drift class, seeded as AppFlow and Lambda hold them; AppFlow throttles 30 % of calls throughout.
const HUB = '111111111111';
const SALES = '222222222222';
const NOT_JOINED = '444444444444';

interface SweepReport {
  accountId: string;
  region: string;
  dryRun: boolean;
  counts: Record<string, number>;
  labels: Record<string, string[]>;
  actionsStarted: { register: number; unregister: number };
  executionArn: string;
}

describe('the drift sweep, end to end through the deployed templates', { timeout: SLOW }, () => {
  let stack: Stack;
  let clients: StackClients;

  beforeAll(async () => {
    ({ stack, clients } = await startStackWithClients({
      timeScale: 0.01,
      worldPath: fixtureWorld('sweep'),
      faults: { appflowErrors: { ThrottlingException: 0.3 } },
    }));
  }, SLOW);

  afterAll(() => stopStackWithClients(stack, clients), SLOW);

  const machineNamed = (suffix: string) => {
    const machine = stack.states.stateMachines().find((candidate) => candidate.name.endsWith(suffix));
    if (!machine) throw new Error(`no state machine named *${suffix}`);
    return machine.arn;
  };

  /** Starts a sweep as `registrar sweep` does, and waits until it and every execution it started end. */
  async function sweep(accountId: string, dryRun: boolean): Promise<ExecutionRecord> {
    const { executionArn } = await clients.sfn(HUB, REGION).send(
      new StartExecutionCommand({
        stateMachineArn: machineNamed('-sweep-connectors'),
        input: JSON.stringify({ accountId, region: REGION, dryRun }),
      }),
    );
    await stack.idle();
    return stack.states.execution(executionArn as string) as ExecutionRecord;
  }

  const reports = (detailType: string) =>
    stack.events
      .publishedEvents()
      .filter(({ event }) => event.source === REGISTRAR_SOURCE && event['detail-type'] === detailType)
      .filter(({ event }) => event.account === HUB)
      .map(({ event }) => event.detail as SweepReport);

  const reportOf = (execution: ExecutionRecord) => {
    const found = reports(DetailType.ConnectorSweepCompleted).filter(
      (report) => report.executionArn === execution.executionArn,
    );
    expect(found).toHaveLength(1);
    return found[0] as SweepReport;
  };

  const changes = () =>
    stack.appflow.registrations.map(({ operation, accountId, label }) => ({ operation, accountId, label }));

  it('classifies every label in a dry run and starts nothing', async () => {
    const before = stack.states.executions().length;

    const execution = await sweep(SALES, true);

    expect(execution.status).toBe('SUCCEEDED');
    expect(reportOf(execution)).toMatchObject({
      accountId: SALES,
      region: REGION,
      dryRun: true,
      counts: { current: 1, missing: 1, stale: 1, orphaned: 1, foreign: 2 },
      labels: {
        current: ['current-label'],
        missing: ['missing-label'],
        stale: ['stale-label'],
        orphaned: ['orphaned-label'],
        foreign: ['foreign-label', 'hand-label'],
      },
      actionsStarted: { register: 0, unregister: 0 },
    });
    expect(stack.states.executions()).toHaveLength(before + 1);
    expect(changes()).toEqual([]);
  });

  it("a spoke's schedule sweeps its account under 30 % throttling, making exactly the seeded repairs", async () => {
    const ruleArn = `arn:aws:events:${REGION}:${SALES}:rule/${SWEEP_SCHEDULE_RULE_NAME}`;

    stack.events.fireScheduledRule(ruleArn);
    await vi.waitFor(
      () => expect(reports(DetailType.ConnectorSweepCompleted).filter((r) => !r.dryRun)).toHaveLength(1),
      { timeout: 60_000, interval: 50 },
    );
    await stack.idle();

    const [report] = reports(DetailType.ConnectorSweepCompleted).filter((r) => !r.dryRun);
    expect(report).toMatchObject({
      accountId: SALES,
      counts: { current: 1, missing: 1, stale: 1, orphaned: 1, foreign: 2 },
      actionsStarted: { register: 2, unregister: 1 },
    });
    expect(changes().sort((a, b) => a.label.localeCompare(b.label))).toEqual([
      { operation: 'RegisterConnector', accountId: SALES, label: 'missing-label' },
      { operation: 'UnregisterConnector', accountId: SALES, label: 'orphaned-label' },
      { operation: 'UpdateConnectorRegistration', accountId: SALES, label: 'stale-label' },
    ]);
    // Read from the emulation itself: the test's own AppFlow calls would be throttled too.
    const held = new Map(
      stack.appflow.connectors(SALES, REGION).map((connector) => [connector.label, connector]),
    );
    expect([...held.keys()].sort()).toEqual([
      'current-label',
      'foreign-label',
      'hand-label',
      'missing-label',
      'stale-label',
    ]);
    expect(held.get('current-label')?.registeredAt).toBe(Date.parse('2099-01-01T00:00:00.000Z'));
    expect(held.get('stale-label')?.description).toBe('Orders connector v2');
    const orphaned = stack.events
      .publishedEvents()
      .map(({ event }) => event)
      .find((event) => event['detail-type'] === DetailType.ConnectorUnregistered);
    expect(orphaned?.detail).toMatchObject({ connectorLabel: 'orphaned-label', reason: 'orphaned' });
    expect(stack.states.executions().filter((run) => run.status !== 'SUCCEEDED')).toEqual([]);
  });

  it('finds nothing left to repair on the next sweep', async () => {
    const execution = await sweep(SALES, false);

    expect(reportOf(execution)).toMatchObject({
      counts: { current: 3, missing: 0, stale: 0, orphaned: 0, foreign: 2 },
      actionsStarted: { register: 0, unregister: 0 },
    });
  });

  it('does not register twice a label whose registration is already running', async () => {
    const registration = clients.sfn(HUB, REGION).send(
      new StartExecutionCommand({
        stateMachineArn: machineNamed('-register-connector'),
        input: JSON.stringify({
          accountId: HUB,
          region: REGION,
          functionArn: functionArn(HUB, 'raced-connector'),
          hints: null,
          trigger: {
            kind: 'pipeline',
            eventId: 'raced',
            name: DetailType.ConnectorLambdaDeployed,
            time: new Date().toISOString(),
          },
        }),
      }),
    );
    const [execution] = await Promise.all([sweep(HUB, false), registration]);
    await stack.idle();

    expect(reportOf(execution)).toMatchObject({ counts: { missing: 1 }, actionsStarted: { register: 1 } });
    expect(changes().filter(({ label }) => label === 'raced-label')).toEqual([
      { operation: 'RegisterConnector', accountId: HUB, label: 'raced-label' },
    ]);
  });

  it('the hub sweeps its own account on its own schedule', async () => {
    const [hubRule] = stack.events
      .scheduledRules()
      .filter(({ ruleArn }) => ruleArn.includes(`:${HUB}:rule/`) && ruleArn.includes('SweepHubSchedule'));
    const before = reports(DetailType.ConnectorSweepCompleted).length;

    stack.events.fireScheduledRule(hubRule?.ruleArn as string);
    await vi.waitFor(() => expect(reports(DetailType.ConnectorSweepCompleted)).toHaveLength(before + 1), {
      timeout: 60_000,
      interval: 50,
    });

    expect(reports(DetailType.ConnectorSweepCompleted).at(-1)).toMatchObject({
      accountId: HUB,
      region: REGION,
      dryRun: false,
      counts: { current: 1, missing: 0 },
    });
  });

  it('alerts when an account cannot be swept (no spoke role there)', async () => {
    const execution = await sweep(NOT_JOINED, false);

    expect(execution.status).toBe('FAILED');
    const [failure] = reports(DetailType.ConnectorSweepFailed);
    expect(failure).toMatchObject({ accountId: NOT_JOINED, error: 'SpokeRoleAccessDeniedError' });
    expect(alerts(stack).map(({ message }) => message)).toContainEqual(
      expect.objectContaining({ event: DetailType.ConnectorSweepFailed, accountId: NOT_JOINED }),
    );
  });
});
