import { beforeAll, describe, expect, it } from 'vitest';
import { ALERT_PREFIX } from '../../functions/alert-gate/key.js';
import { FAILURE_DETAIL_TYPES } from '../../functions/shared/event-types.js';
import { packageHub } from './package-hub.js';
import { sdkActionsOfHandler } from './sdk-actions.js';
import { actionsOf, getAttArn, resource, roleStatements, ruleFiles, type Template } from './template.js';

// The alert gate in the hub (resources/alerts.yml, serverless.yml alertGate): the alert rule invokes
// it with each failure event; it writes its window items and publishes to the alert topic, nothing else.

let hub: Template;

beforeAll(async () => {
  hub = (await packageHub()).template;
}, 300_000);

const getAtt = getAttArn;
const statementsOf = roleStatements;
const gateRole = () => resource(hub, 'AlertGateRole', 'AWS::IAM::Role');

describe('the alert gate (hub template)', () => {
  it('runs functions/alert-gate with a role of its own, the table, the topic and the window', () => {
    const fn = resource(hub, 'AlertGateLambdaFunction', 'AWS::Lambda::Function');
    const table = resource(hub, 'IdempotencyTable', 'AWS::DynamoDB::Table');

    expect(fn.Properties.Handler).toBe('functions/alert-gate/handler.handler');
    expect(fn.Properties.Role).toEqual(getAtt('AlertGateRole'));
    expect(fn.Properties.Environment.Variables).toMatchObject({
      ALERT_TABLE_NAME: table.Properties.TableName,
      ALERT_TOPIC_ARN: { Ref: 'AlertTopic' },
      // The hub parameter alertWindowMinutes, an hour unless set.
      ALERT_WINDOW_MINUTES: '60',
    });
  });

  it("is invoked by the alert rule with the hub's failure events, and by nothing else", () => {
    const rule = resource(hub, 'AlertWorkflowFailedRule', 'AWS::Events::Rule').Properties;
    const permission = resource(hub, 'AlertGatePermission', 'AWS::Lambda::Permission').Properties;

    expect(
      ruleFiles().find((file) => file.name === 'alert-workflow-failed')?.eventPattern['detail-type'],
    ).toEqual([...FAILURE_DETAIL_TYPES]);
    expect(rule.Targets).toEqual([
      expect.objectContaining({ Id: 'AlertGate', Arn: getAtt('AlertGateLambdaFunction') }),
    ]);
    // The rule keeps its retries and dead-letter queue.
    expect(rule.Targets[0].DeadLetterConfig).toEqual({ Arn: getAtt('DeploySignalDeadLetterQueue') });
    expect(permission).toEqual({
      FunctionName: getAtt('AlertGateLambdaFunction'),
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
      SourceArn: getAtt('AlertWorkflowFailedRule'),
    });
  });

  it('holds exactly the SNS and DynamoDB actions its own code sends', () => {
    const granted = statementsOf(gateRole())
      .flatMap(actionsOf)
      .filter((action) => /^(sns|dynamodb):/.test(action));
    // lib-dynamodb's UpdateCommand, which sdk-actions does not read: window.ts sends only it.
    const documentClient = ['dynamodb:UpdateItem'];

    expect(granted.sort()).toEqual(
      [...sdkActionsOfHandler('alert-gate', ['sns', 'dynamodb']), ...documentClient].sort(),
    );
  });

  it('may update alert window items of the table, and publish to the alert topic only', () => {
    const dynamo = statementsOf(gateRole()).filter((statement) =>
      actionsOf(statement).some((action) => action.startsWith('dynamodb:')),
    );
    const publish = statementsOf(gateRole()).filter((statement) =>
      actionsOf(statement).includes('sns:Publish'),
    );

    expect(dynamo).toHaveLength(1);
    expect(dynamo[0]?.Resource).toEqual(getAtt('IdempotencyTable'));
    expect(dynamo[0]?.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${ALERT_PREFIX}*`] },
    });
    expect(publish).toHaveLength(1);
    expect(publish[0]?.Resource).toEqual({ Ref: 'AlertTopic' });
  });

  it('neither assumes roles nor calls AppFlow, Lambda, Step Functions or EventBridge', () => {
    const actions = statementsOf(gateRole()).flatMap(actionsOf);

    expect(actions.filter((action) => /^(sts|appflow|lambda|states|events):/.test(action))).toEqual([]);
  });
});
