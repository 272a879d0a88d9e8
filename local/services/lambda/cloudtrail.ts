import { createHash, randomUUID } from 'node:crypto';
import type { AwsRequest, BusEvent, Caller } from '../../types.js';

/**
 * The Lambda API calls CloudTrail records, with the dated event names the Lambda Developer Guide lists
 * ("Logging AWS Lambda API calls using AWS CloudTrail").
 */
export const CLOUDTRAIL_EVENT_NAMES = {
  DeleteFunction: 'DeleteFunction20150331',
  TagResource: 'TagResource20170331v2',
  UntagResource: 'UntagResource20170331v2',
  AddPermission: 'AddPermission20150331v2',
  RemovePermission: 'RemovePermission20150331v2',
} as const;

export type RecordedAction = keyof typeof CLOUDTRAIL_EVENT_NAMES;

/**
 * The event a successful management call puts on the default bus of the function's account, as
 * CloudTrail delivers it to EventBridge ("AWS API Call via CloudTrail", source aws.lambda). With it,
 * `aws lambda tag-resource` against the stack starts a registration as it would in an account.
 * requestParameters are the request's members as the caller sent them (DeleteFunction's
 * functionName may be a name, a partial ARN or an ARN).
 */
export function cloudTrailEvent(
  request: AwsRequest,
  action: RecordedAction,
  target: { accountId: string; region: string },
  requestParameters: Record<string, unknown>,
  responseElements: Record<string, unknown> | null,
  requestId: string,
): BusEvent {
  const time = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.lambda',
    account: target.accountId,
    time,
    region: target.region,
    resources: [],
    detail: {
      eventVersion: '1.09',
      userIdentity: userIdentity(request.caller, request.accessKeyId),
      eventTime: time,
      eventSource: 'lambda.amazonaws.com',
      eventName: CLOUDTRAIL_EVENT_NAMES[action],
      awsRegion: target.region,
      sourceIPAddress: '127.0.0.1',
      userAgent: String(request.headers['user-agent'] ?? 'unknown'),
      requestParameters,
      responseElements,
      requestID: requestId,
      eventID: randomUUID(),
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: target.accountId,
      eventCategory: 'Management',
    },
  };
}

// CloudTrail's userIdentity: Root for an account's own key, AssumedRole for role sessions.
function userIdentity(caller: Caller, accessKeyId: string): Record<string, unknown> {
  const session = /^arn:aws:sts::\d{12}:assumed-role\/([^/]+)\/(.+)$/.exec(caller.principalArn);
  if (!session) {
    return {
      type: 'Root',
      principalId: caller.accountId,
      arn: caller.principalArn,
      accountId: caller.accountId,
      accessKeyId,
    };
  }
  const roleId = `AROA${createHash('sha256')
    .update(caller.roleArn ?? caller.principalArn)
    .digest('hex')
    .slice(0, 17)
    .toUpperCase()}`;
  return {
    type: 'AssumedRole',
    principalId: `${roleId}:${session[2]}`,
    arn: caller.principalArn,
    accountId: caller.accountId,
    accessKeyId,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: roleId,
        arn: caller.roleArn ?? `arn:aws:iam::${caller.accountId}:role/${session[1]}`,
        accountId: caller.accountId,
        userName: session[1],
      },
      attributes: {
        creationDate: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        mfaAuthenticated: 'false',
      },
    },
  };
}
