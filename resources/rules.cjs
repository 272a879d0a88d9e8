// Builds the EventBridge rules of the hub from events/rules/*.json, so each pattern and transformer
// has one source of truth (the local stack and the spoke template's test read the same files).
// Loaded by osls as `${file(resources/rules.cjs)}`: it calls the exported function and merges the
// fragment it returns into `resources`.
//
// - Every file with an inputTransformer is a signal: one rule on the hub bus (what spokes forward)
//   and one on the hub account's default bus (the hub's own deploys and deletions), each starting
//   the workflows its `workflows` names (statemachine/<name>.asl.json) with the same input.
// - alert-workflow-failed.json hands ConnectorRegistrationFailed and ConnectorUnregistrationFailed
//   to the alert gate (functions/alert-gate), which publishes to the alert topic at most once per
//   account, function, error and window (resources/alerts.yml).
// - Every rule retries, then dead-letters to DeploySignalDeadLetterQueue (resources/alerts.yml).
const fs = require('node:fs');
const path = require('node:path');

const RULES_DIR = path.join(__dirname, '..', 'events', 'rules');
const ALERT_RULE = 'alert-workflow-failed';
// functions/shared/event-types.ts REGISTRAR_SOURCE (this file is CommonJS run by osls; test/template
// checks the two agree).
const REGISTRAR_SOURCE = 'appflow.connector-registrar';

// The state machines a signal may start, by ASL file name, and the role EventBridge assumes to start
// each (resources/iam.yml): one role per workflow, so a rule can start only the workflows it names.
const WORKFLOWS = {
  'register-connector': { stateMachine: 'RegisterConnectorStateMachine', role: 'DeploySignalRuleRole' },
  'unregister-connector': { stateMachine: 'UnregisterConnectorStateMachine', role: 'RemovalSignalRuleRole' },
};

// A deploy signal is still worth registering hours later (registration is idempotent); past two hours
// of failed deliveries something is broken, and the dead-letter alarm should say so.
const RETRY_POLICY = { MaximumRetryAttempts: 60, MaximumEventAgeInSeconds: 7200 };
const DEAD_LETTER = { Arn: { 'Fn::GetAtt': ['DeploySignalDeadLetterQueue', 'Arn'] } };

/** Reads and checks every rule file; the order is the file names' for a stable template. */
function readRuleFiles(dir = RULES_DIR) {
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const rule = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
      const expectedName = path.basename(file, '.json');
      if (rule.name !== expectedName) {
        throw new Error(`events/rules/${file}: "name" is "${rule.name}"; it must be "${expectedName}".`);
      }
      if (typeof rule.eventPattern !== 'object' || rule.eventPattern === null) {
        throw new Error(`events/rules/${file}: "eventPattern" is missing.`);
      }
      if (!rule.inputTransformer && rule.name !== ALERT_RULE) {
        throw new Error(
          `events/rules/${file} has no inputTransformer, so it is not a signal, and resources/rules.cjs does not know where to route it. Add an inputTransformer producing the workflow input, or wire the rule in resources/rules.cjs.`,
        );
      }
      if (rule.inputTransformer) {
        const { workflows } = rule;
        const known = Object.keys(WORKFLOWS);
        if (
          !Array.isArray(workflows) ||
          workflows.length === 0 ||
          workflows.some((name) => !known.includes(name))
        ) {
          throw new Error(
            `events/rules/${file}: "workflows" must list the state machines the signal starts, among ${known.join(', ')}; got ${JSON.stringify(workflows)}.`,
          );
        }
      }
      return rule;
    });
}

/** `cloudtrail-create-function` → `CloudtrailCreateFunction`. */
function pascalCase(name) {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}

function signalRule(rule, eventBusName) {
  return {
    Type: 'AWS::Events::Rule',
    Properties: {
      Description: rule.description,
      ...(eventBusName ? { EventBusName: eventBusName } : {}),
      EventPattern: rule.eventPattern,
      State: 'ENABLED',
      Targets: rule.workflows.map((name) => ({
        Id: WORKFLOWS[name].stateMachine,
        Arn: { Ref: WORKFLOWS[name].stateMachine },
        RoleArn: { 'Fn::GetAtt': [WORKFLOWS[name].role, 'Arn'] },
        InputTransformer: rule.inputTransformer,
        RetryPolicy: RETRY_POLICY,
        DeadLetterConfig: DEAD_LETTER,
      })),
    },
  };
}

