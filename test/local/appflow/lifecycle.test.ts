import {
  ConnectorServerException,
  DescribeConnectorCommand,
  RegisterConnectorCommand,
  ResourceNotFoundException,
  UnregisterConnectorCommand,
  UpdateConnectorRegistrationCommand,
  ValidationException,
} from '@aws-sdk/client-appflow';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  answers,
  CONFIGURATION,
  deployed,
  fixture,
  HUB,
  REGION,
  rejectionOf,
  START,
  useAppFlow,
} from './harness.js';

const h = useAppFlow();
const arnOf = (name: string) => `arn:aws:lambda:${REGION}:${HUB}:function:${name}`;

beforeEach(async () => {
  h.deploy(deployed('v1'), answers.json(CONFIGURATION));
  h.deploy(deployed('v2'), answers.json({ ...CONFIGURATION, connectorVersion: '3.0.0' }));
  h.deploy(deployed('broken'), answers.error(fixture('function-error.json')));
  await h.client().send(
    new RegisterConnectorCommand({
      connectorLabel: 'contacts',
      description: 'first',
      connectorProvisioningType: 'LAMBDA',
      connectorProvisioningConfig: { lambda: { lambdaArn: arnOf('v1') } },
    }),
  );
  h.clock.now = START + 60_000;
});

async function describeContacts() {
  const { connectorConfiguration } = await h
    .client()
    .send(new DescribeConnectorCommand({ connectorType: 'CustomConnector', connectorLabel: 'contacts' }));
  return connectorConfiguration;
}

describe('AppFlow connector lifecycle', () => {
  describe('UpdateConnectorRegistration', () => {
    it('re-points the registration and reads the connector again, keeping registeredAt', async () => {
      const answer = await h.client().send(
        new UpdateConnectorRegistrationCommand({
          connectorLabel: 'contacts',
          description: 'second',
          connectorProvisioningConfig: { lambda: { lambdaArn: arnOf('v2') } },
        }),
      );

      expect(answer.connectorArn).toBe(`arn:aws:appflow:${REGION}:${HUB}:connector/contacts`);
      expect(await describeContacts()).toMatchObject({
        connectorProvisioningConfig: { lambda: { lambdaArn: arnOf('v2') } },
        connectorVersion: '3.0.0',
        connectorDescription: 'second',
        registeredAt: new Date(START),
      });
      expect(h.runtime.invocations.map((call) => call.functionName)).toEqual(['v1', 'v2']);
      expect(h.appflow.registrations.map((event) => event.operation)).toEqual([
        'RegisterConnector',
        'UpdateConnectorRegistration',
      ]);
    });

    it('refreshes the cached configuration from the same function when no Lambda is given', async () => {
      h.runtime.behaviours.set(
        `${HUB}/${REGION}/v1`,
        answers.json({ ...CONFIGURATION, connectorVersion: '2.2.0' }),
      );

      await h.client().send(new UpdateConnectorRegistrationCommand({ connectorLabel: 'contacts' }));

      expect(await describeContacts()).toMatchObject({
        connectorVersion: '2.2.0',
        connectorDescription: 'first',
      });
    });

    it('answers ResourceNotFoundException for a label that is not registered', async () => {
      const error = await rejectionOf(
        h.client().send(new UpdateConnectorRegistrationCommand({ connectorLabel: 'unknown' })),
      );

      expect(error).toBeInstanceOf(ResourceNotFoundException);
      expect(error.message).toBe(
        `No connector with label unknown is registered in account ${HUB} in ${REGION}.`,
      );
    });

    it('leaves the registration as it was when the new connector fails', async () => {
      const error = await rejectionOf(
        h.client().send(
          new UpdateConnectorRegistrationCommand({
            connectorLabel: 'contacts',
            connectorProvisioningConfig: { lambda: { lambdaArn: arnOf('broken') } },
          }),
        ),
      );

      expect(error).toBeInstanceOf(ConnectorServerException);
      expect(await describeContacts()).toMatchObject({
        connectorProvisioningConfig: { lambda: { lambdaArn: arnOf('v1') } },
      });
    });

    it('requires the label', async () => {
      const error = await rejectionOf(
        h
          .client()
          .send(new UpdateConnectorRegistrationCommand({ connectorLabel: undefined as unknown as string })),
      );

      expect(error).toBeInstanceOf(ValidationException);
      expect(error.message).toBe(
        "1 validation error detected: Value null at 'connectorLabel' failed to satisfy constraint: Member must not be null",
      );
    });
  });

  describe('UnregisterConnector', () => {
    it('removes the registration, with or without forceDelete', async () => {
      await h
        .client()
        .send(new UnregisterConnectorCommand({ connectorLabel: 'contacts', forceDelete: true }));

      expect(h.appflow.connectors()).toEqual([]);
      expect(await rejectionOf(describeContacts())).toBeInstanceOf(ResourceNotFoundException);
    });

    it('answers ResourceNotFoundException for a label that is not registered', async () => {
      const error = await rejectionOf(
        h.client().send(new UnregisterConnectorCommand({ connectorLabel: 'unknown' })),
      );

      expect(error).toBeInstanceOf(ResourceNotFoundException);
    });

    it('frees the label for a new registration', async () => {
      await h.client().send(new UnregisterConnectorCommand({ connectorLabel: 'contacts' }));

      await h.client().send(
        new RegisterConnectorCommand({
          connectorLabel: 'contacts',
          connectorProvisioningType: 'LAMBDA',
          connectorProvisioningConfig: { lambda: { lambdaArn: arnOf('v2') } },
        }),
      );

      expect(await describeContacts()).toMatchObject({
        registeredAt: new Date(START + 60_000),
        connectorVersion: '3.0.0',
      });
    });
  });

  describe('DescribeConnector', () => {
    it('answers ResourceNotFoundException for a label of another Region', async () => {
      const error = await rejectionOf(
        h
          .client({ region: 'us-east-1' })
          .send(
            new DescribeConnectorCommand({ connectorType: 'CustomConnector', connectorLabel: 'contacts' }),
          ),
      );

      expect(error).toBeInstanceOf(ResourceNotFoundException);
    });

    it('refuses a connectorType outside the enum, and built-in connector types', async () => {
      const unknown = await rejectionOf(
        h.client().send(new DescribeConnectorCommand({ connectorType: 'Nope' as 'Salesforce' })),
      );
      const builtIn = await rejectionOf(
        h.client().send(new DescribeConnectorCommand({ connectorType: 'Salesforce' })),
      );

      expect(unknown).toBeInstanceOf(ValidationException);
      expect(unknown.message).toMatch(
        /^1 validation error detected: Value 'Nope' at 'connectorType' failed to satisfy constraint: Member must satisfy enum value set: \[Amplitude, CustomConnector, /,
      );
      expect(builtIn).toBeInstanceOf(ValidationException);
      expect(builtIn.message).toContain('describes custom connectors only');
    });
  });
});
