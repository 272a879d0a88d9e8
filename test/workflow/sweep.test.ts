import { describe, expect, it } from 'vitest';
import { DetailType } from '../../functions/shared/event-types.js';
import { classified, runSweepWorkflow } from '../support/run-sweep-workflow.js';
import { EXECUTION_ARN } from '../support/run-workflow.js';
import { answering, failingAlways, failingTimes, scripted } from '../support/task-fakes.js';

const STARTED = {
  ExecutionArn: 'arn:aws:states:eu-west-1:111122223333:execution:repair:1',
  StartDate: '2026-12-01T00:00:00.000Z',
};

describe('sweep-connectors state machine', () => {
  describe('a sweep with repairs to make', () => {
    it('classifies, starts each repair, reports, and succeeds', async () => {
      const run = await runSweepWorkflow();

      expect(run.status).toBe('SUCCEEDED');
      expect(run.path).toEqual([
        'ClassifyAccount',
        'DryRun',
        'StartRegistrations',
        'StartRegistration',
        'StartRegistration',
        'StartUnregistrations',
        'StartUnregistration',
        'Started',
        'PublishSweepCompleted',
        'Swept',
      ]);
    });

    it('passes ClassifyAccount the account, the Region, dryRun and the execution, nothing else', async () => {
      const run = await runSweepWorkflow({
        input: { accountId: '222222222222', region: 'eu-west-1', dryRun: false, forged: 1 },
      });

      expect(run.taskInputs.ClassifyAccount).toEqual([
        { accountId: '222222222222', region: 'eu-west-1', dryRun: false, executionArn: EXECUTION_ARN },
      ]);
    });

    it('starts each workflow with the input ClassifyAccount built for it, as a deploy or removal signal would', async () => {
      const run = await runSweepWorkflow();
      const [missing, stale] = classified().register as Record<string, unknown>[];
      const [orphaned] = classified().unregister as Record<string, unknown>[];

      expect(run.taskInputs.StartRegistration).toEqual([
        { StateMachineArn: expect.stringContaining('register-connector'), Input: missing },
        { StateMachineArn: expect.stringContaining('register-connector'), Input: stale },
      ]);
      expect(run.taskInputs.StartUnregistration).toEqual([
        { StateMachineArn: expect.stringContaining('unregister-connector'), Input: orphaned },
      ]);
    });

    it('publishes ConnectorSweepCompleted with the counts, the labels and the repairs started', async () => {
      const run = await runSweepWorkflow();

      expect(run.published.map(({ DetailType: type, Detail }) => ({ type, Detail }))).toEqual([
        {
          type: DetailType.ConnectorSweepCompleted,
          Detail: {
            accountId: '222222222222',
            region: 'eu-west-1',
            dryRun: false,
            counts: classified().counts,
            labels: classified().labels,
            actionsStarted: { register: 2, unregister: 1 },
            truncated: false,
            executionArn: EXECUTION_ARN,
          },
        },
      ]);
    });

    it('retries a throttled StartExecution', async () => {
      const run = await runSweepWorkflow({
        startUnregistration: failingTimes(2, 'StepFunctions.AWSStepFunctionsException', STARTED),
      });

      expect(run.status).toBe('SUCCEEDED');
      expect(run.attempts.StartUnregistration).toBe(3);
    });
  });

  describe('a dry run', () => {
    it('starts nothing and reports zero actions', async () => {
      const run = await runSweepWorkflow({ classify: scripted(answering(classified({ dryRun: true }))) });

      expect(run.status).toBe('SUCCEEDED');
      expect(run.path).toEqual([
        'ClassifyAccount',
        'DryRun',
        'NothingStarted',
        'PublishSweepCompleted',
        'Swept',
      ]);
      expect(run.attempts.StartRegistration).toBeUndefined();
      expect(run.published[0]?.Detail).toMatchObject({
        dryRun: true,
        actionsStarted: { register: 0, unregister: 0 },
      });
    });
  });

  describe('an account that cannot be swept', () => {
    it('publishes ConnectorSweepFailed with the error, the envelope account and Region, and fails', async () => {
      const run = await runSweepWorkflow({
        classify: failingAlways('SpokeRoleAccessDeniedError', 'Could not assume …'),
      });

      expect(run.status).toBe('FAILED');
      expect(run.error).toBe('SpokeRoleAccessDeniedError');
      expect(run.path).toEqual(['ClassifyAccount', 'NotClassified', 'PublishSweepFailed', 'SweepFailed']);
      expect(run.published).toEqual([
        expect.objectContaining({
          DetailType: DetailType.ConnectorSweepFailed,
          Detail: expect.objectContaining({
            error: 'SpokeRoleAccessDeniedError',
            connectorLabel: null,
            lambdaArn: null,
            accountId: '222222222222',
            region: 'eu-west-1',
          }),
        }),
      ]);
    });

    it('retries a throttled AppFlow before giving up', async () => {
      const run = await runSweepWorkflow({ classify: failingTimes(3, 'ThrottlingException', classified()) });

      expect(run.status).toBe('SUCCEEDED');
      expect(run.attempts.ClassifyAccount).toBe(4);
    });
  });

  describe('a repair that cannot be started', () => {
    it('stops the repairs, alerts with ConnectorSweepFailed and fails', async () => {
      const run = await runSweepWorkflow({
        startRegistration: failingAlways('StepFunctions.AccessDeniedException'),
      });

      expect(run.status).toBe('FAILED');
      expect(run.error).toBe('StepFunctions.AccessDeniedException');
      expect(run.attempts.StartUnregistration).toBeUndefined();
      expect(run.path.slice(-3)).toEqual(['NotSwept', 'PublishSweepFailed', 'SweepFailed']);
      expect(run.published.map(({ DetailType: type }) => type)).toEqual([DetailType.ConnectorSweepFailed]);
    });
  });

  describe('a report that cannot be published', () => {
    it('fails the execution after its retries', async () => {
      const run = await runSweepWorkflow({
        failedEntries: { PublishSweepCompleted: Number.POSITIVE_INFINITY },
      });

      expect(run.status).toBe('FAILED');
      expect(run.path.at(-1)).toBe('ReportFailed');
    });
  });
});