function alertRule(rule) {
  return {
    Type: 'AWS::Events::Rule',
    Properties: {
      Description: rule.description,
      EventBusName: { Ref: 'HubEventBus' },
      // Only the hub's own workflow publishes these: a member account may put events with the same
      // source on the hub bus, and must not be able to page the on-call with forged alerts.
      EventPattern: { ...rule.eventPattern, account: [{ Ref: 'AWS::AccountId' }] },
      State: 'ENABLED',
      Targets: [
        // The whole event: the gate writes the alert (functions/alert-gate/message.ts) and keys its
        // window by the detail's account, function and error.
        {
          Id: 'AlertGate',
          Arn: { 'Fn::GetAtt': ['AlertGateLambdaFunction', 'Arn'] },
          RetryPolicy: RETRY_POLICY,
          DeadLetterConfig: DEAD_LETTER,
        },
      ],
    },
  };
}

/** The rules, and the dead-letter queue's policy admitting exactly those rules. */
// Rules of the hub defined in other files whose targets dead-letter to the same queue: the outcome
// recorder's (resources/outcomes.yml) and the sweep's two (resources/sweep.yml).
const RULES_ELSEWHERE = ['RecordOutcomeRule', 'SweepRequestRule', 'SweepHubScheduleRule'];

function buildRuleResources(rules) {
  const resources = {};
  for (const rule of rules) {
    const id = pascalCase(rule.name);
    if (rule.inputTransformer) {
      resources[`${id}HubBusRule`] = signalRule(rule, { Ref: 'HubEventBus' });
      resources[`${id}DefaultBusRule`] = signalRule(rule, undefined);
    } else {
      resources[`${id}Rule`] = alertRule(rule);
    }
  }
  const ruleIds = [...Object.keys(resources), ...RULES_ELSEWHERE];
  if (!ruleIds.includes('AlertWorkflowFailedRule')) {
    throw new Error(`events/rules/${ALERT_RULE}.json is missing: the alert gate would receive nothing.`);
  }
  resources.DeploySignalDeadLetterQueuePolicy = {
    Type: 'AWS::SQS::QueuePolicy',
    Properties: {
      Queues: [{ Ref: 'DeploySignalDeadLetterQueue' }],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'RulesMayDeadLetter',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Resource: { 'Fn::GetAtt': ['DeploySignalDeadLetterQueue', 'Arn'] },
            Condition: {
              ArnEquals: { 'aws:SourceArn': ruleIds.map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] })) },
            },
          },
        ],
      },
    },
  };
  return { Resources: resources };
}

// What a member account's sweep schedule puts on the hub bus (resources/sweep.yml SweepRequestRule).
const SCHEDULED_EVENT = 'Scheduled Event';

/**
 * The hub bus's policy: principals of the organization may put events on it, and only the kinds the
 * signal rules and the sweep's request rule listen for (their detail-types), never one with the
 * registrar's own source, so a member account cannot forge what the workflows publish or put
 * anything the hub has no rule for.
 */
function hubBusPolicy(rules, organizationId) {
  const detailTypes = new Set();
  for (const rule of rules.filter((candidate) => candidate.inputTransformer)) {
    const listed = rule.eventPattern['detail-type'];
    if (!Array.isArray(listed) || listed.some((value) => typeof value !== 'string')) {
      throw new Error(
        `events/rules/${rule.name}.json: a signal's pattern must list its detail-types, since the hub bus policy admits only those.`,
      );
    }
    for (const value of listed) detailTypes.add(value);
  }
  detailTypes.add(SCHEDULED_EVENT);
  return {
    Type: 'AWS::Events::EventBusPolicy',
    Properties: {
      EventBusName: { Ref: 'HubEventBus' },
      StatementId: 'AllowSignalsFromOrganization',
      Statement: {
        Effect: 'Allow',
        Principal: '*',
        Action: 'events:PutEvents',
        Resource: { 'Fn::GetAtt': ['HubEventBus', 'Arn'] },
        Condition: {
          StringEquals: {
            'aws:PrincipalOrgID': organizationId,
            'events:detail-type': [...detailTypes].sort(),
          },
          StringNotEquals: { 'events:source': REGISTRAR_SOURCE },
        },
      },
    },
  };
}

module.exports = async ({ resolveVariable }) => {
  const rules = readRuleFiles();
  const { Resources } = buildRuleResources(rules);
  return {
    Resources: {
      ...Resources,
      HubEventBusPolicy: hubBusPolicy(rules, await resolveVariable('param:organizationId')),
    },
  };
};
module.exports.readRuleFiles = readRuleFiles;
module.exports.buildRuleResources = buildRuleResources;
module.exports.hubBusPolicy = hubBusPolicy;
