import { describe, expect, it } from 'vitest';
import {
  CLOUDTRAIL_EVENT_PREFIXES,
  DetailType,
  REGISTRAR_SOURCE,
  Tags,
} from '../../functions/shared/event-types.js';
import { FAKE_SUBSTITUTIONS, loadAsl, PUBLISH_STATES, stateOf } from '../support/asl.js';
import { fixtures } from '../support/fixtures.js';
import { renderInputTemplate } from '../support/input-template.js';
import { loadRules, type RuleFile } from '../support/rules.js';

const asl = loadAsl();
const rules = loadRules();

interface PublishedEntryTemplate {
  EventBusName: string;
  Source: string;
  DetailType: string;
}

function entriesOf(state: string): PublishedEntryTemplate[] {
  return (stateOf(asl, state).Parameters?.Entries ?? []) as PublishedEntryTemplate[];
}

function rulesNamed(prefix: string): RuleFile[] {
  return rules.filter((rule) => rule.file.startsWith(prefix));
}

/** The eventName prefixes of a CloudTrail rule's pattern. */
function eventNamePrefixes(rule: RuleFile): string[] {
  const eventName = (rule.eventPattern.detail?.eventName ?? []) as { prefix?: string }[];
  return eventName.map((matcher) => matcher.prefix ?? '');
}

/** The tag keys a CloudTrail rule's pattern requires in requestParameters.tags. */
function tagKeys(rule: RuleFile): string[] {
  const requestParameters = rule.eventPattern.detail?.requestParameters as { tags?: object } | undefined;
  return Object.keys(requestParameters?.tags ?? {});
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

  describe('the alert rule', () => {
    it.each(rulesNamed('alert-').map((rule) => [rule.file, rule] as const))(
      '%s matches what PublishRegistrationFailed sends',
      (_, rule) => {
        expect(rule.eventPattern.source).toEqual([REGISTRAR_SOURCE]);
        expect(rule.eventPattern['detail-type']).toEqual([DetailType.ConnectorRegistrationFailed]);
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

    it('together match exactly the CLOUDTRAIL_EVENT_PREFIXES', () => {
      const prefixes = cloudTrail.flatMap(([, rule]) => eventNamePrefixes(rule));
      expect(prefixes.sort()).toEqual([...CLOUDTRAIL_EVENT_PREFIXES].sort());
    });

    it('require the opt-in tag by its Tags.connectorLabel key wherever they filter on tags', () => {
      const filtering = cloudTrail.filter(([, rule]) => tagKeys(rule).length > 0);
      expect(filtering.length).toBeGreaterThan(0);
      for (const [file, rule] of filtering) expect(tagKeys(rule), file).toEqual([Tags.connectorLabel]);
    });
  });

  describe('the CloudFormation rule', () => {
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
