/**
 * Fakes for the Lambda tasks of the state machine. The local interpreter turns an error thrown by
 * a local handler into a Step Functions error whose Error is the thrown `name` and whose Cause is
 * its `message`; Lambda itself reports a function's error with Cause = the JSON text
 * `{"errorType","errorMessage","trace"}`. lambdaError builds errors that look like the latter, so
 * what the tests read from Cause is what production alerts carry.
 */

/** A local handler as aws-local-stepfunctions calls it: the task input in, the result out. */
export type TaskFake = (input: unknown) => unknown;

/** What a scripted call does: answer a value, or throw an error. */
export type Step = { answer: unknown } | { throw: () => Error };

/**
 * An error as a Lambda task reports it: `name` is the Step Functions error name (what ErrorEquals
 * matches), `message` is the Cause.
 *
 * @example lambdaError('ThrottlingException', 'Rate exceeded')
 */
export function lambdaError(name: string, message = `${name} raised by the fake`): Error {
  const error = new Error(JSON.stringify({ errorType: name, errorMessage: message, trace: [] }));
  error.name = name;
  return error;
}

/** Parses the Cause of a lambdaError back into the Lambda error payload. */
export function lambdaErrorPayload(cause: unknown): { errorType: string; errorMessage: string } {
  if (typeof cause !== 'string') throw new Error(`Cause is not a string: ${JSON.stringify(cause)}`);
  return JSON.parse(cause) as { errorType: string; errorMessage: string };
}

/** One scripted step that throws a fresh lambdaError. */
export function throwing(name: string, message?: string): Step {
  return { throw: () => lambdaError(name, message) };
}

/** One scripted step that answers a value. */
export function answering(value: unknown): Step {
  return { answer: value };
}

/**
 * A task fake that plays its steps one per call; the last step repeats for every later call, so
 * `scripted(throwing('X'))` fails forever and `scripted(throwing('X'), throwing('X'), answering(v))`
 * fails twice and then answers.
 */
export function scripted(...steps: Step[]): TaskFake {
  if (steps.length === 0) throw new Error('scripted() needs at least one step');
  let call = 0;
  return async () => {
    const step = steps[Math.min(call, steps.length - 1)] as Step;
    call += 1;
    if ('throw' in step) throw step.throw();
    return structuredClone(step.answer);
  };
}

/** A task fake that throws the named error `times` times, then answers `value`. */
export function failingTimes(times: number, name: string, value: unknown): TaskFake {
  return scripted(...Array.from({ length: times }, () => throwing(name)), answering(value));
}

/** A task fake that always throws the named error. */
export function failingAlways(name: string, message?: string): TaskFake {
  return scripted(throwing(name, message));
}

/** A task fake that never settles, for a task that runs into its TimeoutSeconds. */
export function hanging(): TaskFake {
  return () => new Promise(() => undefined);
}
