/**
 * Sample events (events/samples/*.json): a deploy or removal signal as one account puts it on the
 * hub bus, and what the registrar must make of it. The CLI sends them through PutEvents and checks `expect`;
 * test/unit/events/rules.test.ts checks `expect.rules` against events/rules/.
 *
 *   {
 *     "description": "What happens and why",
 *     "account": "111111111111",        // the account whose credentials sign PutEvents
 *     "region": "eu-west-1",            // the Region of the bus the event is put on
 *     "bus": "hub",                     // optional: "default" or "hub" (see SampleBus)
 *     "entry": { "Source": "aws.lambda", "DetailType": "…", "Detail": { … }, "Resources": [] },
 *     "expect": { "rules": ["cloudtrail-create-function"], "outcome": "registered",
 *                 "connectorLabel": "healthy-connector",
 *                 "unregistered": [{ "connectorLabel": "old-label", "reason": "relabelled" }] }
 *   }
 *
 * A spoke's sweep schedule (a Scheduled Event of its sweep rule, on the hub bus) expects `swept`:
 *
 *     "expect": { "rules": [], "outcome": "swept",
 *                 "classes": { "current": 1, "missing": 1, "stale": 1, "orphaned": 1, "foreign": 1 },
 *                 "repairs": { "register": 2, "unregister": 1 },
 *                 "unregistered": [{ "connectorLabel": "gone-label", "reason": "orphaned" }] }
 *
 * Every outcome is the one the workflow reaches in a fresh local/worlds/default.json.
 */
import { readFile } from 'node:fs/promises';
import { DRIFT_CLASSES, type DriftClass } from '../../functions/classify-account/classify.js';
import { FATAL_ERROR_NAMES, RETRYABLE_ERROR_NAMES } from '../../functions/shared/errors.js';
import { REMOVAL_REASONS, type RemovalReason } from '../../functions/shared/types.js';
import type { BusEvent } from '../types.js';

export const SAMPLE_OUTCOMES = [
  /** A ConnectorRegistered event with action registered / updated / unchanged. */
  'registered',
  'updated',
  'unchanged',
  /** One ConnectorUnregistered event or more: the unregistration workflow unregistered the function's labels. */
  'unregistered',
  /**
   * Nothing to do, the execution succeeds quietly: the function has not opted in, or a removal
   * signal finds nothing to unregister (the function still exists, still carries its label, or no
   * registration of the registrar points at it).
   */
  'skipped',
  /** A ConnectorRegistrationFailed or ConnectorUnregistrationFailed event carrying `expect.error`; the execution fails. */
  'failed',
  /**
   * A sweep of the account and Region ran and published ConnectorSweepCompleted with exactly
   * `expect.classes` and `expect.repairs`; the repairs it started ran too.
   */
  'swept',
  /** No workflow execution starts (no deploy rule matches; an alert rule may). */
  'none',
  /** The hub bus refuses the PutEvents itself (an account outside the organization). */
  'refused',
] as const;

export type SampleOutcome = (typeof SAMPLE_OUTCOMES)[number];

/** A PutEvents entry, with Detail as an object (PutEvents carries it as JSON text). */
export interface SampleEntry {
  Source: string;
  DetailType: string;
  Detail: Record<string, unknown>;
  Resources?: string[];
}

export interface SampleExpectation {
  /**
   * Names of the rules in events/rules/ whose pattern matches the event, exactly (for `refused`:
   * what the patterns alone would match, had the bus accepted the event).
   */
  rules: string[];
  outcome: SampleOutcome;
  /** The error name (functions/shared/errors.ts) when the outcome is failed. */
  error?: string;
  /** The label the published event carries, when the sample pins it. */
  connectorLabel?: string;
  /**
   * The registrations the unregistration workflow unregisters, exactly (a TagResource that relabels
   * registers the new label and unregisters the old one). Absent: none. Required when outcome is
   * unregistered, so that every such sample pins the reason.
   */
  unregistered?: ExpectedUnregistration[];
  /** How many labels of each drift class the sweep found; required when outcome is swept, else absent. */
  classes?: Record<DriftClass, number>;
  /** The repairs the sweep started, of each workflow; required when outcome is swept, else absent. */
  repairs?: ExpectedRepairs;
}

/** Executions of the registration and unregistration workflows a sweep started. */
export interface ExpectedRepairs {
  register: number;
  unregister: number;
}

/** One ConnectorUnregistered the sample expects: the label and why it went. */
export interface ExpectedUnregistration {
  connectorLabel: string;
  reason: RemovalReason;
}

/**
 * The bus the event is put on. `default` (the default): the account's default bus, where AWS
 * services (CloudTrail, CloudFormation) and pipelines put their events; the hub's rules listen on the
 * hub account's, and the spoke stack's forwarding rules carry a member account's to the hub bus.
 * `hub`: straight onto the registrar's bus in the hub (an account that puts there itself, such as
 * one outside the organization), where the workflow publishes its own events.
 */
export const SAMPLE_BUSES = ['default', 'hub'] as const;
export type SampleBus = (typeof SAMPLE_BUSES)[number];

