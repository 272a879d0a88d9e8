import { beforeAll, describe, expect, it } from 'vitest';
import { packageHub } from './package-hub.js';
import {
  actionsOf,
  getAttArn,
  policyStatements,
  resource,
  resourcesOfType,
  roleStatements,
  type Template,
} from './template.js';

// EventBridge dead-letters only what it cannot deliver: once Lambda accepted an event, a function
// error is retried by Lambda and then dropped, unless the function has an on-failure destination.
// Every function a rule invokes sends such events to the rules' dead-letter queue, whose alarm pages.

let hub: Template;

beforeAll(async () => {
  hub = (await packageHub()).template;
}, 300_000);

const QUEUE = getAttArn('DeploySignalDeadLetterQueue');

/** Logical IDs of the functions the template's rules invoke (asynchronously, as EventBridge does). */
function ruleInvokedFunctions(): string[] {
  return resourcesOfType(hub, 'AWS::Events::Rule')
    .flatMap(([, rule]) => rule.Properties.Targets as { Arn: unknown }[])
    .map((target) => (target.Arn as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt']?.[0])
    .filter((id): id is string => id !== undefined && hub.Resources[id]?.Type === 'AWS::Lambda::Function')
    .sort();
}

describe('on-failure destinations of the functions rules invoke (hub template)', () => {
  it('are the alert gate and the outcome recorder', () => {
    expect(ruleInvokedFunctions()).toEqual(['AlertGateLambdaFunction', 'RecordOutcomeLambdaFunction']);
  });

  it("send what failed after Lambda's two retries within six hours to the dead-letter queue", () => {
    const configs = resourcesOfType(hub, 'AWS::Lambda::EventInvokeConfig').map(([, config]) => config);

    for (const fn of ruleInvokedFunctions()) {
      const config = configs.find((candidate) => candidate.Properties.FunctionName?.Ref === fn);
      expect(config?.Properties, fn).toEqual({
        FunctionName: { Ref: fn },
        Qualifier: '$LATEST',
        DestinationConfig: { OnFailure: { Destination: QUEUE } },
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 21_600,
      });
    }
  });

  it("let each function's role send to exactly that queue, and no other role send anywhere", () => {
    const roleOf = (fn: string) =>
      resource(
        hub,
        resource(hub, fn, 'AWS::Lambda::Function').Properties.Role['Fn::GetAtt'][0],
        'AWS::IAM::Role',
      );

    for (const fn of ruleInvokedFunctions()) {
      const sends = roleStatements(roleOf(fn)).filter((statement) =>
        actionsOf(statement).some((action) => action.startsWith('sqs:')),
      );
      expect(sends, fn).toEqual([
        expect.objectContaining({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: QUEUE }),
      ]);
      expect(sends[0]?.Condition).toBeUndefined();
    }
    const granting = policyStatements(hub)
      .filter(({ statement }) => statement.Principal === undefined)
      .filter(({ statement }) => actionsOf(statement).some((action) => action.startsWith('sqs:')))
      .map(({ where }) => where.split('.')[1]);
    expect([...new Set(granting)].sort()).toEqual(['AlertGateRole', 'RecordOutcomeRole']);
  });
});
