import { describe, expect, it } from 'vitest';
import {
  CLOUDFORMATION_DELETE_COMPLETE,
  CLOUDTRAIL_DELETE_FUNCTION,
  CLOUDTRAIL_EVENT_PREFIXES,
  DetailType,
  REGISTRAR_SOURCE,
  Tags,
} from '../../functions/shared/event-types.js';
import { FAKE_SUBSTITUTIONS, loadAsl, loadUnregisterAsl, PUBLISH_STATES, stateOf } from '../support/asl.js';
import { fixtures } from '../support/fixtures.js';
import { renderInputTemplate } from '../support/input-template.js';
import { loadRules, type RuleFile } from '../support/rules.js';
import { UNREGISTER_PUBLISH_STATES } from '../support/run-unregister-workflow.js';

const asl = loadAsl();
const unregisterAsl = loadUnregisterAsl();
const rules = loadRules();

interface PublishedEntryTemplate {
  EventBusName: string;
  Source: string;
  DetailType: string;
}

function entriesOf(state: string, definition = asl): PublishedEntryTemplate[] {
  return (stateOf(definition, state).Parameters?.Entries ?? []) as PublishedEntryTemplate[];
}

function rulesNamed(prefix: string): RuleFile[] {
  return rules.filter((rule) => rule.file.startsWith(prefix));
}

/** The eventName matchers of a CloudTrail rule's pattern: prefixes, and exact names. */
function eventNames(rule: RuleFile): { prefixes: string[]; exact: string[] } {
  const eventName = (rule.eventPattern.detail?.eventName ?? []) as (string | { prefix?: string })[];
  return {
    prefixes: eventName.flatMap((matcher) =>
      typeof matcher === 'object' && matcher.prefix ? [matcher.prefix] : [],
    ),
    exact: eventName.filter((matcher): matcher is string => typeof matcher === 'string'),
  };
}

/** The tag keys a CloudTrail rule's pattern names: in requestParameters.tags, or in UntagResource's tagKeys. */
function tagKeys(rule: RuleFile): string[] {
  const requestParameters = rule.eventPattern.detail?.requestParameters as
    | { tags?: object; tagKeys?: string[] }
    | undefined;
  return [...Object.keys(requestParameters?.tags ?? {}), ...(requestParameters?.tagKeys ?? [])];
}

function triggerOf(rule: RuleFile): { kind: string; name: string } {
  const input = renderInputTemplate(rule.inputTransformer?.InputTemplate ?? '{}', fixtures.ruleInputValues());
  return (input as { trigger: { kind: string; name: string } }).trigger;
}

