import { createHash } from 'node:crypto';

/**
 * What `Ref` and `Fn::GetAtt` return for each resource type the hub uses, as the CloudFormation
 * resource reference documents them: a Lambda function's Ref is its name, an SNS topic's its ARN,
 * a state machine's its ARN, a rule's on a custom bus `bus|rule`…
 */
export interface ResourceIdentity {
  ref: string;
  attributes: Record<string, string>;
}

export interface StackContext {
  stackName: string;
  accountId: string;
  region: string;
  partition: string;
}

/** Reads a (resolved) string property of the resource, or undefined when it is not set. */
export type PropertyReader = (name: string) => string | undefined;

/** `arn:aws:events:eu-west-1:111111111111:event-bus/hub` → `hub`; a name stays a name. */
export function busNameOf(nameOrArn: string): string {
  const match = /^arn:[^:]+:events:[^:]*:\d{12}:event-bus\/(.+)$/.exec(nameOrArn);
  return match?.[1] ?? nameOrArn;
}

/**
 * The physical name CloudFormation generates for a resource without an explicit name:
 * `<stack>-<LogicalId>-<suffix>`. The suffix is random on AWS, so two stacks of one name (the hub in
 * two Regions) never share a global name such as a role's; here it is derived from the account,
 * Region, stack and logical id, so it is also the same on every run.
 */
export function generatedName(stack: StackContext, logicalId: string, maxLength = 64): string {
  const suffix = createHash('sha256')
    .update(`${stack.accountId}/${stack.region}/${stack.stackName}/${logicalId}`)
    .digest('hex')
    .slice(0, 12)
    .toUpperCase();
  const base = `${stack.stackName}-${logicalId}`;
  return `${base.slice(0, Math.max(1, maxLength - suffix.length - 1))}-${suffix}`;
}

function hashId(prefix: string, seed: string): string {
  return `${prefix}${createHash('sha256').update(seed).digest('hex').slice(0, 17).toUpperCase()}`;
}

/**
 * The Ref value and attributes of one resource, or undefined for a type the local stack does not
 * model (its Ref is then a generated id and it has no attributes).
 */
export function identityOf(
  logicalId: string,
  type: string,
  property: PropertyReader,
  stack: StackContext,
): ResourceIdentity {
  const { accountId: account, region, partition } = stack;
  const named = (prop: string, maxLength: number) =>
    property(prop) ?? generatedName(stack, logicalId, maxLength);
  switch (type) {
    case 'AWS::Lambda::Function': {
      const name = named('FunctionName', 64);
      return {
        ref: name,
        attributes: { Arn: `arn:${partition}:lambda:${region}:${account}:function:${name}` },
      };
    }
    case 'AWS::Events::EventBus': {
      const name = named('Name', 256);
      return {
        ref: name,
        attributes: { Arn: `arn:${partition}:events:${region}:${account}:event-bus/${name}`, Name: name },
      };
    }
    case 'AWS::Events::Rule': {
      const name = named('Name', 64);
      const bus = busNameOf(property('EventBusName') ?? 'default');
      const path = bus === 'default' ? name : `${bus}/${name}`;
      return {
        ref: bus === 'default' ? name : `${bus}|${name}`,
        attributes: { Arn: `arn:${partition}:events:${region}:${account}:rule/${path}` },
      };
    }
    case 'AWS::DynamoDB::Table': {
      const name = named('TableName', 255);
      const arn = `arn:${partition}:dynamodb:${region}:${account}:table/${name}`;
      return { ref: name, attributes: { Arn: arn, StreamArn: `${arn}/stream/1970-01-01T00:00:00.000` } };
    }
    case 'AWS::SNS::Topic': {
      const name = named('TopicName', 256);
      const arn = `arn:${partition}:sns:${region}:${account}:${name}`;
      return { ref: arn, attributes: { TopicArn: arn, TopicName: name } };
    }
    case 'AWS::SQS::Queue': {
      const name = named('QueueName', 80);
      return {
        ref: `https://sqs.${region}.amazonaws.com/${account}/${name}`,
        attributes: { Arn: `arn:${partition}:sqs:${region}:${account}:${name}`, QueueName: name },
      };
    }
    case 'AWS::StepFunctions::StateMachine': {
      const name = named('StateMachineName', 80);
      const arn = `arn:${partition}:states:${region}:${account}:stateMachine:${name}`;
      return { ref: arn, attributes: { Arn: arn, Name: name } };
    }
    case 'AWS::IAM::Role': {
      const name = named('RoleName', 64);
      const path = property('Path') ?? '/';
      return {
        ref: name,
        attributes: {
          Arn: `arn:${partition}:iam::${account}:role${path}${name}`,
          RoleId: hashId('AROA', `${account}/${name}`),
        },
      };
    }
    case 'AWS::IAM::ManagedPolicy': {
      const name = named('ManagedPolicyName', 128);
      const arn = `arn:${partition}:iam::${account}:policy${property('Path') ?? '/'}${name}`;
      return { ref: arn, attributes: { PolicyArn: arn } };
    }
    case 'AWS::Logs::LogGroup': {
      const name = named('LogGroupName', 512);
      return {
        ref: name,
        attributes: { Arn: `arn:${partition}:logs:${region}:${account}:log-group:${name}:*` },
      };
    }
    case 'AWS::CloudWatch::Alarm': {
      const name = named('AlarmName', 255);
      return {
        ref: name,
        attributes: { Arn: `arn:${partition}:cloudwatch:${region}:${account}:alarm:${name}` },
      };
    }
    default:
      return { ref: generatedName(stack, logicalId, 128), attributes: {} };
  }
}
