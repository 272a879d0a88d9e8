import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  classifyLabels,
  DRIFT_CLASSES,
  type DriftClass,
} from '../../../functions/classify-account/classify.js';
import { parseFunctionArn } from '../../../functions/shared/arn.js';
import { DetailType, Tags } from '../../../functions/shared/event-types.js';
import { signalFunctionArn } from '../../../functions/shared/guards.js';
import { labelProblem } from '../../../functions/shared/limits.js';
import {
  isRegistrarPrincipal,
  type RegistrarIdentity,
} from '../../../functions/shared/registrar-principal.js';
import type { TriggerKind, WorkflowInput } from '../../../functions/shared/types.js';
import { matchesPattern, validatePattern } from '../../../local/events/pattern.js';
import { loadSample, type Sample, toEnvelope } from '../../../local/events/sample.js';
import {
  applyInputTransformer,
  type InputTransformer,
  validateInputTransformer,
} from '../../../local/events/transform.js';
import type { BusEvent } from '../../../local/types.js';
import type { WorldFile } from '../../../local/world/schema.js';
import { removalVerdict } from './removal-model.js';

interface Rule {
  name: string;
  description: string;
  workflows?: string[];
  eventPattern: Record<string, unknown>;
  inputTransformer?: InputTransformer;
}

const root = new URL('../../../', import.meta.url);
const jsonFiles = (dir: string) =>
  readdirSync(new URL(dir, root))
    .filter((file) => file.endsWith('.json'))
    .sort();
const rules: Rule[] = jsonFiles('events/rules/').map((file) =>
  JSON.parse(readFileSync(new URL(`events/rules/${file}`, root), 'utf8')),
);
const samples: { file: string; sample: Sample }[] = await Promise.all(
  jsonFiles('events/samples/').map(async (file) => ({
    file,
    sample: await loadSample(fileURLToPath(new URL(`events/samples/${file}`, root))),
  })),
);
const world: WorldFile = JSON.parse(readFileSync(new URL('local/worlds/default.json', root), 'utf8'));
/** Who the sweep counts as the registrar: the spoke role in a member account (spoke/template.yaml). */
const REGISTRAR: RegistrarIdentity = {
  hubAccountId: world.hub.accountId,
  spokeRoleName: 'AppFlowConnectorRegistrar',
  registrarRoleName: 'appflow-connector-registrar-dev-eu-west-1-register',
  partition: 'aws',
};

const DELIVERY = { id: '0f6c1a8e-5d2b-4c47-9a31-6e8b2f7d4c10', time: '2025-06-03T09:14:05Z' };
const KIND_BY_DETAIL_TYPE: Record<string, TriggerKind> = {
  [DetailType.CloudTrailApiCall]: 'cloudtrail',
  [DetailType.CloudFormationResourceStatusChange]: 'cloudformation',
  [DetailType.ConnectorLambdaDeployed]: 'pipeline',
};

const matchingRules = (envelope: BusEvent) =>
  rules.filter((rule) => matchesPattern(rule.eventPattern, envelope)).map((rule) => rule.name);

/** The workflow input each matching rule hands the state machine. */
function workflowInputs(sample: Sample): { rule: string; input: unknown }[] {
  const envelope = toEnvelope(sample, DELIVERY);
  return rules
    .filter((rule) => rule.inputTransformer && matchesPattern(rule.eventPattern, envelope))
    .map((rule) => ({
      rule: rule.name,
      input: JSON.parse(
        applyInputTransformer(rule.inputTransformer as InputTransformer, envelope, {
          ruleName: rule.name,
          ruleArn: `arn:aws:events:${sample.region}:${world.hub.accountId}:rule/${rule.name}`,
          ingestionTime: DELIVERY.time,
        }),
      ),
    }));
}

/** The trigger name the documented normalization asks for, per signal kind. */
function expectedTriggerName(sample: Sample): string {
  const detail = sample.entry.Detail;
  if (sample.entry.DetailType === DetailType.CloudTrailApiCall) return String(detail.eventName);
  if (sample.entry.DetailType === DetailType.CloudFormationResourceStatusChange) {
    return String((detail['status-details'] as Record<string, unknown>).status);
  }
  return DetailType.ConnectorLambdaDeployed;
}

