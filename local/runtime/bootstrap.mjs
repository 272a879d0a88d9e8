// The inside of one execution environment: a worker thread that imports the function's module once
// (the cold start) and then runs one invocation at a time, as the Lambda Node.js runtime does. Plain
// JavaScript because a worker loads it without any TypeScript loader; the parent (environment.ts)
// compiles TypeScript functions to ES modules first.
//
// Protocol with the parent, over parentPort:
//   worker → parent  { type: 'ready' } | { type: 'init-error', error }
//   parent → worker  { type: 'invoke', requestId, payload, deadline, context, traceId }
//   worker → parent  { type: 'result', requestId, payload } | { type: 'error', requestId, error }
//   worker → parent  { type: 'fatal', error }   (uncaught exception or unhandled rejection; the worker exits)
// `error` is Lambda's shape: { errorType, errorMessage, trace }.

import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { parentPort, workerData } from 'node:worker_threads';

const { modulePath, exportName, handlerName } = workerData;

/** The request being served; console lines carry it, as on Lambda. */
let currentRequestId;
let handler;

patchConsole();

process.on('uncaughtException', (error) => {
  fatal(describeError(error));
});
process.on('unhandledRejection', (reason) => {
  const described = describeError(reason);
  fatal({
    errorType: 'Runtime.UnhandledPromiseRejection',
    errorMessage: `${described.errorType}: ${described.errorMessage}`,
    trace: described.trace,
  });
});

parentPort.on('message', (message) => {
  if (message?.type === 'invoke') void invoke(message);
});

// The thread carries the function's name (the kernel keeps 15 bytes: its end, where names differ),
// so `top -H` and /proc/<pid>/task/*/stat tell which function's environments take the CPU.
try {
  writeFileSync(
    '/proc/thread-self/comm',
    String(process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'lambda').slice(-15),
  );
} catch {
  // Not Linux: nothing to name.
}

await initialize();

async function initialize() {
  let module;
  try {
    module = await import(pathToFileURL(modulePath).href);
  } catch (error) {
    parentPort.postMessage({ type: 'init-error', error: importError(error) });
    return;
  }
  handler = module[exportName];
  if (typeof handler !== 'function') {
    const errorMessage = `${handlerName} is undefined or not exported`;
    parentPort.postMessage({
      type: 'init-error',
      error: {
        errorType: 'Runtime.HandlerNotFound',
        errorMessage,
        trace: [`Runtime.HandlerNotFound: ${errorMessage}`],
      },
    });
    return;
  }
  parentPort.postMessage({ type: 'ready' });
}

async function invoke({ requestId, payload, deadline, context: fields, traceId }) {
  currentRequestId = requestId;
  process.env._X_AMZN_TRACE_ID = traceId;
  const context = {
    ...fields,
    awsRequestId: requestId,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  try {
    const event = JSON.parse(payload);
    const result = await callHandler(event, context);
    let text;
    try {
      text = JSON.stringify(result) ?? 'null';
    } catch (error) {
      const errorMessage = `Unable to stringify response body: ${error.message}`;
      parentPort.postMessage({
        type: 'error',
        requestId,
        error: {
          errorType: 'Runtime.MarshalError',
          errorMessage,
          trace: [`Runtime.MarshalError: ${errorMessage}`],
        },
      });
      return;
    }
    parentPort.postMessage({ type: 'result', requestId, payload: text });
  } catch (error) {
    console.error('Invoke Error', JSON.stringify(describeError(error)));
    parentPort.postMessage({ type: 'error', requestId, error: describeError(error) });
  } finally {
    currentRequestId = undefined;
  }
}

// Callback-style handlers (three parameters) are still supported by the nodejs22.x runtime.
function callHandler(event, context) {
  if (handler.length < 3) return handler(event, context);
  return new Promise((resolve, reject) => {
    const returned = handler(event, context, (error, value) => (error ? reject(error) : resolve(value)));
    if (returned && typeof returned.then === 'function') returned.then(resolve, reject);
  });
}

function fatal(error) {
  parentPort.postMessage({ type: 'fatal', error });
  // Let the message leave before the thread stops, as the Lambda runtime exits after reporting.
  setImmediate(() => process.exit(1));
}

/** Lambda's error shape for a thrown value. */
function describeError(error) {
  if (error instanceof Error || (typeof error === 'object' && error !== null && 'message' in error)) {
    const errorType = typeof error.name === 'string' && error.name ? error.name : 'Error';
    const errorMessage = String(error.message ?? '');
    const trace = typeof error.stack === 'string' ? error.stack.split('\n') : [];
    return { errorType, errorMessage, trace };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}

function importError(error) {
  const described = describeError(error);
  let errorType = described.errorType;
  let errorMessage = described.errorMessage;
  if (error?.code === 'ERR_MODULE_NOT_FOUND' || error?.code === 'MODULE_NOT_FOUND') {
    errorType = 'Runtime.ImportModuleError';
    errorMessage = `Error: ${described.errorMessage}`;
  } else if (error instanceof SyntaxError) {
    errorType = 'Runtime.UserCodeSyntaxError';
    errorMessage = `SyntaxError: ${described.errorMessage}`;
  } else {
    return described;
  }
  return { errorType, errorMessage, trace: [`${errorType}: ${errorMessage}`, ...described.trace.slice(1)] };
}

// The Node.js runtime prefixes each console line with the time, the request id and the level, and
// writes every level to the function's log stream.
function patchConsole() {
  const levels = { log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR', debug: 'DEBUG', trace: 'TRACE' };
  for (const [method, level] of Object.entries(levels)) {
    console[method] = (...args) => {
      const text = format(...args).replace(/\n/g, '\r');
      process.stdout.write(`${new Date().toISOString()}\t${currentRequestId}\t${level}\t${text}\n`);
    };
  }
}
