import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HubDeployment, LandingZone } from '../../../local/deploy/landing-zone.js';
import type { LoadedWorld } from '../../../local/world/load.js';
import { defaultLandingZone, HUB, ROOT } from '../support/hub.js';

interface RuleFile {
  name: string;
  workflows?: string[];
  eventPattern: Record<string, unknown>;
  inputTransformer?: { InputPathsMap: Record<string, string>; InputTemplate: string };
}

const ruleFiles: RuleFile[] = readdirSync(`${ROOT}events/rules`)
  .filter((file) => file.endsWith('.json'))
  .map((file) => JSON.parse(readFileSync(`${ROOT}events/rules/${file}`, 'utf8')) as RuleFile);

describe('the packaged hub, deployed', () => {
  let world: LoadedWorld;
  let zone: LandingZone;
  let hub: HubDeployment;
  const SERVICE = 'appflow-connector-registrar';

  beforeAll(async () => {
    ({ world, zone } = await defaultLandingZone());
    hub = zone.hubs[0] as HubDeployment;
  });

  it('is one stack per hub Region, named as serverless deploy names it', () => {
    expect(zone.hubs.map((deployed) => [deployed.region, deployed.stack.stackName])).toEqual(
      world.hub.regions.map((region) => [region, `${SERVICE}-dev`]),
    );
    expect(hub.functions.map((fn) => fn.name).sort()).toEqual([
      `${SERVICE}-dev-alertGate`,
      `${SERVICE}-dev-classifyAccount`,
      `${SERVICE}-dev-recordOutcome`,
      `${SERVICE}-dev-registerConnector`,
      `${SERVICE}-dev-unregisterConnector`,
      `${SERVICE}-dev-verifyFunction`,
      `${SERVICE}-dev-verifyRemoval`,
    ]);
    for (const fn of hub.functions)
      expect(fn.arn).toBe(`arn:aws:lambda:eu-west-1:${HUB}:function:${fn.name}`);
  });

  it('runs each function from the bundle in its zip of the package', () => {
    const verify = hub.functions.find((fn) => fn.logicalId === 'VerifyFunctionLambdaFunction');
    expect(verify?.modulePath).toMatch(
      /\.build\/hub\/[0-9a-f]{16}\/code\/verifyFunction\.zip\/functions\/verify-function\/handler\.mjs$/,
    );
    expect(verify?.exportName).toBe('handler');
    expect(verify?.runtime).toBe('nodejs22.x');
  });

  it('resolves every environment variable to text, with this account and the stack’s names', () => {
    for (const fn of hub.functions) {
      expect(fn.environment.HUB_ACCOUNT_ID).toBe(HUB);
      expect(fn.environment.PARTITION).toBe('aws');
      expect(fn.environment.POWERTOOLS_SERVICE_NAME).toBe(SERVICE);
      for (const value of Object.values(fn.environment)) expect(value).not.toMatch(/\$\{|\[object/);
    }
    const register = hub.functions.find((fn) => fn.logicalId === 'RegisterConnectorLambdaFunction');
    expect(register?.environment.IDEMPOTENCY_TABLE_NAME).toBe(hub.table.name);
  });

  it('substitutes the function ARNs and the bus name into the ASL file', () => {
    const asl = JSON.parse(readFileSync(`${ROOT}statemachine/register-connector.asl.json`, 'utf8'));
    const states = hub.stateMachine.definition.States as Record<string, { Resource?: string }>;
    const arnOf = (logicalId: string) => hub.functions.find((fn) => fn.logicalId === logicalId)?.arn;
    expect(hub.stateMachine.definitionString).not.toMatch(/\$\{/);
    expect(states.VerifyFunction?.Resource).toBe(arnOf('VerifyFunctionLambdaFunction'));
    expect(states.RegisterConnector?.Resource).toBe(arnOf('RegisterConnectorLambdaFunction'));
    const buses = Object.values(states).flatMap(
      (state) =>
        (state as { Parameters?: { Entries?: { EventBusName?: string }[] } }).Parameters?.Entries ?? [],
    );
    expect(buses.length).toBeGreaterThan(0);
    for (const entry of buses) expect(entry.EventBusName).toBe(hub.eventBus.name);
    expect(Object.keys(asl.States)).toEqual(Object.keys(states));
  });

  it('gives each hub Region its own roles, so one Region’s policies never apply to another’s resources', () => {
    const roleArns = zone.hubs.map((deployed) => deployed.stack.roles.map((role) => role.arn).sort());
    // A role per function (the outcome recorder's and the alert gate's too), per state machine and per
    // workflow the rules start (the sweep's rules included).
    expect(roleArns[0]).toHaveLength(13);
    expect(new Set(roleArns.flat()).size).toBe(roleArns.flat().length);
  });

  it('opens the hub bus to the organization of the world', () => {
    expect(hub.eventBus.arn).toBe(`arn:aws:events:eu-west-1:${HUB}:event-bus/${hub.eventBus.name}`);
    expect(hub.eventBus.policy).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Principal: '*',
        Condition: expect.objectContaining({
          StringEquals: expect.objectContaining({ 'aws:PrincipalOrgID': world.organizationId }),
        }),
      }),
    ]);
  });

  it('reads the idempotency table with its key schema and TTL attribute', () => {
    expect(hub.table.keySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    expect(hub.table.timeToLiveAttribute).toBe('expiration');
  });

  it('deploys each signal rule file on the hub bus and on the default bus, starting its workflows under the rules’ roles', () => {
    const machines: Record<string, string | undefined> = {
      'register-connector': hub.stateMachine.arn,
      'unregister-connector': hub.unregisterStateMachine?.arn,
    };
    for (const file of ruleFiles.filter((rule) => rule.inputTransformer !== undefined)) {
      const deployed = hub.stack.rules.filter(
        (rule) => JSON.stringify(rule.eventPattern) === JSON.stringify(file.eventPattern),
      );
      expect(deployed.map((rule) => rule.eventBusName).sort(), file.name).toEqual(
        ['default', hub.eventBus.name].sort(),
      );
      for (const rule of deployed) {
        expect(rule.targets).toEqual(
          (file.workflows ?? []).map((workflow) =>
            expect.objectContaining({
              kind: 'states',
              arn: machines[workflow],
              inputTransformer: file.inputTransformer,
              roleArn: expect.stringMatching(/^arn:aws:iam::111111111111:role\//),
            }),
          ),
        );
      }
    }
  });

  it('hands ConnectorRegistrationFailed and ConnectorUnregistrationFailed on the hub bus to the alert gate, which publishes to the alert topic', () => {
    const alert = ruleFiles.find((rule) => rule.inputTransformer === undefined);
    // Narrowed to the hub's own account on deploy: members must not forge alerts.
    const deployed = hub.stack.rules.filter(
      (rule) =>
        JSON.stringify(rule.eventPattern) ===
        JSON.stringify({ ...alert?.eventPattern, account: [hub.accountId] }),
    );
    expect(deployed).toHaveLength(1);
    expect(deployed[0]?.eventBusName).toBe(hub.eventBus.name);
    const gate = hub.functions.find((fn) => fn.logicalId === 'AlertGateLambdaFunction');
    expect(deployed[0]?.targets.map(({ kind, arn }) => ({ kind, arn }))).toEqual([
      { kind: 'lambda', arn: gate?.arn },
    ]);
    expect(hub.stack.topics.map((topic) => topic.arn)).toContain(gate?.environment.ALERT_TOPIC_ARN);
  });

  it('answers the outputs the README tells users to pass to the spoke', () => {
    expect(hub.stack.outputs.HubEventBusArn?.value).toBe(hub.eventBus.arn);
    const roleOf = (name: string) => hub.functions.find((fn) => fn.name.endsWith(`-${name}`))?.roleArn;
    // Every function's role but the outcome recorder's and the alert gate's, which never act in a member account.
    expect(hub.stack.outputs.HubFunctionRoleArns?.value.split(',').sort()).toEqual(
      hub.functions
        .filter((fn) => !fn.name.endsWith('-recordOutcome') && !fn.name.endsWith('-alertGate'))
        .map((fn) => fn.roleArn)
        .sort(),
    );
    expect(hub.stack.outputs.HubOutcomeRoleArns?.value).toBe(roleOf('recordOutcome'));
  });
});
