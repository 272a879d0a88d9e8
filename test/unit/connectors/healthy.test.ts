import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CONNECTOR_CONFIGURATION,
  createContactsConnector,
} from '../../../examples/connectors/contacts-connector.js';
import { ContactStore } from '../../../examples/connectors/contacts-store.js';
import { handler } from '../../../examples/connectors/healthy.js';
import type {
  DescribeConnectorConfigurationResponse,
  DescribeEntityResponse,
  ListEntitiesResponse,
  QueryDataResponse,
  RetrieveDataResponse,
  ValidateConnectorRuntimeSettingsResponse,
  WriteDataResponse,
} from '../../../examples/connectors/protocol.js';
import { fixture, lambdaContext } from './support.js';

function connector() {
  const store = new ContactStore();
  return { store, answer: createContactsConnector(store) };
}

describe('healthy connector', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  describe('handler', () => {
    it('answers DescribeConnectorConfigurationRequest and logs the request type', async () => {
      const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
      const answer = (await handler(
        fixture('describe-connector-configuration'),
        lambdaContext('healthy-connector'),
      )) as DescribeConnectorConfigurationResponse;
      expect(answer.isSuccess).toBe(true);
      expect(log).toHaveBeenCalledWith(expect.stringContaining('DescribeConnectorConfigurationRequest'));
    });

    it('fails the invocation for an event that is not a connector request', async () => {
      vi.spyOn(console, 'log').mockImplementation(() => undefined);
      await expect(
        handler(fixture('not-a-connector-request'), lambdaContext('healthy-connector')),
      ).rejects.toThrow(
        expect.objectContaining({
          name: 'UnsupportedRequestError',
          message: expect.stringContaining('undefined'),
        }),
      );
    });
  });

  describe('DescribeConnectorConfiguration', () => {
    it('describes a source and destination connector with every field AppFlow reads', () => {
      const answer = connector().answer(
        fixture('describe-connector-configuration'),
      ) as DescribeConnectorConfigurationResponse;
      expect(answer).toMatchObject({
        isSuccess: true,
        connectorName: 'SampleContacts',
        connectorVersion: '1.0.0',
        connectorModes: ['SOURCE', 'DESTINATION'],
        supportedApiVersions: ['v1'],
        authenticationConfig: { isApiKeyAuthSupported: true },
        supportedTriggerTypes: ['SCHEDULED', 'ONDEMAND'],
        errorDetails: null,
      });
      expect(answer.connectorOwner).toEqual(expect.any(String));
      expect(answer.operatorsSupported).toContain('EQUAL_TO');
      expect(answer.supportedWriteOperations).toEqual(['INSERT', 'UPDATE', 'UPSERT', 'DELETE']);
      expect(answer.connectorRuntimeSetting?.map((s) => s.key)).toEqual(['instanceUrl', 'pageSize']);
    });

    it('answers a copy, so a caller cannot change what later invocations answer', () => {
      const { answer } = connector();
      const first = answer(
        fixture('describe-connector-configuration'),
      ) as DescribeConnectorConfigurationResponse;
      first.connectorModes.pop();
      expect(CONNECTOR_CONFIGURATION.connectorModes).toEqual(['SOURCE', 'DESTINATION']);
    });
  });

  describe('ValidateConnectorRuntimeSettings', () => {
    it('accepts an https instance URL', () => {
      const answer = connector().answer(fixture('validate-runtime-settings-valid'));
      expect(answer).toEqual({ isSuccess: true, errorsByInputField: null, errorDetails: null });
    });

    it('names each invalid or unknown setting', () => {
      const answer = connector().answer(
        fixture('validate-runtime-settings-invalid'),
      ) as ValidateConnectorRuntimeSettingsResponse;
      expect(answer.isSuccess).toBe(false);
      expect(answer.errorsByInputField).toEqual({
        instanceUrl: 'Must be an https:// URL',
        colour: 'Unknown setting for scope CONNECTOR_PROFILE',
      });
      expect(answer.errorDetails?.errorCode).toBe('InvalidArgument');
    });
  });

  describe('ValidateCredentials', () => {
    it('accepts an API key held in Secrets Manager', () => {
      expect(connector().answer(fixture('validate-credentials-valid'))).toEqual({
        isSuccess: true,
        errorDetails: null,
      });
    });

    it('refuses basic authentication with InvalidCredentials', () => {
      expect(connector().answer(fixture('validate-credentials-basic'))).toMatchObject({
        isSuccess: false,
        errorDetails: { errorCode: 'InvalidCredentials', errorMessage: expect.stringContaining('BasicAuth') },
      });
    });
  });

  describe('ListEntities and DescribeEntity', () => {
    it('lists the contacts entity with a cache policy', () => {
      const answer = connector().answer(fixture('list-entities')) as ListEntitiesResponse;
      expect(answer.entities).toEqual([
        expect.objectContaining({ entityIdentifier: 'contacts', hasNestedEntities: false }),
      ]);
      expect(answer.cacheControl).toEqual({ timeToLive: 3600, timeToLiveUnit: 'SECONDS' });
    });

    it('refuses an API version it does not support', () => {
      expect(connector().answer(fixture('list-entities-wrong-version'))).toMatchObject({
        isSuccess: false,
        errorDetails: { errorCode: 'InvalidArgument', errorMessage: expect.stringContaining('v9') },
      });
    });

    it('describes the fields of contacts with id as primary key', () => {
      const answer = connector().answer(fixture('describe-entity')) as DescribeEntityResponse;
      const fields = answer.entityDefinition?.fields ?? [];
      expect(fields.map((f) => f.fieldName)).toEqual(['id', 'name', 'email', 'age', 'updatedAt']);
      expect(fields.find((f) => f.isPrimaryKey)?.fieldName).toBe('id');
    });

    it('answers InvalidArgument for an unknown entity', () => {
      expect(connector().answer(fixture('describe-entity-unknown'))).toMatchObject({
        isSuccess: false,
        errorDetails: { errorCode: 'InvalidArgument', errorMessage: expect.stringContaining('invoices') },
      });
    });
  });

  describe('RetrieveData', () => {
    it('returns the selected fields of the records with the given ids', () => {
      const answer = connector().answer(fixture('retrieve-data')) as RetrieveDataResponse;
      expect(answer.records?.map((r) => JSON.parse(r))).toEqual([
        { id: 'c-001', name: 'Ada Lovelace' },
        { id: 'c-003', name: 'Grace Hopper' },
      ]);
    });
  });

  describe('QueryData', () => {
    it('filters with the expression and projects the selected fields', () => {
      const answer = connector().answer(fixture('query-data-filter')) as QueryDataResponse;
      expect(answer.records?.map((r) => JSON.parse(r))).toEqual([
        { name: 'Alan Turing', age: 41 },
        { name: 'Grace Hopper', age: 85 },
      ]);
      expect(answer.nextToken).toBeNull();
    });

    it('pages with nextToken', () => {
      const { answer } = connector();
      const first = answer(fixture('query-data-paged')) as QueryDataResponse;
      expect(first.records).toHaveLength(2);
      const second = answer({
        ...fixture('query-data-paged'),
        nextToken: first.nextToken,
      }) as QueryDataResponse;
      expect(second.records?.map((r) => JSON.parse(r).id)).toEqual(['c-003']);
      expect(second.nextToken).toBeNull();
    });

    it('answers InvalidArgument for a filter on an unknown field', () => {
      expect(connector().answer(fixture('query-data-bad-filter'))).toMatchObject({
        isSuccess: false,
        errorDetails: { errorCode: 'InvalidArgument', errorMessage: expect.stringContaining('salary') },
      });
    });
  });

  describe('WriteData', () => {
    it('inserts a record with a new id that later reads see', () => {
      const { store, answer } = connector();
      const written = answer(fixture('write-data-insert')) as WriteDataResponse;
      expect(written.isSuccess).toBe(true);
      const id = written.writeRecordResults?.[0]?.recordId ?? '';
      expect(store.get(id)).toMatchObject({ name: 'Katherine Johnson', age: 101 });
    });

    it('reports a partial write per record and applies the good ones', () => {
      const { store, answer } = connector();
      const written = answer(fixture('write-data-partial')) as WriteDataResponse;
      expect(written).toMatchObject({ isSuccess: false, errorDetails: { errorCode: 'PartialWriteFailure' } });
      expect(written.writeRecordResults?.map((r) => r.isSuccess)).toEqual([true, false, false]);
      expect(written.writeRecordResults?.[1]?.errorMessage).toBe('A new contact needs name, email and age');
      expect(store.get('c-002')?.name).toBe('Alan M. Turing');
      expect(store.get('c-009')).toBeUndefined();
    });

    it('writes nothing when one record of an allOrNone batch fails', () => {
      const { store, answer } = connector();
      const written = answer(fixture('write-data-all-or-none')) as WriteDataResponse;
      expect(written.isSuccess).toBe(false);
      expect(written.writeRecordResults?.every((r) => !r.isSuccess)).toBe(true);
      expect(store.get('c-001')?.age).toBe(36);
    });

    it('deletes by id', () => {
      const { store, answer } = connector();
      expect((answer(fixture('write-data-delete')) as WriteDataResponse).isSuccess).toBe(true);
      expect(store.get('c-003')).toBeUndefined();
    });
  });
});