export interface Sample {
  description: string;
  /** 12 digits: the account that puts the event; EventBridge sets the envelope's `account` from it. */
  account: string;
  region: string;
  /** See SAMPLE_BUSES; absent, the bus AWS delivers the account's deploy signals to. */
  bus?: SampleBus;
  entry: SampleEntry;
  expect: SampleExpectation;
}

/** A sample file that does not follow the format; the message says which file, field and fix. */
export class InvalidSampleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSampleError';
  }
}

const KNOWN_ERRORS = new Set([...FATAL_ERROR_NAMES, ...RETRYABLE_ERROR_NAMES]);
const CLOUDTRAIL = 'AWS API Call via CloudTrail';

/** Reads and validates a sample file. Throws InvalidSampleError naming the file and the problem. */
export async function loadSample(path: string): Promise<Sample> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new InvalidSampleError(`${path}: cannot read it as JSON (${(error as Error).message})`);
  }
  return parseSample(value, path);
}

/** Validates a parsed sample; `source` names it in error messages. */
export function parseSample(value: unknown, source = 'sample'): Sample {
  const fail = (message: string): never => {
    throw new InvalidSampleError(`${source}: ${message}`);
  };
  const sample = requireObject(value, 'the sample', fail);
  onlyKeys(sample, ['description', 'account', 'region', 'bus', 'entry', 'expect'], 'the sample', fail);
  const description = requireText(sample.description, 'description', fail);
  const account = requireText(sample.account, 'account', fail);
  if (!/^\d{12}$/.test(account)) fail(`account must be a 12-digit AWS account id; got "${account}"`);
  const region = requireText(sample.region, 'region', fail);
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region))
    fail(`region must be a Region code such as eu-west-1; got "${region}"`);
  if (sample.bus !== undefined && !SAMPLE_BUSES.includes(sample.bus as SampleBus))
    fail(`bus must be one of ${SAMPLE_BUSES.join(', ')}; got ${JSON.stringify(sample.bus)}`);
  const entry = parseEntry(sample.entry, fail);
  const expect = parseExpectation(sample.expect, fail);
  checkAgreement(entry, account, region, fail);
  return {
    description,
    account,
    region,
    ...(sample.bus === undefined ? {} : { bus: sample.bus as SampleBus }),
    entry,
    expect,
  };
}

/** The bus a sample is put on: its own `bus`, else the account's default bus, where AWS delivers deploy signals. */
export function busOf(sample: Sample): SampleBus {
  return sample.bus ?? 'default';
}

/**
 * The event as EventBridge delivers it to rules and targets: the entry wrapped in the envelope, with
 * `account` and `region` from the putting account and the bus Region (never from the payload).
 */
export function toEnvelope(sample: Sample, delivery: { id: string; time: Date | string }): BusEvent {
  const time =
    typeof delivery.time === 'string' ? delivery.time : delivery.time.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    version: '0',
    id: delivery.id,
    'detail-type': sample.entry.DetailType,
    source: sample.entry.Source,
    account: sample.account,
    time,
    region: sample.region,
    resources: [...(sample.entry.Resources ?? [])],
    detail: structuredClone(sample.entry.Detail),
  };
}

/** The entry as PutEvents takes it (Detail as JSON text), for the bus in `sample.region`. */
export function toPutEventsEntry(sample: Sample): {
  Source: string;
  DetailType: string;
  Detail: string;
  Resources: string[];
} {
  const { Source, DetailType, Detail, Resources = [] } = sample.entry;
  return { Source, DetailType, Detail: JSON.stringify(Detail), Resources: [...Resources] };
}

type Fail = (message: string) => never;

