/**
 * Cost of one registration on each path of the workflow, and of one unregistration on its happy
 * path (a registered connector's Lambda deleted), counted from the executions of the local stack: billable state transitions (states entered + retries, as Step Functions bills Standard
 * workflows), Lambda invocations and GB-seconds (the runtime's REPORT lines), AppFlow calls,
 * DynamoDB requests (counted on their way to dynalite) and EventBridge events; then the price of
 * 1,000 registrations at list prices (bench/lib/prices.ts).
 *
 *   node --import tsx bench/cost.ts
 */
import { deriveRandom, type ExecutionRecord, type Stack, startStack } from '../local/index.js';
import './lib/quiet-sdk.js';
import { rmSync } from 'node:fs';
import { DeleteFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { REGISTRAR_SOURCE } from '../functions/shared/event-types.js';
import { type DynamoDbCounter, startDynamoDbCounter } from './lib/dynamodb-counter.js';
import { loadLine, machineLine } from './lib/machine.js';
import { PRICE_NOTES, PRICES } from './lib/prices.js';
import { billedFrom } from './lib/reports.js';
import { sendDeploySignals, triggerEventIdOf } from './lib/signals.js';
import { printTable } from './lib/table.js';
import { connectorFunction, HUB_ACCOUNT_ID, ORGANIZATION_ID, writeWorld } from './lib/world.js';

const REGION = 'eu-west-1';
const THROTTLE_PROBABILITY = 0.5;
const DEADLINE_MS = 5 * 60_000;

interface Scenario {
  path: string;
  functionName: string;
  /** The outcome the path must end with, or the benchmark is measuring something else. */
  expect: { status: ExecutionRecord['status']; action?: string; error?: string };
  /** AppFlow ThrottlingExceptions to inject, back to back, before AppFlow answers. */
  throttles?: number;
}

const SCENARIOS: Scenario[] = [
  { path: 'happy', functionName: 'happy-connector', expect: { status: 'SUCCEEDED', action: 'registered' } },
  {
    path: 'throttled twice, then registered',
    functionName: 'throttled-connector',
    throttles: 2,
    expect: { status: 'SUCCEEDED', action: 'registered' },
  },
  {
    path: 'throttled 4 times, then registered',
    functionName: 'throttled4-connector',
    throttles: 4,
    expect: { status: 'SUCCEEDED', action: 'registered' },
  },
  {
    path: 'conflict -> updated',
    functionName: 'updated-connector',
    expect: { status: 'SUCCEEDED', action: 'updated' },
  },
  {
    path: 'fatal at register -> alert',
    functionName: 'impostor-connector',
    expect: { status: 'FAILED', error: 'LabelOwnedByAnotherFunctionError' },
  },
  {
    path: 'fatal at verify -> alert',
    functionName: 'failing-connector',
    expect: { status: 'FAILED', error: 'ConnectorProtocolError' },
  },
  { path: 'skipped (not tagged)', functionName: 'untagged-function', expect: { status: 'SUCCEEDED' } },
];

interface Measured {
  scenario: Scenario;
  statesEntered: number;
  retries: number;
  registrarInvocations: number;
  connectorInvocations: number;
  appflowCalls: number;
  throttled: number;
  dynamoWrites: number;
  dynamoReads: number;
  dynamoOps: Record<string, number>;
  events: number;
  gbSeconds: number;
  billedMs: number;
  coldStarts: number;
  outcome: string;
}

/** The cost world: one hub account and Region, one function per path. */
function costWorld() {
  return writeWorld((directory) => ({
    organizationId: ORGANIZATION_ID,
    hub: { accountId: HUB_ACCOUNT_ID, regions: [REGION] },
    accounts: [
      {
        accountId: HUB_ACCOUNT_ID,
        name: 'hub',
        functions: [
          connectorFunction(directory, 'warmup-connector', REGION),
          connectorFunction(directory, 'happy-connector', REGION),
          connectorFunction(directory, 'throttled-connector', REGION),
          connectorFunction(directory, 'throttled4-connector', REGION),
          connectorFunction(directory, 'updated-connector', REGION),
          connectorFunction(directory, 'impostor-connector', REGION, { label: 'taken-label' }),
          connectorFunction(directory, 'original-owner', REGION, { label: null }),
          connectorFunction(directory, 'failing-connector', REGION, { example: 'failing' }),
          connectorFunction(directory, 'untagged-function', REGION, { example: 'untagged', label: null }),
          // Registered, then deleted through the Lambda API: the unregistration's happy path.
          connectorFunction(directory, 'doomed-connector', REGION),
        ],
        connectors: [
          { label: 'updated-connector', region: REGION, functionName: 'updated-connector' },
          { label: 'taken-label', region: REGION, functionName: 'original-owner' },
        ],
      },
    ],
  }));
}

/**
 * A seed whose AppFlow draws in the hub account and Region give `throttles` ThrottlingExceptions
 * and then a success: the fault injector draws once per call from a stream seeded by it.
 */
function seedForThrottles(throttles: number, notSeed: number): number {
  for (let seed = 2; seed < 100_000; seed++) {
    if (seed === notSeed) continue;
    const random = deriveRandom(seed, `appflow/${HUB_ACCOUNT_ID}/${REGION}`);
    let ok = true;
    for (let call = 0; call < throttles && ok; call++) ok = random.next() < THROTTLE_PROBABILITY;
    if (ok && random.next() >= THROTTLE_PROBABILITY) return seed;
  }
  throw new Error(`No seed below 100000 gives ${throttles} throttles then a success.`);
}

/** Sends one deploy signal and waits for what it started. */
async function deploy(stack: Stack, functionName: string): Promise<ExecutionRecord[]> {
  const [sent] = await sendDeploySignals(stack, [
    {
      accountId: HUB_ACCOUNT_ID,
      region: REGION,
      functionArn: `arn:aws:lambda:${REGION}:${HUB_ACCOUNT_ID}:function:${functionName}`,
    },
  ]);
  await stack.idle();
  return stack.states.executions().filter((execution) => triggerEventIdOf(execution.input) === sent?.eventId);
}

function outcomeOf(execution: ExecutionRecord): string {
  if (execution.status !== 'SUCCEEDED') return `${execution.status} ${execution.error ?? ''}`.trim();
  const output = JSON.parse(execution.output ?? '{}') as { registration?: { action?: string } };
  return output.registration?.action ?? 'skipped';
}

/** States entered and retries, read from the history as Step Functions bills them. */
function transitionsOf(execution: ExecutionRecord): { statesEntered: number; retries: number } {
  let statesEntered = 0;
  let taskEntries = 0;
  let scheduled = 0;
  for (const event of execution.history) {
    if (event.type.endsWith('StateEntered')) {
      statesEntered += 1;
      if (event.type === 'TaskStateEntered') taskEntries += 1;
    }
    if (event.type === 'LambdaFunctionScheduled' || event.type === 'TaskScheduled') scheduled += 1;
  }
  const retries = scheduled - taskEntries;
  if (statesEntered !== execution.transitions || retries !== execution.retries) {
    throw new Error(
      `The history of ${execution.executionArn} disagrees with the stack's counters: ${statesEntered} states entered / ${retries} retries vs ${execution.transitions} / ${execution.retries}.`,
    );
  }
  return { statesEntered, retries };
}

async function measure(stack: Stack, counter: DynamoDbCounter, scenario: Scenario): Promise<Measured> {
  const connectorArn = `arn:aws:lambda:${REGION}:${HUB_ACCOUNT_ID}:function:${scenario.functionName}`;
  const registrarArns = stack.hubIn(REGION).functions.map((fn) => fn.arn);
  if (scenario.throttles) {
    const seed = seedForThrottles(scenario.throttles, stack.faults.config.seed);
    // A new seed restarts the streams: the next calls in this account and Region draw from it.
    stack.faults.update({ seed, appflowErrors: { ThrottlingException: THROTTLE_PROBABILITY } });
  }
  stack.faults.resetCounters();
  stack.appflow.resetStats();
  counter.reset();
  const connectorBefore = stack.runtime.counters(connectorArn).invocations;
  const publishedBefore = registrarPublished(stack);
  const since = new Date().toISOString();

  const executions = await deploy(stack, scenario.functionName);
  stack.faults.update({ appflowErrors: {} });

  if (executions.length !== 1) {
    throw new Error(`${scenario.path}: expected one execution, got ${executions.length}.`);
  }
  const [execution] = executions as [ExecutionRecord];
  const outcome = outcomeOf(execution);
  const expected = scenario.expect;
  if (
    execution.status !== expected.status ||
    (expected.error !== undefined && execution.error !== expected.error) ||
    (expected.action !== undefined && outcome !== expected.action)
  ) {
    throw new Error(`${scenario.path}: the execution ended "${outcome}", not as the path expects.`);
  }
  const { statesEntered, retries } = transitionsOf(execution);
  const throttled = stack.faults.counters.injected.ThrottlingException ?? 0;
  if ((scenario.throttles ?? 0) !== throttled) {
    throw new Error(
      `${scenario.path}: AppFlow throttled ${throttled} calls, not ${scenario.throttles ?? 0}.`,
    );
  }
  const billed = billedFrom(
    registrarArns.flatMap((arn) => stack.runtime.logs(arn).filter((entry) => entry.time >= since)),
  );
  const counts = counter.counts();
  const writes = (counts.PutItem ?? 0) + (counts.UpdateItem ?? 0) + (counts.DeleteItem ?? 0);
  const reads = (counts.GetItem ?? 0) + (counts.Query ?? 0);
  return {
    scenario,
    statesEntered,
    retries,
    registrarInvocations: execution.lambdaInvocations,
    connectorInvocations: stack.runtime.counters(connectorArn).invocations - connectorBefore,
    appflowCalls: stack.faults.counters.calls,
    throttled,
    dynamoWrites: writes,
    dynamoReads: reads,
    dynamoOps: counts,
    // The deploy signal itself, and what the workflow published.
    events: 1 + registrarPublished(stack) - publishedBefore,
    gbSeconds: billed.gbSeconds,
    billedMs: billed.billedMs,
    coldStarts: billed.coldStarts,
    outcome,
  };
}

/**
 * The unregistration's happy path: a connector registered (not measured), then its Lambda deleted
 * through the Lambda API; CloudTrail's stand-in signals the deletion and the unregistration
 * workflow runs. Counted as measure() counts a registration.
 */
async function measureUnregistration(stack: Stack, counter: DynamoDbCounter): Promise<Measured> {
  const name = 'doomed-connector';
  const scenario: Scenario = {
    path: 'unregister: Lambda deleted',
    functionName: name,
    expect: { status: 'SUCCEEDED' },
  };
  const [registration] = await deploy(stack, name);
  if (registration?.status !== 'SUCCEEDED') throw new Error(`${scenario.path}: ${name} was not registered.`);
  const machine = stack.hubIn(REGION).unregisterStateMachine?.arn;
  const registrarArns = stack.hubIn(REGION).functions.map((fn) => fn.arn);
  stack.faults.resetCounters();
  stack.appflow.resetStats();
  counter.reset();
  const publishedBefore = registrarPublished(stack);
  const before = new Set(stack.states.executions().map((execution) => execution.executionArn));
  const since = new Date().toISOString();

  const lambda = new LambdaClient(stack.clientConfig(HUB_ACCOUNT_ID, REGION));
  await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
  lambda.destroy();
  await stack.idle();

  const executions = stack.states
    .executions()
    .filter((execution) => execution.stateMachineArn === machine && !before.has(execution.executionArn));
  if (executions.length !== 1) {
    throw new Error(`${scenario.path}: expected one unregistration execution, got ${executions.length}.`);
  }
  const [execution] = executions as [ExecutionRecord];
  const output = JSON.parse(execution.output ?? '{}') as {
    unregistrations?: { unregistration?: { reason?: string } }[];
  };
  const reason = output.unregistrations?.[0]?.unregistration?.reason;
  if (execution.status !== 'SUCCEEDED' || reason !== 'deleted') {
    throw new Error(
      `${scenario.path}: the execution ended ${execution.status} ${reason ?? ''}, not unregistered.`,
    );
  }
  const { statesEntered, retries } = transitionsOf(execution);
  const billed = billedFrom(
    registrarArns.flatMap((arn) => stack.runtime.logs(arn).filter((entry) => entry.time >= since)),
  );
  const counts = counter.counts();
  return {
    scenario,
    statesEntered,
    retries,
    registrarInvocations: execution.lambdaInvocations,
    connectorInvocations: 0,
    appflowCalls: stack.faults.counters.calls,
    throttled: 0,
    dynamoWrites: (counts.PutItem ?? 0) + (counts.UpdateItem ?? 0) + (counts.DeleteItem ?? 0),
    dynamoReads: (counts.GetItem ?? 0) + (counts.Query ?? 0),
    dynamoOps: counts,
    // The deletion signal is CloudTrail's, on the account's own default bus: not a custom event.
    events: registrarPublished(stack) - publishedBefore,
    gbSeconds: billed.gbSeconds,
    billedMs: billed.billedMs,
    coldStarts: billed.coldStarts,
    outcome: `unregistered (${reason})`,
  };
}

function registrarPublished(stack: Stack): number {
  return stack.events.publishedEvents().filter((event) => event.event.source === REGISTRAR_SOURCE).length;
}

function costPer1000(m: Measured): {
  sfn: number;
  lambda: number;
  events: number;
  dynamodb: number;
  total: number;
} {
  const transitions = m.statesEntered + m.retries;
  const sfn = transitions * PRICES.stateTransition * 1000;
  const lambda =
    (m.registrarInvocations * PRICES.lambdaRequest + m.gbSeconds * PRICES.lambdaGbSecondArm64) * 1000;
  const events = m.events * PRICES.eventBridgeEvent * 1000;
  const dynamodb =
    (m.dynamoWrites * PRICES.dynamoDbWriteUnit + m.dynamoReads * PRICES.dynamoDbReadUnit) * 1000;
  return { sfn, lambda, events, dynamodb, total: sfn + lambda + events + dynamodb };
}

async function main(): Promise<void> {
  console.log('== cost: per registration, by path ==');
  console.log(machineLine());
  const world = costWorld();
  const counter = await startDynamoDbCounter();
  const stack = await startStack({
    worldPath: world.path,
    timeScale: 0.01,
    functionEnvironment: { AWS_ENDPOINT_URL_DYNAMODB: counter.endpoint },
  });
  counter.target(stack.endpoint);
  const deadline = setTimeout(() => {
    console.error(`cost: still running after ${DEADLINE_MS / 1000} s; giving up.`);
    process.exit(1);
  }, DEADLINE_MS);
  deadline.unref();
  try {
    const memory = stack
      .hubIn(REGION)
      .functions.map((fn) => `${fn.name} ${fn.memorySize} MB`)
      .join(', ');
    // Warm the registrar's environments first, so each path is measured warm, as most are on AWS.
    await deploy(stack, 'warmup-connector');
    const measured: Measured[] = [];
    for (const scenario of SCENARIOS) measured.push(await measure(stack, counter, scenario));
    const unregistration = await measureUnregistration(stack, counter);
    measured.push(unregistration);

    const rows = [
      [
        'path',
        'outcome',
        'states',
        'retries',
        'transitions',
        'λ inv.',
        'connector inv.',
        'AppFlow calls (throttled)',
        'DDB W/R',
        'events',
        'GB-s',
        '$ / 1,000',
      ],
      ...measured.map((m) => [
        m.scenario.path,
        m.outcome,
        String(m.statesEntered),
        String(m.retries),
        String(m.statesEntered + m.retries),
        String(m.registrarInvocations),
        String(m.connectorInvocations),
        `${m.appflowCalls} (${m.throttled})`,
        `${m.dynamoWrites}/${m.dynamoReads}`,
        String(m.events),
        m.gbSeconds.toFixed(4),
        `$${costPer1000(m).total.toFixed(4)}`,
      ]),
    ];
    printTable(rows);
    console.log('');
    console.log('$ per 1,000 registrations, by service:');
    printTable([
      ['path', 'Step Functions', 'Lambda', 'EventBridge', 'DynamoDB', 'total'],
      ...measured.map((m) => {
        const cost = costPer1000(m);
        return [m.scenario.path, cost.sfn, cost.lambda, cost.events, cost.dynamodb, cost.total].map(
          (value) => (typeof value === 'string' ? value : `$${value.toFixed(4)}`),
        );
      }),
    ]);
    const happy = measured[0] as Measured;
    const transitions = happy.statesEntered + happy.retries;
    console.log('');
    console.log(
      `happy path: ${transitions} transitions (target <= 6: ${transitions <= 6 ? 'met' : 'MISSED'}), ${happy.registrarInvocations} registrar Lambda invocations (target <= 2: ${happy.registrarInvocations <= 2 ? 'met' : 'MISSED'})`,
    );
    const unregistered = unregistration.statesEntered + unregistration.retries;
    console.log(
      `unregister happy path: ${unregistered} transitions (target <= 6: ${unregistered <= 6 ? 'met' : 'MISSED'}), ${unregistration.registrarInvocations} registrar Lambda invocations (target <= 2: ${unregistration.registrarInvocations <= 2 ? 'met' : 'MISSED'})`,
    );
    console.log(
      `GB-s from the local runtime's REPORT lines (billed ms x memory: ${memory}); warm environments (${measured.reduce((n, m) => n + m.coldStarts, 0)} cold starts among the measured paths). Local durations, not AWS's.`,
    );
    console.log(
      '"connector inv." = the probe (VerifyFunction) and AppFlow\'s own call; billed to the connector\'s account, not in $.',
    );
    console.log(
      `DynamoDB requests by operation: ${measured
        .map(
          (m) =>
            `${m.scenario.path}: ${
              Object.entries(m.dynamoOps)
                .map(([op, n]) => `${op} ${n}`)
                .join(', ') || 'none'
            }`,
        )
        .join('; ')}`,
    );
    console.log(
      "throttles: counted by the fault injector (exactly as injected, checked); 2 are absorbed by the AWS SDK's own retries (3 attempts) inside one invocation, so the history shows no state retry; 4 exhaust them and the state machine retries once.",
    );
    console.log(
      '"events" = the deploy signal (1, a custom event) + what the workflow published; the unregistration\'s signal is CloudTrail\'s (not a custom event), so only what it published.',
    );
    for (const note of PRICE_NOTES) console.log(`price: ${note}`);
    console.log(`end: ${loadLine()}`);
  } finally {
    clearTimeout(deadline);
    await stack.stop();
    await counter.close();
    rmSync(world.directory, { recursive: true, force: true });
  }
}

await main();
