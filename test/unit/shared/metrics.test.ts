import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  APPFLOW_EXCEPTIONS,
  ConnectorProtocolError,
  FATAL_ERROR_NAMES,
  RETRYABLE_ERROR_NAMES,
} from '../../../functions/shared/errors.js';
import {
  createMetrics,
  DEFAULT_METRICS_NAMESPACE,
  emitAlone,
  errorNameOf,
  METRIC,
  MetricUnit,
  metadataOf,
  OTHER_ERROR,
  recordInvocation,
} from '../../../functions/shared/metrics.js';
import { captureEmf, enableMetrics } from '../emf.js';

beforeEach(() => {
  enableMetrics();
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const rejectionOf = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('it succeeded');
    },
    (error: unknown) => error as Error,
  );

describe('createMetrics', () => {
  describe('namespace and service', () => {
    it('takes them from POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_SERVICE_NAME', () => {
      const emf = captureEmf();
      const metrics = createMetrics({
        POWERTOOLS_METRICS_NAMESPACE: 'appflow-connector-registrar-prod',
        POWERTOOLS_SERVICE_NAME: 'registrar',
      });

      emitAlone(metrics, METRIC.appflowPacerWait, MetricUnit.Milliseconds, 12);

      expect(emf.metrics()).toEqual([
        expect.objectContaining({
          namespace: 'appflow-connector-registrar-prod',
          name: 'AppFlowPacerWait',
          unit: 'Milliseconds',
          value: 12,
          dimensions: { service: 'registrar' },
        }),
      ]);
    });

    it('falls back to the registrar’s name, never to Powertools’ default_namespace, when unset', () => {
      const emf = captureEmf();

      emitAlone(createMetrics({}), METRIC.appflowThrottlesAbsorbed, MetricUnit.Count, 1);

      expect(emf.metrics()).toEqual([
        expect.objectContaining({
          namespace: DEFAULT_METRICS_NAMESPACE,
          dimensions: { service: DEFAULT_METRICS_NAMESPACE },
        }),
      ]);
    });
  });
});

describe('errorNameOf', () => {
  describe('a bounded ErrorName', () => {
    it('keeps every name errors.ts declares, AppFlow’s exceptions included', () => {
      const declared = [
        ...RETRYABLE_ERROR_NAMES,
        ...FATAL_ERROR_NAMES,
        ...APPFLOW_EXCEPTIONS.retryable,
        ...APPFLOW_EXCEPTIONS.retryableFewTimes,
        ...APPFLOW_EXCEPTIONS.fatal,
      ];

      for (const name of declared) {
        expect(errorNameOf(Object.assign(new Error('x'), { name }))).toBe(name);
      }
      expect(errorNameOf(new ConnectorProtocolError('no answer'))).toBe('ConnectorProtocolError');
      expect(errorNameOf(Object.assign(new Error('x'), { name: 'ConnectorServerException' }))).toBe(
        'ConnectorServerException',
      );
    });

    it('counts any other error, or a thrown non-error, as Other', () => {
      expect(errorNameOf(new TypeError('undefined is not a function'))).toBe(OTHER_ERROR);
      expect(errorNameOf(Object.assign(new Error('x'), { name: 'Error: label-of-a-caller' }))).toBe(
        OTHER_ERROR,
      );
      expect(errorNameOf('a string')).toBe(OTHER_ERROR);
      expect(errorNameOf(undefined)).toBe(OTHER_ERROR);
    });
  });
});

