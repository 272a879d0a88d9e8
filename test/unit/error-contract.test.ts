import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as idempotency from '@aws-lambda-powertools/idempotency';
import * as appflow from '@aws-sdk/client-appflow';
import * as lambda from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import * as errors from '../../functions/shared/errors.js';
import {
  APPFLOW_EXCEPTIONS,
  FATAL_ERROR_NAMES,
  IDEMPOTENCY_IN_PROGRESS,
  IDEMPOTENCY_TRANSIENT,
  LAMBDA_API_RETRYABLE,
  LAMBDA_SERVICE_ERRORS,
  RETRYABLE_ERROR_NAMES,
  RegistrarError,
  SKIPPING_ERROR_NAMES,
} from '../../functions/shared/errors.js';
import {
  type AslDefinition,
  errorNamesOf,
  explicitlyCaught,
  explicitlyRetried,
  loadAsl,
  loadUnregisterAsl,
  statesOf,
} from '../support/asl.js';
import {
  errorClassesIn,
  errorClassesThrownBy,
  FUNCTIONS_DIR,
  importsPackage,
  reachableFrom,
  sdkPackagesSending,
  tsFilesUnder,
} from '../support/sources.js';

/** Both state machines: the registration and the unregistration workflow. */
const ASLS: { file: string; asl: AslDefinition }[] = [
  { file: 'register-connector.asl.json', asl: loadAsl() },
  { file: 'unregister-connector.asl.json', asl: loadUnregisterAsl() },
];
/** Every state of both, by name (state names are unique across the two as well). */
const STATES = ASLS.flatMap(({ asl }) => statesOf(asl).map(([name, state]) => ({ name, state, asl })));

/** Every name the code declares for the ASL to handle (functions/shared/errors.ts). */
const DECLARED = new Set<string>([
  ...RETRYABLE_ERROR_NAMES,
  ...FATAL_ERROR_NAMES,
  ...SKIPPING_ERROR_NAMES,
  ...LAMBDA_SERVICE_ERRORS,
  ...APPFLOW_EXCEPTIONS.retryableFewTimes,
]);
const RETRYABLE = new Set<string>([
  ...RETRYABLE_ERROR_NAMES,
  ...LAMBDA_SERVICE_ERRORS,
  ...APPFLOW_EXCEPTIONS.retryableFewTimes,
]);
const FATAL = new Set<string>(FATAL_ERROR_NAMES);
const SKIPPING = new Set<string>(SKIPPING_ERROR_NAMES);

/** Names in any ErrorEquals, minus the States.* wildcards and the putEvents integration's own errors. */
const IN_ASL = new Set(
  STATES.flatMap(({ state }) => [...errorNamesOf(state.Retry), ...errorNamesOf(state.Catch)]).filter(
    (name) => !name.startsWith('States.') && !name.startsWith('EventBridge.'),
  ),
);

/** The Task states that invoke a Lambda function (in Map iterations too), and each handler's functions/ directory. */
const LAMBDA_TASKS = STATES.filter(
  ({ state }) => state.Type === 'Task' && state.Resource?.startsWith('arn:aws:lambda:'),
).map(({ name, asl }) => ({ state: name, asl, dir: join(FUNCTIONS_DIR, kebab(name)) }));

const ERROR_CLASSES = errorClassesIn(tsFilesUnder(FUNCTIONS_DIR));
const NAME_OF_CLASS = new Map(ERROR_CLASSES.map((entry) => [entry.className, entry.name]));

function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/**
 * The error names a task's handler can end with, read from its code: the project errors it creates
 * or calls into outside a try block, the exceptions of the AWS services it sends commands to (rethrown unchanged), Powertools'
 * in-progress error when it is idempotent, and the Lambda service errors of every Lambda task.
 */
function errorsThrownBy(dir: string): Set<string> {
  const files = reachableFrom(tsFilesUnder(dir));
  const names = new Set<string>(LAMBDA_SERVICE_ERRORS);
  for (const className of errorClassesThrownBy(dir)) {
    const name = NAME_OF_CLASS.get(className);
    if (name) names.add(name);
  }
  const sdk = sdkPackagesSending(files);
  if (sdk.has('@aws-sdk/client-appflow')) {
    for (const name of [
      ...APPFLOW_EXCEPTIONS.retryable,
      ...APPFLOW_EXCEPTIONS.retryableFewTimes,
      ...APPFLOW_EXCEPTIONS.fatal,
    ]) {
      names.add(name);
    }
  }
  if (sdk.has('@aws-sdk/client-lambda')) for (const name of LAMBDA_API_RETRYABLE) names.add(name);
  if (importsPackage(files, '@aws-lambda-powertools/idempotency')) {
    for (const name of [IDEMPOTENCY_IN_PROGRESS, ...IDEMPOTENCY_TRANSIENT]) names.add(name);
  }
  return names;
}

