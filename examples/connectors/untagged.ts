import type { Context } from 'aws-lambda';

/** What the ordinary function answers: a greeting, whatever it is sent. */
export interface Greeting {
  message: string;
  functionName: string;
  received: unknown;
}

/**
 * An ordinary function that is not a connector (and carries no appflow:connector-label tag): the
 * registrar must skip it quietly, and it must not be mistaken for a connector if probed.
 */
export async function handler(event: unknown, context: Context): Promise<Greeting> {
  console.log(`untagged function ${context.functionName} invoked`);
  return {
    message: 'Hello from an ordinary Lambda function',
    functionName: context.functionName,
    received: event,
  };
}