function requireObject(value: unknown, what: string, fail: Fail): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    fail(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

function requireText(value: unknown, field: string, fail: Fail): string {
  if (typeof value !== 'string' || value.trim() === '') fail(`${field} must be a non-empty string`);
  return value as string;
}

function onlyKeys(object: Record<string, unknown>, allowed: string[], what: string, fail: Fail): void {
  const unknown = Object.keys(object).filter((key) => !allowed.includes(key));
  if (unknown.length > 0)
    fail(`${what} has unknown field(s) ${unknown.join(', ')}; allowed: ${allowed.join(', ')}`);
}

function parseEntry(value: unknown, fail: Fail): SampleEntry {
  const entry = requireObject(value, 'entry', fail);
  onlyKeys(entry, ['Source', 'DetailType', 'Detail', 'Resources'], 'entry', fail);
  const Source = requireText(entry.Source, 'entry.Source', fail);
  const DetailType = requireText(entry.DetailType, 'entry.DetailType', fail);
  const Detail = requireObject(entry.Detail, 'entry.Detail (an object, not JSON text)', fail);
  if (entry.Resources === undefined) return { Source, DetailType, Detail };
  if (!Array.isArray(entry.Resources) || entry.Resources.some((resource) => typeof resource !== 'string')) {
    fail('entry.Resources must be an array of ARN strings');
  }
  return { Source, DetailType, Detail, Resources: entry.Resources as string[] };
}

function parseExpectation(value: unknown, fail: Fail): SampleExpectation {
  const expect = requireObject(value, 'expect', fail);
  onlyKeys(
    expect,
    ['rules', 'outcome', 'error', 'connectorLabel', 'unregistered', 'classes', 'repairs'],
    'expect',
    fail,
  );
  const { rules, outcome, error, connectorLabel, unregistered, classes, repairs } = expect;
  if (!Array.isArray(rules) || rules.some((rule) => typeof rule !== 'string')) {
    fail('expect.rules must be an array of rule names from events/rules/ ([] when none matches)');
  }
  const names = rules as string[];
  if (new Set(names).size !== names.length) fail('expect.rules lists a rule twice');
  if (!SAMPLE_OUTCOMES.includes(outcome as SampleOutcome)) {
    fail(`expect.outcome must be one of ${SAMPLE_OUTCOMES.join(', ')}; got ${JSON.stringify(outcome)}`);
  }
  const result: SampleExpectation = { rules: names, outcome: outcome as SampleOutcome };
  if (outcome === 'failed') {
    const name = requireText(error, 'expect.error (the error name, required when outcome is failed)', fail);
    if (!KNOWN_ERRORS.has(name))
      fail(`expect.error "${name}" is not an error name of functions/shared/errors.ts`);
    result.error = name;
  } else if (error !== undefined) {
    fail(
      `expect.error is only for outcome failed; remove it or set outcome to failed (outcome is ${outcome})`,
    );
  }
  if (connectorLabel !== undefined)
    result.connectorLabel = requireText(connectorLabel, 'expect.connectorLabel', fail);
  if (unregistered !== undefined) result.unregistered = parseUnregistered(unregistered, fail);
  else if (outcome === 'unregistered')
    fail('expect.unregistered must list what is unregistered and why when outcome is unregistered');
  if (outcome === 'swept') {
    result.classes = parseCounts(classes, 'expect.classes', DRIFT_CLASSES, fail);
    result.repairs = parseCounts(repairs, 'expect.repairs', ['register', 'unregister'] as const, fail);
  } else if (classes !== undefined || repairs !== undefined) {
    fail(`expect.classes and expect.repairs are only for outcome swept (outcome is ${outcome})`);
  }
  return result;
}

/** An object with exactly the given keys, each a whole number of zero or more. */
function parseCounts<K extends string>(
  value: unknown,
  what: string,
  keys: readonly K[],
  fail: Fail,
): Record<K, number> {
  if (value === undefined) fail(`${what} is required when outcome is swept: { ${keys.join(', ')} }`);
  const counts = requireObject(value, what, fail);
  onlyKeys(counts, [...keys], what, fail);
  return Object.fromEntries(
    keys.map((key) => {
      const count = counts[key];
      if (!Number.isInteger(count) || (count as number) < 0)
        fail(`${what}.${key} must be a whole number of zero or more; got ${JSON.stringify(count)}`);
      return [key, count as number];
    }),
  ) as Record<K, number>;
}

function parseUnregistered(value: unknown, fail: Fail): ExpectedUnregistration[] {
  if (!Array.isArray(value)) fail('expect.unregistered must be an array of { connectorLabel, reason }');
  return (value as unknown[]).map((item, i) => {
    const what = `expect.unregistered[${i}]`;
    const entry = requireObject(item, what, fail);
    onlyKeys(entry, ['connectorLabel', 'reason'], what, fail);
    const connectorLabel = requireText(entry.connectorLabel, `${what}.connectorLabel`, fail);
    if (!REMOVAL_REASONS.includes(entry.reason as RemovalReason)) {
      fail(
        `${what}.reason must be one of ${REMOVAL_REASONS.join(', ')}; got ${JSON.stringify(entry.reason)}`,
      );
    }
    return { connectorLabel, reason: entry.reason as RemovalReason };
  });
}

/** Fields real events repeat must say the same as the envelope, or the sample lies about its origin. */
function checkAgreement(entry: SampleEntry, account: string, region: string, fail: Fail): void {
  const detail = entry.Detail;
  if (entry.DetailType === CLOUDTRAIL) {
    if (detail.recipientAccountId !== account) {
      fail(
        `entry.Detail.recipientAccountId (${String(detail.recipientAccountId)}) must equal account (${account})`,
      );
    }
    if (detail.awsRegion !== region) {
      fail(`entry.Detail.awsRegion (${String(detail.awsRegion)}) must equal region (${region})`);
    }
    const service = /^([a-z0-9-]+)\.amazonaws\.com$/.exec(String(detail.eventSource))?.[1];
    if (service !== undefined && entry.Source !== `aws.${service}`) {
      fail(`entry.Source must be aws.${service} for a CloudTrail event from ${String(detail.eventSource)}`);
    }
  }
  const stackId = detail['stack-id'];
  if (entry.Source === 'aws.cloudformation' && typeof stackId === 'string') {
    if (!stackId.startsWith(`arn:aws:cloudformation:${region}:${account}:stack/`)) {
      fail(`entry.Detail.stack-id (${stackId}) must be a stack of account ${account} in ${region}`);
    }
    if (!entry.Resources?.includes(stackId))
      fail('entry.Resources must list the stack-id, as CloudFormation events do');
  }
}