describe('recordInvocation', () => {
  describe('on success', () => {
    it('records one outcome with its dimensions and metadata in the buffer logMetrics flushes', async () => {
      const emf = captureEmf();
      const metrics = createMetrics({ POWERTOOLS_METRICS_NAMESPACE: 'ns', POWERTOOLS_SERVICE_NAME: 'svc' });

      const result = await recordInvocation(
        metrics,
        METRIC.verifications,
        { executionArn: 'arn:aws:states:eu-west-1:111111111111:execution:sm:1' },
        async () => 'done',
        (answer) => ({ dimensions: { Outcome: 'verified' }, metadata: { answer } }),
      );

      expect(result).toBe('done');
      expect(emf.lines()).toEqual([]);
      metrics.publishStoredMetrics();
      expect(emf.metrics()).toEqual([
        {
          namespace: 'ns',
          name: 'Verifications',
          unit: 'Count',
          value: 1,
          dimensionSets: [['service', 'Outcome']],
          dimensions: { service: 'svc', Outcome: 'verified' },
          metadata: { executionArn: 'arn:aws:states:eu-west-1:111111111111:execution:sm:1', answer: 'done' },
        },
      ]);
    });
  });

  describe('on failure', () => {
    it('records Outcome failed and the error under its name on a line of its own, then rethrows', async () => {
      const emf = captureEmf();
      const metrics = createMetrics({ POWERTOOLS_METRICS_NAMESPACE: 'ns', POWERTOOLS_SERVICE_NAME: 'svc' });
      const thrown = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

      const error = await rejectionOf(
        recordInvocation(
          metrics,
          METRIC.registrations,
          { connectorLabel: 'my-label' },
          async () => {
            throw thrown;
          },
          () => ({ dimensions: { Outcome: 'succeeded' } }),
        ),
      );
      metrics.publishStoredMetrics();

      expect(error).toBe(thrown);
      expect(emf.metrics()).toEqual([
        expect.objectContaining({
          name: 'Failures',
          value: 1,
          dimensionSets: [['service', 'ErrorName']],
          dimensions: { service: 'svc', ErrorName: 'ThrottlingException' },
          metadata: { connectorLabel: 'my-label', error: 'ThrottlingException' },
        }),
        expect.objectContaining({
          name: 'Registrations',
          value: 1,
          dimensionSets: [['service', 'Outcome']],
          dimensions: { service: 'svc', Outcome: 'failed' },
          metadata: { connectorLabel: 'my-label' },
        }),
      ]);
    });

    it('keeps an unknown error’s name out of the dimensions: Other, with the name as metadata', async () => {
      const emf = captureEmf();
      const metrics = createMetrics({});

      await rejectionOf(
        recordInvocation(
          metrics,
          METRIC.verifications,
          {},
          async () => {
            throw new TypeError('boom');
          },
          () => ({ dimensions: {} }),
        ),
      );

      expect(emf.metrics()).toEqual([
        expect.objectContaining({
          name: 'Failures',
          dimensions: expect.objectContaining({ ErrorName: 'Other' }),
          metadata: { error: 'TypeError' },
        }),
      ]);
    });
  });
});

describe('emitAlone', () => {
  describe('beside an outcome in the buffer', () => {
    it('prints at once with only its own dimensions, and leaves the buffer’s alone', async () => {
      const emf = captureEmf();
      const metrics = createMetrics({});
      metrics.addDimensions({ Outcome: 'succeeded', Action: 'registered' });
      metrics.addMetadata('connectorLabel', 'my-label');

      emitAlone(metrics, METRIC.appflowThrottlesAbsorbed, MetricUnit.Count, 1, {
        metadata: { accountId: '444455556666', region: undefined },
      });

      expect(emf.metrics()).toEqual([
        expect.objectContaining({
          name: 'AppFlowThrottlesAbsorbed',
          dimensionSets: [['service']],
          metadata: { accountId: '444455556666' },
        }),
      ]);
    });
  });
});

describe('metadataOf', () => {
  describe('an event not validated yet', () => {
    it('keeps the named string fields, escaped and cut, and nothing else', () => {
      const event = {
        executionArn: 'arn:aws:states:eu-west-1:111111111111:execution:sm:1',
        functionArn: `fn\u202e${'x'.repeat(400)}`,
        accountId: 111111111111,
        hints: { connectorLabel: 'x' },
      };

      const metadata = metadataOf(event, ['executionArn', 'functionArn', 'accountId', 'region']);

      expect(metadata.executionArn).toBe(event.executionArn);
      expect(metadata.functionArn).toMatch(/^fn\\u202ex+\.\.\.\(403 chars\)$/);
      expect(Object.keys(metadata)).toEqual(['executionArn', 'functionArn']);
      expect(metadataOf('not an object', ['executionArn'])).toEqual({});
    });
  });
});