describe('event types shared by the code, the ASL and the rules', () => {
  it('sorts every rule file into a kind this test checks', () => {
    const kinds = ['alert-', 'pipeline-', 'cloudtrail-', 'cloudformation-'];
    expect(
      rules.filter((rule) => !kinds.some((kind) => rule.file.startsWith(kind))).map((rule) => rule.file),
    ).toEqual([]);
    for (const kind of kinds) expect(rulesNamed(kind).length, kind).toBeGreaterThan(0);
  });

  it('uses only detail-types that event-types.ts names', () => {
    const known: string[] = Object.values(DetailType);
    const used = rules.flatMap((rule) => (rule.eventPattern['detail-type'] ?? []) as string[]);
    expect(used.filter((detailType) => !known.includes(detailType))).toEqual([]);
  });

  describe('the putEvents states', () => {
    it.each(PUBLISH_STATES)('%s publishes with REGISTRAR_SOURCE on the substituted bus', (state) => {
      const entries = entriesOf(state);
      expect(entries.length).toBeGreaterThan(0);
      for (const entry of entries) {
        expect(entry.Source).toBe(REGISTRAR_SOURCE);
        expect(entry.EventBusName).toBe(FAKE_SUBSTITUTIONS.EventBusName);
      }
    });

    it('PublishConnectorRegistered publishes DetailType.ConnectorRegistered', () => {
      expect(entriesOf('PublishConnectorRegistered').map((entry) => entry.DetailType)).toEqual([
        DetailType.ConnectorRegistered,
      ]);
    });

    it('PublishRegistrationFailed publishes DetailType.ConnectorRegistrationFailed', () => {
      expect(entriesOf('PublishRegistrationFailed').map((entry) => entry.DetailType)).toEqual([
        DetailType.ConnectorRegistrationFailed,
      ]);
    });
  });

  describe('the putEvents states of the unregistration workflow', () => {
    it.each(UNREGISTER_PUBLISH_STATES)(
      '%s publishes with REGISTRAR_SOURCE on the substituted bus',
      (state) => {
        const entries = entriesOf(state, unregisterAsl);
        expect(entries.length).toBeGreaterThan(0);
        for (const entry of entries) {
          expect(entry.Source).toBe(REGISTRAR_SOURCE);
          expect(entry.EventBusName).toBe(FAKE_SUBSTITUTIONS.EventBusName);
        }
      },
    );

    it('PublishConnectorUnregistered publishes DetailType.ConnectorUnregistered', () => {
      expect(
        entriesOf('PublishConnectorUnregistered', unregisterAsl).map((entry) => entry.DetailType),
      ).toEqual([DetailType.ConnectorUnregistered]);
    });

    it.each(['PublishUnregistrationFailed', 'PublishVerificationFailed'])(
      '%s publishes DetailType.ConnectorUnregistrationFailed',
      (state) => {
        expect(entriesOf(state, unregisterAsl).map((entry) => entry.DetailType)).toEqual([
          DetailType.ConnectorUnregistrationFailed,
        ]);
      },
    );
  });

  describe('the alert rule', () => {
    it.each(rulesNamed('alert-').map((rule) => [rule.file, rule] as const))(
      '%s matches what every failure state of the three workflows sends',
      (_, rule) => {
        expect(rule.eventPattern.source).toEqual([REGISTRAR_SOURCE]);
        expect(rule.eventPattern['detail-type']).toEqual([
          DetailType.ConnectorRegistrationFailed,
          DetailType.ConnectorUnregistrationFailed,
          DetailType.ConnectorSweepFailed,
        ]);
      },
    );
  });

  describe('the pipeline rule', () => {
    it.each(rulesNamed('pipeline-').map((rule) => [rule.file, rule] as const))(
      '%s matches DetailType.ConnectorLambdaDeployed and names its trigger with it',
      (_, rule) => {
        expect(rule.eventPattern['detail-type']).toEqual([DetailType.ConnectorLambdaDeployed]);
        expect(triggerOf(rule)).toMatchObject({ kind: 'pipeline', name: DetailType.ConnectorLambdaDeployed });
      },
    );
  });

  describe('the CloudTrail rules', () => {
    const cloudTrail = rulesNamed('cloudtrail-').map((rule) => [rule.file, rule] as const);

    it.each(cloudTrail)('%s matches DetailType.CloudTrailApiCall from Lambda', (_, rule) => {
      expect(rule.eventPattern.source).toEqual(['aws.lambda']);
      expect(rule.eventPattern['detail-type']).toEqual([DetailType.CloudTrailApiCall]);
      expect(triggerOf(rule).kind).toBe('cloudtrail');
    });

    it('together match exactly the CLOUDTRAIL_EVENT_PREFIXES, and DeleteFunction by its exact names', () => {
      const prefixes = cloudTrail.flatMap(([, rule]) => eventNames(rule).prefixes);
      const exact = cloudTrail.flatMap(([, rule]) => eventNames(rule).exact);
      expect(prefixes.sort()).toEqual([...CLOUDTRAIL_EVENT_PREFIXES].sort());
      expect(exact.sort()).toEqual([...CLOUDTRAIL_DELETE_FUNCTION].sort());
    });

    it('require the opt-in tag by its Tags.connectorLabel key wherever they filter on tags', () => {
      const filtering = cloudTrail.filter(([, rule]) => tagKeys(rule).length > 0);
      expect(filtering.length).toBeGreaterThan(0);
      for (const [file, rule] of filtering) expect(tagKeys(rule), file).toEqual([Tags.connectorLabel]);
    });
  });

  describe('the CloudFormation rules', () => {
    it('match a function created or updated (registration) and one deleted (unregistration)', () => {
      const statuses = rulesNamed('cloudformation-').map((rule) => ({
        workflows: rule.workflows,
        statuses: (rule.eventPattern.detail?.['status-details'] as { status: string[] } | undefined)?.status,
      }));
      expect(statuses).toHaveLength(2);
      expect(statuses).toEqual(
        expect.arrayContaining([
          { workflows: ['register-connector'], statuses: ['CREATE_COMPLETE', 'UPDATE_COMPLETE'] },
          { workflows: ['unregister-connector'], statuses: [CLOUDFORMATION_DELETE_COMPLETE] },
        ]),
      );
    });
  });

  describe('each CloudFormation rule', () => {
    it.each(rulesNamed('cloudformation-').map((rule) => [rule.file, rule] as const))(
      '%s matches DetailType.CloudFormationResourceStatusChange',
      (_, rule) => {
        expect(rule.eventPattern.source).toEqual(['aws.cloudformation']);
        expect(rule.eventPattern['detail-type']).toEqual([DetailType.CloudFormationResourceStatusChange]);
        expect(triggerOf(rule).kind).toBe('cloudformation');
      },
    );
  });
});
