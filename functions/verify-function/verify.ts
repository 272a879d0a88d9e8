import type { Logger } from '@aws-lambda-powertools/logger';
import type { ClientFactory } from '../shared/clients.js';
import type { HubConfig } from '../shared/config.js';
import { guardFunction } from '../shared/guards.js';
import type { VerifyOutput } from '../shared/types.js';
import { parseVerifyInput } from '../shared/workflow-input.js';
import type { VerifyConfig } from './config.js';
import { readFunction } from './function-state.js';
import { resolveOptIn } from './opt-in.js';
import { checkAppFlowPermission } from './policy.js';
import { probeConnector } from './probe.js';

/** What verifyFunction works with; the handler passes the module-scope ones, a test its own. */
export interface VerifyDependencies {
  clientsFor: ClientFactory;
  hub: Pick<HubConfig, 'allowedAccountIds' | 'servedRegions' | 'partition'>;
  config: VerifyConfig;
  logger: Pick<Logger, 'info' | 'warn' | 'appendKeys'>;
}

/**
 * VerifyFunction's work: is the function named by a deploy signal an opted-in, healthy AppFlow
 * connector that AppFlow may invoke, in the account the signal came from? Answers NotOptedIn for
 * an untagged function (the workflow ends quietly) and VerifiedConnector for one that may be
 * registered; anything else is thrown under a name the state machine retries or alerts on.
 * No AWS call happens before the input and the ARN have passed the guards.
 */
export async function verifyFunction(event: unknown, deps: VerifyDependencies): Promise<VerifyOutput> {
  const { logger, config } = deps;
  try {
    const input = parseVerifyInput(event);
    const guarded = guardFunction(input, deps.hub);
    const { lambdaArn } = guarded;
    if (guarded.strippedQualifier !== undefined) {
      logger.info('Verifying the unqualified function of a published version', {
        version: guarded.strippedQualifier,
        lambdaArn,
      });
    }

    const { lambda } = deps.clientsFor({
      accountId: input.accountId,
      region: input.region,
      executionArn: input.executionArn,
    });
    const facts = await readFunction(lambda, lambdaArn);

    const optIn = resolveOptIn(facts.tags, input.hints, config, lambdaArn);
    if (!optIn.optedIn) {
      logger.info('Function not opted in: skipped', {
        decision: 'not-opted-in',
        lambdaArn,
        reason: optIn.reason,
        trigger: input.trigger,
      });
      return { optedIn: false, lambdaArn, reason: optIn.reason };
    }
    logger.appendKeys({ connectorLabel: optIn.connectorLabel });

    await checkAppFlowPermission(
      lambda,
      { lambdaArn, accountId: input.accountId, region: input.region, partition: deps.hub.partition },
      (message, fields) => logger.warn(message, fields),
    );
    const identity = await probeConnector(lambda, lambdaArn, config.probeTimeoutMs);

    // What RegisterConnector and the events need, validated: the state machine carries this answer
    // instead of the signal from here on. The connector's own identity is only logged.
    const verified: VerifyOutput = {
      optedIn: true,
      accountId: input.accountId,
      region: input.region,
      connectorLabel: optIn.connectorLabel,
      description: optIn.description,
      lambdaArn,
      codeSha256: facts.codeSha256,
      lastModified: facts.lastModified,
    };
    logger.info('Connector verified', {
      decision: 'verified',
      ...verified,
      labelSource: optIn.labelSource,
      descriptionSource: optIn.descriptionSource,
      connectorName: identity.connectorName,
      connectorVersion: identity.connectorVersion,
      connectorModes: identity.connectorModes,
      functionState: facts.state,
      trigger: input.trigger,
    });
    return verified;
  } catch (error) {
    // Logged for the operator reading this function's logs; rethrown so the state machine decides.
    logger.warn('Function not verified', {
      decision: 'refused',
      errorName: (error as Error).name,
      errorMessage: (error as Error).message,
    });
    throw error;
  }
}
