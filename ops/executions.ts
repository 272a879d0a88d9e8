import { randomUUID } from 'node:crypto';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { call, OperatorError } from './errors.js';

/** What an execution of the registration workflow came to, read from DescribeExecution. */
export interface ExecutionOutcome {
  executionArn: string;
  status: string;
  /** registered, updated, unchanged, skipped, failed, running, timed out or aborted. */
  outcome: string;
  connectorLabel?: string;
  lambdaArn?: string;
  error?: string;
  /** The handler's message (a Lambda error payload's errorMessage), which names the fix. */
  message?: string;
}

/** The Region an execution (or state machine) ARN names: the Region its API answers in. */
export function regionOfArn(arn: string): string {
  const region = arn.split(':')[3];
  if (!region) throw new OperatorError(`${arn} is not a Step Functions ARN (arn:aws:states:<Region>:…)`);
  return region;
}

/** Reads the outcome of a described execution. */
export function outcomeOf(described: DescribeExecutionCommandOutput): ExecutionOutcome {
  const executionArn = described.executionArn ?? '';
  const status = described.status ?? 'UNKNOWN';
  const base = { executionArn, status };
  if (status === 'RUNNING') return { ...base, outcome: 'running' };
  if (status === 'SUCCEEDED') {
    const output = parse(described.output) as {
      registration?: { action?: string; connectorLabel?: string; lambdaArn?: string };
      function?: { optedIn?: boolean; lambdaArn?: string; reason?: string };
    };
    if (output?.registration?.action) {
      return {
        ...base,
        outcome: output.registration.action,
        ...(output.registration.connectorLabel ? { connectorLabel: output.registration.connectorLabel } : {}),
        ...(output.registration.lambdaArn ? { lambdaArn: output.registration.lambdaArn } : {}),
      };
    }
    return {
      ...base,
      outcome: 'skipped',
      ...(output?.function?.lambdaArn ? { lambdaArn: output.function.lambdaArn } : {}),
      ...(output?.function?.reason ? { message: output.function.reason } : {}),
    };
  }
  const outcome = status === 'TIMED_OUT' ? 'timed out' : status === 'ABORTED' ? 'aborted' : 'failed';
  const message = messageOfCause(described.cause);
  return {
    ...base,
    outcome,
    ...(described.error ? { error: described.error } : {}),
    ...(message ? { message } : {}),
  };
}

/** A Lambda error payload's errorMessage, or the cause as it is. */
export function messageOfCause(cause: string | undefined): string | undefined {
  if (!cause) return undefined;
  const payload = parse(cause) as { errorMessage?: unknown } | undefined;
  return typeof payload?.errorMessage === 'string' ? payload.errorMessage : cause;
}

export interface WaitOptions {
  /** Between two DescribeExecution calls. Default 1 s. */
  pollMs?: number;
  /** Give up (OperatorError) after this long. Default 30 minutes, the workflow's own timeout. */
  timeoutMs?: number;
  /** Told the status and the seconds waited, after each poll. */
  onPoll?: (status: string, waitedMs: number) => void;
  endpointUrl?: string | undefined;
}

/**
 * Polls DescribeExecution until the execution is no longer RUNNING, and returns that description.
 *
 * @example const done = await waitForExecution(sfn, executionArn, { onPoll: (s, ms) => progress(s, ms) })
 */
export async function waitForExecution(
  sfn: SFNClient,
  executionArn: string,
  options: WaitOptions = {},
): Promise<DescribeExecutionCommandOutput> {
  const started = Date.now();
  const pollMs = options.pollMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  const site = {
    operation: 'DescribeExecution',
    region: regionOfArn(executionArn),
    endpointUrl: options.endpointUrl,
  };
  for (;;) {
    const described = await call(() => sfn.send(new DescribeExecutionCommand({ executionArn })), site);
    const waited = Date.now() - started;
    options.onPoll?.(described.status ?? 'UNKNOWN', waited);
    if (described.status !== 'RUNNING') return described;
    if (waited > timeoutMs) {
      throw new OperatorError(
        `${executionArn} is still running after ${Math.round(waited / 1000)} s: follow it with \`registrar history ${executionArn}\``,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** JSON text as a value, or undefined when it is absent or not JSON. */
export function parse(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Starts an execution for an operator, named `<prefix>-<uuid>` so its history says who started it,
 * and returns its ARN; `inputFor` gets the uuid, which an input may carry as its trigger's event id.
 *
 * @example const executionArn = await startNamedExecution(sfn, hub.region, hub.stateMachineArn, 'sweep', () => input)
 */
export async function startNamedExecution(
  sfn: SFNClient,
  region: string,
  stateMachineArn: string,
  prefix: string,
  inputFor: (id: string) => unknown,
  endpointUrl?: string | undefined,
): Promise<string> {
  const id = randomUUID();
  const { executionArn } = await call(
    () =>
      sfn.send(
        new StartExecutionCommand({
          stateMachineArn,
          name: `${prefix}-${id}`,
          input: JSON.stringify(inputFor(id)),
        }),
      ),
    { operation: 'StartExecution', region, endpointUrl },
  );
  if (!executionArn) throw new OperatorError(`StartExecution in ${region} answered no executionArn`);
  return executionArn;
}
