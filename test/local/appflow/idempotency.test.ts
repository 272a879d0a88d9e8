import {
  ConflictException,
  RegisterConnectorCommand,
  UnregisterConnectorCommand,
  UpdateConnectorRegistrationCommand,
  ValidationException,
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
  useAppFlow,
} from './harness.js';

const h = useAppFlow();
const EIGHT_HOURS = 8 * 60 * 60 * 1000;

/** Every registration of this file carries a clientToken. */
function input(label: string, functionName: string, clientToken: string, description?: string) {
  return registration(label, functionName, {
    clientToken,
    ...(description !== undefined ? { description } : {}),
  });
}

describe('AppFlow clientToken', () => {
  describe('the same token with the same parameters', () => {
    it('answers the first answer again without registering twice or invoking the connector again', async () => {
      h.deploy(deployed('healthy'), answers.json(CONFIGURATION));
      const first = await h.client().send(new RegisterConnectorCommand(input('label', 'healthy', 'token-1')));

      const second = await h
        .client()
        .send(new RegisterConnectorCommand(input('label', 'healthy', 'token-1')));

      expect(second.connectorArn).toBe(first.connectorArn);
      expect(h.runtime.invocations).toHaveLength(1);
      expect(h.appflow.registrations).toHaveLength(1);
    });

    it('still answers the first answer after the connector was unregistered, within 8 hours', async () => {
      h.deploy(deployed('healthy'), answers.json(CONFIGURATION));
      const first = await h.client().send(new RegisterConnectorCommand(input('label', 'healthy', 'token-1')));
      await h.client().send(new UnregisterConnectorCommand({ connectorLabel: 'label' }));
      h.clock.now += EIGHT_HOURS - 1000;

      const again = await h.client().send(new RegisterConnectorCommand(input('label', 'healthy', 'token-1')));

      expect(again.connectorArn).toBe(first.connectorArn);
      expect(h.appflow.connectors()).toEqual([]);
    });

    it('is a new call once the token is 8 hours old', async () => {
      h.deploy(deployed('healthy'), answers.json(CONFIGURATION));
      await h.client().send(new RegisterConnectorCommand(input('label', 'healthy', 'token-1')));
      h.clock.now += EIGHT_HOURS;

      const error = await rejectionOf(
        h.client().send(new RegisterConnectorCommand(input('label', 'healthy', 'token-1'))),
      );

      expect(error).toBeInstanceOf(ConflictException);
    });

    it('runs once when two calls with the token arrive together', async () => {
      h.deploy(deployed('healthy'), answers.json(CONFIGURATION));

      const [a, b] = await Promise.all([
        h.client().send(new RegisterConnectorCommand(input('label', 'healthy', 'token-1'))),
        h.client().send(new RegisterConnectorCommand(input('label', 'healthy', 'token-1'))),
      ]);

      expect(a.connectorArn).toBe(b.connectorArn);
      expect(h.runtime.invocations).toHaveLength(1);
    });

    it('does not remember a token whose call failed', async () => {
      h.deploy(deployed('healthy', { policy: [] }), answers.json(CONFIGURATION));
      await rejectionOf(h.client().send(new RegisterConnectorCommand(input('label', 'healthy', 'token-1'))));
      h.registry.all()[0]?.policy.push(...deployed('healthy').policy);

      await expect(
        h.client().send(new RegisterConnectorCommand(input('label', 'healthy', 'token-1'))),
      ).resolves.toMatchObject({
        connectorArn: `arn:aws:appflow:${REGION}:${HUB}:connector/label`,
      });
    });
  });

  describe('the same token with other parameters', () => {
    it('answers ValidationException and changes nothing', async () => {
      h.deploy(deployed('healthy'), answers.json(CONFIGURATION));
      await h.client().send(new RegisterConnectorCommand(input('label', 'healthy', 'token-1')));

      const error = await rejectionOf(
        h.client().send(new RegisterConnectorCommand(input('label', 'healthy', 'token-1', 'new text'))),
      );

      expect(error).toBeInstanceOf(ValidationException);
      expect(error.message).toBe(
        'The clientToken token-1 was already used with different parameters in the last 8 hours. Use a new clientToken for a different RegisterConnector request.',
      );
      expect(h.appflow.connectors()[0]?.description).toBeUndefined();
    });

    it('keeps tokens apart per operation', async () => {
      h.deploy(deployed('healthy'), answers.json(CONFIGURATION));
      await h.client().send(new RegisterConnectorCommand(input('label', 'healthy', 'token-1')));

      await h.client().send(
        new UpdateConnectorRegistrationCommand({
          connectorLabel: 'label',
          description: 'updated',
          clientToken: 'token-1',
        }),
      );

      expect(h.appflow.connectors()[0]?.description).toBe('updated');
    });
  });
});
