import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one logger of a function, created once at module scope. Handlers add the execution ARN and
 * the connector label as persistent keys so every line of an invocation carries them.
 */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'appflow-connector-registrar',
});
