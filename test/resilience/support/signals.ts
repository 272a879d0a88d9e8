import { randomUUID } from 'node:crypto';
import { functionArnOf, LABEL_TAG, type WorldFunction } from './world.js';

/** A PutEvents entry with Detail as an object, and the account and Region that put it. */
export interface Signal {
  /** The account whose credentials sign PutEvents: EventBridge sets the envelope's account from it. */
  account: string;
  region: string;
  /** Who signs: default the AWS-service stand-in for aws.* sources (CloudTrail, CloudFormation). */
  putBy?: 'account' | 'aws-service';
  entry: {
    Source: string;
    DetailType: string;
    /** An object, or the raw JSON text PutEvents carries (hostile fixtures send malformed text). */
    Detail: Record<string, unknown> | string;
    Resources?: string[];
  };
}

const CLOUDTRAIL = 'AWS API Call via CloudTrail';
const TIME = '2025-06-03T09:14:02Z';

function cloudTrail(fn: WorldFunction, eventName: string, fields: Record<string, unknown>): Signal {
  return {
    account: fn.accountId,
    region: fn.region,
    entry: {
      Source: 'aws.lambda',
      DetailType: CLOUDTRAIL,
      Detail: {
        eventVersion: '1.09',
        userIdentity: {
          type: 'AssumedRole',
          arn: `arn:aws:sts::${fn.accountId}:assumed-role/connector-deployer/ci`,
          accountId: fn.accountId,
        },
        eventTime: TIME,
        eventSource: 'lambda.amazonaws.com',
        eventName,
        awsRegion: fn.region,
        sourceIPAddress: '203.0.113.24',
        userAgent: 'aws-sdk-js/3.1164.0',
        ...fields,
        requestID: randomUUID(),
        eventID: randomUUID(),
        readOnly: false,
        eventType: 'AwsApiCall',
        managementEvent: true,
        recipientAccountId: fn.accountId,
        eventCategory: 'Management',
      },
      Resources: [],
    },
  };
}

/** CloudTrail's CreateFunction with the label tag in the request, as Lambda records it. */
export function createFunctionSignal(fn: WorldFunction): Signal {
  return cloudTrail(fn, 'CreateFunction20150331', {
    requestParameters: {
      functionName: fn.name,
      runtime: 'nodejs22.x',
      handler: 'index.handler',
      tags: fn.tags ?? { [LABEL_TAG]: fn.name },
    },
    responseElements: {
      functionName: fn.name,
      functionArn: functionArnOf(fn),
      runtime: 'nodejs22.x',
      state: 'Pending',
      version: '$LATEST',
    },
  });
}

/** CloudTrail's TagResource adding the label tag to the function. */
export function tagResourceSignal(fn: WorldFunction): Signal {
  return cloudTrail(fn, 'TagResource20170331v2', {
    requestParameters: { resource: functionArnOf(fn), tags: fn.tags ?? { [LABEL_TAG]: fn.name } },
    responseElements: null,
  });
}

/** CloudFormation's resource status change of the AWS::Lambda::Function (physical id = name). */
export function cloudFormationSignal(fn: WorldFunction, status = 'CREATE_COMPLETE'): Signal {
  const stackId = `arn:aws:cloudformation:${fn.region}:${fn.accountId}:stack/${fn.name}/${randomUUID()}`;
  return {
    account: fn.accountId,
    region: fn.region,
    entry: {
      Source: 'aws.cloudformation',
      DetailType: 'CloudFormation Resource Status Change',
      Detail: {
        'stack-id': stackId,
        'logical-resource-id': 'ConnectorFunction',
        'physical-resource-id': fn.name,
        'status-details': { status, 'status-reason': '' },
        'resource-type': 'AWS::Lambda::Function',
        'client-request-token': `exec-${randomUUID()}`,
      },
      Resources: [stackId],
    },
  };
}

/** The CI/CD pipeline's explicit "Connector Lambda Deployed" event. */
export function pipelineSignal(fn: WorldFunction, hints: Record<string, unknown> = {}): Signal {
  return {
    account: fn.accountId,
    region: fn.region,
    entry: {
      Source: 'com.example.connector-pipeline',
      DetailType: 'Connector Lambda Deployed',
      Detail: { functionArn: functionArnOf(fn), ...hints },
      Resources: [],
    },
  };
}