describe('events/rules', () => {
  describe('definitions', () => {
    it.each(rules)('$name has a valid pattern and input transformer', (rule) => {
      expect(() => validatePattern(rule.eventPattern)).not.toThrow();
      if (rule.inputTransformer) expect(() => validateInputTransformer(rule.inputTransformer)).not.toThrow();
    });

    it.each(rules)('$name is matched by at least one sample', (rule) => {
      const matched = samples.filter(({ sample }) =>
        matchingRules(toEnvelope(sample, DELIVERY)).includes(rule.name),
      );
      expect(matched.map(({ file }) => file)).not.toEqual([]);
    });
  });

  describe('samples', () => {
    it.each(samples)('$file matches exactly the rules it expects', ({ sample }) => {
      for (const name of sample.expect.rules) expect(rules.map((rule) => rule.name)).toContain(name);
      expect(matchingRules(toEnvelope(sample, DELIVERY)).sort()).toEqual([...sample.expect.rules].sort());
    });

    it.each(samples)('$file becomes a WorkflowInput through each matching rule', ({ sample }) => {
      const envelope = toEnvelope(sample, DELIVERY);
      for (const { rule, input } of workflowInputs(sample)) {
        const { trigger, ...rest } = input as WorkflowInput;
        expect(Object.keys(input as object).sort(), rule).toEqual([
          'accountId',
          'functionArn',
          'hints',
          'region',
          'trigger',
        ]);
        expect(rest.accountId, rule).toBe(envelope.account);
        expect(rest.region, rule).toBe(envelope.region);
        // A sample expecting InvalidFunctionArnError carries a functionArn VerifyFunction must refuse.
        // (A CloudFormation signal carries the function name; VerifyFunction resolves it first.)
        const named = () => parseFunctionArn(signalFunctionArn(input as WorkflowInput, 'aws'));
        if (sample.expect.error === 'InvalidFunctionArnError') {
          expect(named, rule).toThrow();
        } else {
          expect(named, rule).not.toThrow();
        }
        expect(rest.hints, rule).toEqual(
          sample.entry.DetailType === DetailType.ConnectorLambdaDeployed ? sample.entry.Detail : null,
        );
        expect(trigger, rule).toEqual({
          kind: KIND_BY_DETAIL_TYPE[sample.entry.DetailType],
          eventId: envelope.id,
          name: expectedTriggerName(sample),
          time: envelope.time,
        });
      }
    });
  });

  describe('hostile payloads', () => {
    // EventBridge does not escape a value placed inside quotes in an InputTemplate: a quoted
    // <functionArn> would let a payload append its own "accountId" (JSON keeps the last key).
    // The rules put every caller-controlled placeholder bare, which EventBridge quotes and escapes.
    it('keep the envelope account even when functionArn carries quotes', async () => {
      const sample = await loadSample(
        fileURLToPath(
          new URL(
            '../../../events/samples/pipeline-connector-deployed.injected-account.failed.json',
            import.meta.url,
          ),
        ),
      );
      const [started] = workflowInputs(sample);
      expect((started?.input as WorkflowInput | undefined)?.accountId).toBe(sample.account);
    });
  });

  describe('samples against local/worlds/default.json', () => {
    const deploySamples = samples.filter(
      ({ sample }) => !['none', 'refused', 'swept'].includes(sample.expect.outcome),
    );
    const sweepSamples = samples.filter(({ sample }) => sample.expect.outcome === 'swept');

    it.each(sweepSamples)(
      '$file starts no workflow through events/rules (the sweep rule is the hub’s own)',
      ({ sample }) => {
        expect(workflowInputs(sample)).toEqual([]);
      },
    );

    it.each(sweepSamples)(
      '$file expects the classes and repairs the world holds in its account and Region',
      ({ sample }) => {
        const account = world.accounts.find((a) => a.accountId === sample.account);
        const here = <T extends { region: string }>(list: T[] = []) =>
          list.filter((item) => item.region === sample.region);
        const arnOf = (name: string) => `arn:aws:lambda:${sample.region}:${sample.account}:function:${name}`;
        const tagged = here(account?.functions).flatMap((fn) => {
          const connectorLabel = fn.tags?.[Tags.connectorLabel];
          const description = fn.tags?.[Tags.connectorDescription] ?? null;
          return connectorLabel ? [{ lambdaArn: arnOf(fn.name), connectorLabel, description }] : [];
        });
        const registrations = here(account?.connectors).map((connector) => ({
          connectorLabel: connector.label,
          byRegistrar: isRegistrarPrincipal(connector.registeredBy, sample.account, REGISTRAR),
          lambdaArn: arnOf(connector.functionName),
          description: connector.description,
        }));
        const verdicts = classifyLabels(tagged, registrations);
        const count = (...classes: DriftClass[]) =>
          verdicts.filter((verdict) => classes.includes(verdict.driftClass)).length;

        expect(sample.expect.classes).toEqual(
          Object.fromEntries(DRIFT_CLASSES.map((driftClass) => [driftClass, count(driftClass)])),
        );
        expect(sample.expect.repairs).toEqual({
          register: count('missing', 'stale'),
          unregister: count('orphaned'),
        });
        expect(sample.expect.unregistered).toEqual(
          verdicts
            .filter((verdict) => verdict.driftClass === 'orphaned')
            .map(({ connectorLabel }) => ({ connectorLabel, reason: 'orphaned' })),
        );
        // Each class is seeded, so the sample shows every one the sweep knows.
        for (const driftClass of DRIFT_CLASSES) expect(count(driftClass), driftClass).toBeGreaterThan(0);
      },
    );

    it('no other sample acts in a swept account and Region (a sweep repairs everything drifted there)', () => {
      const swept = new Set(sweepSamples.map(({ sample }) => `${sample.account}/${sample.region}`));
      const others = samples.filter(
        ({ sample }) => sample.expect.outcome !== 'swept' && swept.has(`${sample.account}/${sample.region}`),
      );
      expect(others.map(({ file }) => file)).toEqual([]);
    });

    it.each(deploySamples)('$file starts exactly one workflow', ({ sample }) => {
      expect(workflowInputs(sample)).toHaveLength(1);
    });

    it.each(deploySamples)('$file expects the outcome the world produces', ({ sample }) => {
      const [started] = workflowInputs(sample);
      if (started === undefined) throw new Error('no deploy rule matches this sample');
      const named = () => parseFunctionArn(signalFunctionArn(started.input as WorkflowInput, 'aws'));
      if (sample.expect.error === 'InvalidFunctionArnError') {
        expect(named).toThrow();
        return;
      }
      const arn = named();
      const account = world.accounts.find((a) => a.accountId === arn.accountId);
      const fn = account?.functions.find((f) => f.name === arn.functionName && f.region === arn.region);
      const label = fn?.tags?.[Tags.connectorLabel];
      const registration = account?.connectors?.find((c) => c.label === label && c.region === arn.region);
      const { outcome, error, connectorLabel } = sample.expect;

      // A removal signal (one that starts only the unregistration workflow): refused before any
      // call, or what VerifyRemoval and UnregisterConnector make of the world's registrations.
      const workflows = rules.find((rule) => rule.name === started.rule)?.workflows ?? [];
      const verdict = () =>
        removalVerdict(
          world,
          arn,
          started.rule !== 'cloudtrail-untag-resource' && started.rule !== 'cloudtrail-tag-resource',
        );
      if (!workflows.includes('register-connector')) {
        if (error === 'AccountMismatchError') {
          expect(arn.accountId).not.toBe(sample.account);
          return;
        }
        expect({ outcome, error, unregistered: sample.expect.unregistered ?? [] }).toEqual(verdict());
        return;
      }
      // A tag signal starts the unregistration workflow too: what it unregisters is the world's.
      expect(sample.expect.unregistered ?? []).toEqual(
        workflows.includes('unregister-connector') ? verdict().unregistered : [],
      );

      if (error === 'FunctionNotFoundError') {
        expect(fn).toBeUndefined();
        return;
      }
      if (error === 'AccountMismatchError') {
        expect(arn.accountId).not.toBe(sample.account);
        return;
      }
      expect(arn.accountId, 'the function belongs to the account that put the event').toBe(sample.account);
      expect(arn.region).toBe(sample.region);
      expect(fn, `${arn.functionName} is deployed in the world`).toBeDefined();
      if (connectorLabel !== undefined) expect(label).toBe(connectorLabel);
      if (outcome === 'skipped') {
        expect(label).toBeUndefined();
        return;
      }
      expect(label).toBeDefined();
      const healthy =
        fn?.handler.endsWith('/healthy.ts#handler') && fn.policy !== 'none' && !labelProblem(label ?? '');
      switch (error ?? outcome) {
        case 'registered':
          expect(healthy).toBe(true);
          expect(registration).toBeUndefined();
          break;
        case 'updated':
          expect(healthy).toBe(true);
          expect(registration?.functionName).toBe(fn?.name);
          break;
        case 'LabelOwnedByAnotherFunctionError':
          expect(registration?.functionName).toBeDefined();
          expect(registration?.functionName).not.toBe(fn?.name);
          break;
        case 'MissingAppFlowPermissionError':
          expect(fn?.policy).toBe('none');
          break;
        case 'InvalidConnectorMetadataError':
          expect(labelProblem(label ?? '')).toBeDefined();
          break;
        case 'ConnectorProtocolError':
          expect(fn?.handler).toMatch(/\/(failing|slow)\.ts#handler$/);
          break;
        default:
          throw new Error(`no world check for ${error ?? outcome}: add one`);
      }
    });

    it.each(samples.filter(({ sample }) => sample.expect.outcome === 'refused'))(
      '$file comes from an account outside the organization',
      ({ sample }) => {
        expect(world.accounts.find((a) => a.accountId === sample.account)?.inOrganization).toBe(false);
      },
    );

    it.each(samples.filter(({ sample }) => sample.expect.outcome !== 'refused'))(
      '$file comes from an account of the organization, in a Region the hub serves',
      ({ sample }) => {
        const account = world.accounts.find((a) => a.accountId === sample.account);
        expect(account).toBeDefined();
        expect(account?.inOrganization).not.toBe(false);
        expect(world.hub.regions).toContain(sample.region);
      },
    );

    it.each(samples.filter(({ sample }) => sample.expect.outcome === 'none'))(
      '$file starts no workflow',
      ({ sample }) => {
        expect(workflowInputs(sample)).toEqual([]);
      },
    );
  });
});
