import {
  ConnectorServerException,
  InternalServerException,
  ListConnectorsCommand,
  RegisterConnectorCommand,
  ThrottlingException,
} from '@aws-sdk/client-appflow';
import { describe, expect, it } from 'vitest';
import {
  answers,
  CONFIGURATION,
  deployed,
  HUB,
  REGION,
  registration,
  rejectionOf,
  SPOKE,
  useAppFlow,
} from './harness.js';

const h = useAppFlow();

/** A registration of the healthy function, with a clientToken when given one. */
function input(label: string, clientToken?: string) {
  return registration(label, 'healthy', clientToken ? { clientToken } : {});
}

/** Credentials of a function environment, as the runtime issues them. */
function environmentClient(environmentId: string) {
  const issued = h.identity.issue({
    accountId: HUB,
    principalArn: `arn:aws:sts::${HUB}:assumed-role/register/register`,
    environmentId,
  });
  return h.client({ accessKeyId: issued.accessKeyId, sessionToken: issued.sessionToken });
}

describe('AppFlow under faults', () => {
  describe('throttling', () => {
    it('answers ThrottlingException 429 "Rate exceeded" past the burst of an account and Region', async () => {
      h.rebuild({}, { seed: 1, appflowRate: { perSecond: 1, burst: 2 } });

      await h.client().send(new ListConnectorsCommand({}));
      await h.client().send(new ListConnectorsCommand({}));
      const error = await rejectionOf(h.client().send(new ListConnectorsCommand({})));

      expect(error).toBeInstanceOf(ThrottlingException);
      expect(error.message).toBe('Rate exceeded');
      expect(error.$metadata?.httpStatusCode).toBe(429);
      await expect(
        h.client({ accessKeyId: SPOKE }).send(new ListConnectorsCommand({})),
      ).resolves.toBeDefined();
      await expect(
        h.client({ region: 'us-east-1' }).send(new ListConnectorsCommand({})),
      ).resolves.toBeDefined();
    });

    it('refills the bucket as time passes', async () => {
      h.rebuild({}, { seed: 1, appflowRate: { perSecond: 1, burst: 1 } });
      await h.client().send(new ListConnectorsCommand({}));
      expect(await rejectionOf(h.client().send(new ListConnectorsCommand({})))).toBeInstanceOf(
        ThrottlingException,
      );

      h.clock.now += 1000;

      await expect(h.client().send(new ListConnectorsCommand({}))).resolves.toBeDefined();
    });
  });

  describe('injected exceptions', () => {
    it('raises the drawn exception class and applies nothing', async () => {
      h.rebuild({}, { seed: 1, appflowErrors: { InternalServerException: 1 } });
      h.deploy(deployed('healthy'), answers.json(CONFIGURATION));

      const error = await rejectionOf(h.client().send(new RegisterConnectorCommand(input('label'))));

      expect(error).toBeInstanceOf(InternalServerException);
      expect(error.$fault).toBe('server');
      expect(h.appflow.connectors()).toEqual([]);
      expect(h.runtime.invocations).toHaveLength(0);
      expect(h.faults.counters).toMatchObject({
        calls: 1,
        injectedErrors: 1,
        injected: { InternalServerException: 1 },
      });
    });

    it('can be changed at run time', async () => {
      h.faults.update({ appflowErrors: { ConnectorServerException: 1 } });
      expect(await rejectionOf(h.client().send(new ListConnectorsCommand({})))).toBeInstanceOf(
        ConnectorServerException,
      );

      h.faults.update({ appflowErrors: {} });

      await expect(h.client().send(new ListConnectorsCommand({}))).resolves.toBeDefined();
    });
  });

  describe('the crash after RegisterConnector', () => {
    it("crashes the caller's environment after the registration was applied", async () => {
      h.rebuild({}, { seed: 1, crashAfterRegister: 1 });
      h.deploy(deployed('healthy'), answers.json(CONFIGURATION));

      await environmentClient('env-9').send(new RegisterConnectorCommand(input('label')));

      expect(h.runtime.crashed).toEqual(['env-9']);
      expect(h.appflow.connectors().map((c) => c.label)).toEqual(['label']);
      expect(h.faults.counters.crashes).toBe(1);
    });

    it('does not crash a caller without an environment, nor on a replayed token', async () => {
      h.rebuild({}, { seed: 1, crashAfterRegister: 1 });
      h.deploy(deployed('healthy'), answers.json(CONFIGURATION));
      await h.client().send(new RegisterConnectorCommand(input('label', 'token-1')));

      await environmentClient('env-9').send(new RegisterConnectorCommand(input('label', 'token-1')));

      expect(h.runtime.crashed).toEqual([]);
      expect(h.faults.counters.crashes).toBe(0);
    });
  });

  describe('counters', () => {
    it('counts calls, successes and errors per operation and per account and Region', async () => {
      h.deploy(deployed('healthy'), answers.json(CONFIGURATION));
      await h.client().send(new RegisterConnectorCommand(input('label')));
      await rejectionOf(h.client().send(new RegisterConnectorCommand(input('label'))));
      await h.client({ accessKeyId: SPOKE }).send(new ListConnectorsCommand({}));

      expect(h.appflow.stats).toEqual({
        byOperation: {
          RegisterConnector: { calls: 2, succeeded: 1, errors: { ConflictException: 1 } },
          ListConnectors: { calls: 1, succeeded: 1, errors: {} },
        },
        byAccountRegion: {
          [`${HUB}/${REGION}`]: { calls: 2, succeeded: 1, errors: { ConflictException: 1 } },
          [`${SPOKE}/${REGION}`]: { calls: 1, succeeded: 1, errors: {} },
        },
        connectorInvocations: 1,
      });
    });
  });
});