describe('the error contract between the ASL and functions/', () => {
  describe('names', () => {
    it('handles by name in the ASLs exactly the errors errors.ts declares', () => {
      expect([...IN_ASL].sort()).toEqual([...DECLARED].sort());
    });

    it('sets every error name in functions/ from a string literal, which minification keeps', () => {
      const computed = ERROR_CLASSES.filter((entry) => entry.name === undefined).map(
        (entry) => `${relative(FUNCTIONS_DIR, entry.file)}: ${entry.className}`,
      );
      expect(computed).toEqual([]);
    });

    it('declares every name a class in functions/ sets, so the ASL handles it', () => {
      const undeclared = ERROR_CLASSES.filter(
        (entry) => entry.name !== undefined && !DECLARED.has(entry.name),
      ).map((entry) => `${relative(FUNCTIONS_DIR, entry.file)}: ${entry.name}`);
      expect(undeclared).toEqual([]);
    });

    it('gives each RegistrarError of errors.ts the name and retryable flag its list says', () => {
      const classes = (Object.values(errors) as unknown[]).filter(
        (value): value is new (message: string) => RegistrarError =>
          typeof value === 'function' && value.prototype instanceof RegistrarError,
      );
      expect(classes.length).toBeGreaterThan(0);
      for (const ErrorClass of classes) {
        const error = new ErrorClass('message');
        expect(DECLARED, ErrorClass.name).toContain(error.name);
        expect({ [error.name]: error.retryable }).toEqual({ [error.name]: RETRYABLE.has(error.name) });
      }
    });

    it('uses the names the AppFlow SDK gives its exceptions', () => {
      const sdk = appflow as unknown as Record<string, new (options: object) => Error>;
      for (const name of [
        ...APPFLOW_EXCEPTIONS.retryable,
        ...APPFLOW_EXCEPTIONS.retryableFewTimes,
        ...APPFLOW_EXCEPTIONS.fatal,
      ]) {
        const Exception = sdk[name];
        expect(Exception, name).toBeTypeOf('function');
        expect(new (Exception as new (options: object) => Error)({ message: 'm', $metadata: {} }).name).toBe(
          name,
        );
      }
    });

    it('uses the names the Lambda SDK gives its exceptions', () => {
      const sdk = lambda as unknown as Record<string, new (options: object) => Error>;
      for (const name of LAMBDA_API_RETRYABLE) {
        const Exception = sdk[name];
        expect(Exception, name).toBeTypeOf('function');
        expect(new (Exception as new (options: object) => Error)({ message: 'm', $metadata: {} }).name).toBe(
          name,
        );
      }
    });

    it('uses the names Powertools gives its idempotency errors', () => {
      const powertools = idempotency as unknown as Record<string, new (message: string) => Error>;
      for (const name of [IDEMPOTENCY_IN_PROGRESS, ...IDEMPOTENCY_TRANSIENT]) {
        const PowertoolsError = powertools[name];
        expect(PowertoolsError, name).toBeTypeOf('function');
        expect(new (PowertoolsError as new (message: string) => Error)('message').name).toBe(name);
      }
    });
  });

  describe('retryable errors', () => {
    it('are each in the Retry of at least one state', () => {
      const retried = new Set(STATES.flatMap(({ name, asl }) => explicitlyRetried(asl, name)));
      expect([...RETRYABLE].filter((name) => !retried.has(name))).toEqual([]);
    });

    it('are never caught by a state that does not retry them first', () => {
      const caughtOnly = STATES.flatMap(({ name: state, asl }) => {
        const retried = explicitlyRetried(asl, state);
        return explicitlyCaught(asl, state)
          .filter((name) => RETRYABLE.has(name) && !retried.includes(name))
          .map((name) => `${state}: ${name}`);
      });
      expect(caughtOnly).toEqual([]);
    });
  });

  describe('fatal errors', () => {
    it('are never retried', () => {
      const retriedFatal = STATES.flatMap(({ name: state, asl }) =>
        explicitlyRetried(asl, state)
          .filter((name) => FATAL.has(name) || SKIPPING.has(name))
          .map((name) => `${state}: ${name}`),
      );
      expect(retriedFatal).toEqual([]);
    });

    it('are each caught by name in at least one state', () => {
      const caught = new Set(STATES.flatMap(({ name, asl }) => explicitlyCaught(asl, name)));
      expect([...FATAL].filter((name) => !caught.has(name))).toEqual([]);
    });
  });

  describe('skipping errors', () => {
    it('are caught by name into a Succeed state wherever they are caught, never into an alert', () => {
      const catchers = STATES.flatMap(({ state, asl }) =>
        (state.Catch ?? [])
          .filter((catcher) => catcher.ErrorEquals.some((name) => SKIPPING.has(name)))
          .map((catcher) => statesOf(asl).find(([name]) => name === catcher.Next)?.[1].Type),
      );
      expect(catchers.length).toBeGreaterThanOrEqual(SKIPPING.size);
      expect(new Set(catchers)).toEqual(new Set(['Succeed']));
    });
  });

  it('finds the Lambda tasks of both ASLs', () => {
    expect(LAMBDA_TASKS.map((task) => task.state).sort()).toEqual([
      'RegisterConnector',
      'UnregisterConnector',
      'VerifyFunction',
      'VerifyRemoval',
    ]);
  });

  describe.each(LAMBDA_TASKS)('the $state task and its handler', ({ state, asl, dir }) => {
    it(`lives in functions/${kebab(state)}/`, () => {
      expect(existsSync(join(dir, 'handler.ts'))).toBe(true);
    });

    it('retries every retryable error its handler can throw', () => {
      const retried = explicitlyRetried(asl, state);
      const missing = [...errorsThrownBy(dir)].filter(
        (name) => RETRYABLE.has(name) && !retried.includes(name),
      );
      expect(missing).toEqual([]);
    });

    it('catches by name every fatal and skipping error its handler can throw', () => {
      const caught = explicitlyCaught(asl, state);
      const missing = [...errorsThrownBy(dir)].filter(
        (name) => (FATAL.has(name) || SKIPPING.has(name)) && !caught.includes(name),
      );
      expect(missing).toEqual([]);
    });

    it('throws only errors the contract declares', () => {
      expect([...errorsThrownBy(dir)].filter((name) => !DECLARED.has(name))).toEqual([]);
    });
  });
});
