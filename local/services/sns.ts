import { randomUUID } from 'node:crypto';
import type { DeployedStack } from '../deploy/deploy.js';
import { AwsServiceError } from '../http/errors.js';
import { escapeXml, queryResponse } from '../http/protocols.js';
import { queryAction } from '../http/query.js';
import type { RoleRegistry } from '../iam/roles.js';
import type { AwsRequest, Caller, EmulatedService } from '../types.js';
import type { AlertMessage } from './events/types.js';

/**
 * The emulated SNS (query protocol, signing name sns): Publish to the topics the deployed templates
 * created, refused as SNS refuses it (a topic that does not exist, a caller whose policies do not
 * allow sns:Publish on it, a message or subject SNS would not take). What is published is handed to
 * `record`: the alert gate's alerts land where the events service keeps the alerts rules publish.
 * Subscriptions are not delivered to.
 */

export const SNS_NAMESPACE = 'http://sns.amazonaws.com/doc/2010-03-31/';
const VERSION = '2010-03-31';
/** SNS's limit on a message, in bytes of UTF-8. */
const MESSAGE_MAX_BYTES = 262_144;
/** "Subjects must be ASCII text that begins with a letter, number, or punctuation mark; must not include line breaks or control characters; and must be less than 100 characters long." */
const SUBJECT = /^[\x21-\x7e][\x20-\x7e]{0,98}$/;

export interface SnsServiceOptions {
  /** The roles of the deployed templates: a session of one may publish only where its policies allow. */
  roles: RoleRegistry;
  record(message: AlertMessage): void;
  now?: () => Date;
}

export interface SnsService extends EmulatedService {
  /** Adds a deployed stack's topics. */
  deploy(stack: DeployedStack): void;
}

/**
 * Creates the SNS service for the server.
 *
 * @example
 * const sns = createSnsService({ roles, record: (message) => alerts.push(message) });
 * sns.deploy(hubStack);
 */
export function createSnsService(options: SnsServiceOptions): SnsService {
  const topics = new Set<string>();
  const now = options.now ?? (() => new Date());

  const handle = async (request: AwsRequest) => {
    const { params } = queryAction(request, VERSION, ['Publish']);
    const message = readPublish(params);
    checkTopic(topics, options.roles, request.caller, message.topicArn);
    const messageId = randomUUID();
    options.record({
      ...message,
      publishedBy: request.caller.principalArn,
      publishedAt: now().toISOString(),
    });
    return queryResponse('Publish', `<MessageId>${escapeXml(messageId)}</MessageId>`, SNS_NAMESPACE);
  };

  return {
    signingName: 'sns',
    protocol: 'query',
    handle,
    deploy: (stack) => {
      for (const topic of stack.topics) topics.add(topic.arn);
    },
  };
}

function readPublish(params: URLSearchParams): Omit<AlertMessage, 'publishedAt' | 'publishedBy'> {
  const topicArn = params.get('TopicArn') ?? params.get('TargetArn');
  const message = params.get('Message');
  const subject = params.get('Subject');
  if (topicArn === null || topicArn === '')
    throw invalidParameter('TopicArn or TargetArn Reason: no value for required parameter');
  if (message === null || message === '') throw invalidParameter('Empty message');
  if (Buffer.byteLength(message, 'utf8') > MESSAGE_MAX_BYTES) throw invalidParameter('Message too long');
  if (subject !== null && !SUBJECT.test(subject)) throw invalidParameter('Subject');
  const eventId = messageAttributes(params).eventId;
  return {
    topicArn,
    message,
    ...(subject !== null ? { subject } : {}),
    ...(eventId !== undefined ? { eventId } : {}),
  };
}

/** The String attributes of a Publish: MessageAttributes.entry.N.Name / .Value.StringValue. */
function messageAttributes(params: URLSearchParams): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (let n = 1; params.has(`MessageAttributes.entry.${n}.Name`); n++) {
    const name = params.get(`MessageAttributes.entry.${n}.Name`) as string;
    const value = params.get(`MessageAttributes.entry.${n}.Value.StringValue`);
    if (value !== null) attributes[name] = value;
  }
  return attributes;
}

function checkTopic(topics: Set<string>, roles: RoleRegistry, caller: Caller, topicArn: string): void {
  if (!topics.has(topicArn)) throw new AwsServiceError(404, 'NotFound', 'Topic does not exist');
  // The topic policies of the templates admit AWS services only: another account has no way in.
  const sameAccount = topicArn.split(':')[4] === caller.accountId;
  const denied = roles.denial(caller, 'sns:Publish', topicArn, 403);
  if (sameAccount && denied === undefined) return;
  throw new AwsServiceError(
    403,
    'AuthorizationError',
    `User: ${caller.principalArn} is not authorized to perform: SNS:Publish on resource: ${topicArn} because no ${sameAccount ? 'identity-based' : 'resource-based'} policy allows the SNS:Publish action`,
  );
}

function invalidParameter(what: string): AwsServiceError {
  return new AwsServiceError(400, 'InvalidParameter', `Invalid parameter: ${what}`);
}
