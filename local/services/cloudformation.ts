import type { DeployedStack } from '../deploy/deploy.js';
import { AwsServiceError } from '../http/errors.js';
import { escapeXml, queryResponse } from '../http/protocols.js';
import { queryAction } from '../http/query.js';
import type { AwsRequest, Caller, EmulatedService } from '../types.js';

/**
 * The emulated CloudFormation (query protocol, version 2010-05-15): DescribeStacks,
 * DescribeStackResources and ListStackResources over the stacks the local stack deployed, so a
 * tool finds the hub and the spokes from their outputs and physical ids as it would on AWS.
 */

export const CLOUDFORMATION_NAMESPACE = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
const VERSION = '2010-05-15';
/** What DescribeStacks shows for a NoEcho parameter (as AWS answers it; the user guide writes "*****"). */
export const NO_ECHO_MASK = '****';
const ACTIONS = ['DescribeStacks', 'DescribeStackResources', 'ListStackResources'] as const;
type Action = (typeof ACTIONS)[number];
/** DescribeStackResources returns "only the first 100 resources". */
const DESCRIBE_RESOURCES_LIMIT = 100;

/** How a stack came to be, which DescribeStacks shows: its status, capabilities and tags. */
export interface StackDeployment {
  status: 'CREATE_COMPLETE' | 'UPDATE_COMPLETE';
  capabilities: readonly string[];
  tags: Readonly<Record<string, string>>;
}

/**
 * `serverless deploy` of a new stage: osls creates the stack with its deployment bucket, then
 * updates it with the packaged template, with CAPABILITY_IAM and CAPABILITY_NAMED_IAM and the tag
 * STAGE (osls lib/plugins/aws/lib/get-shared-stack-action-params.js, deploy/lib/create-stack.js).
 */
export function serverlessDeployment(stage: string): StackDeployment {
  return {
    status: 'UPDATE_COMPLETE',
    capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
    tags: { STAGE: stage },
  };
}

/** A stack instance of the README's StackSet, created with `--capabilities CAPABILITY_NAMED_IAM`. */
export const STACK_SET_DEPLOYMENT: StackDeployment = {
  status: 'CREATE_COMPLETE',
  capabilities: ['CAPABILITY_NAMED_IAM'],
  tags: {},
};

export interface CloudFormationServiceOptions {
  now?: () => Date;
  /** Stacks per DescribeStacks page and resources per ListStackResources page. Default 100. */
  pageSize?: number;
}

export interface CloudFormationService extends EmulatedService {
  /** Records a stack the local stack deployed. */
  deploy(stack: DeployedStack, deployment: StackDeployment): void;
}

interface Described {
  stack: DeployedStack;
  deployment: StackDeployment;
  createdAt: Date;
}

/**
 * Creates the CloudFormation service.
 *
 * @example
 * const cloudformation = createCloudFormationService();
 * cloudformation.deploy(hub.stack, serverlessDeployment('dev'));
 */
export function createCloudFormationService(
  options: CloudFormationServiceOptions = {},
): CloudFormationService {
  const now = options.now ?? (() => new Date());
  const pageSize = options.pageSize ?? 100;
  const stacks: Described[] = [];

  const visible = (caller: Caller, region: string) =>
    stacks.filter(({ stack }) => stack.accountId === caller.accountId && stack.region === region);

  /** A stack by name or stack id, in the caller's account and the request's Region. */
  const find = (request: AwsRequest, nameOrId: string): Described => {
    const found = visible(request.caller, request.region).find(({ stack }) =>
      nameOrId.startsWith('arn:') ? stack.stackId === nameOrId : stack.stackName === nameOrId,
    );
    if (found === undefined) throw validationError(`Stack with id ${nameOrId} does not exist`);
    return found;
  };

  const operations: Record<Action, (request: AwsRequest, params: URLSearchParams) => string> = {
    DescribeStacks: (request, params) => {
      const name = params.get('StackName');
      if (name !== null) return `<Stacks>${stackXml(find(request, name))}</Stacks>`;
      const listId = `stacks|${request.caller.accountId}|${request.region}`;
      const page = paginate(visible(request.caller, request.region), params, listId, pageSize);
      return `<Stacks>${page.items.map(stackXml).join('')}</Stacks>${page.nextTokenXml}`;
    },
    DescribeStackResources: (request, params) => {
      const name = params.get('StackName');
      const physicalId = params.get('PhysicalResourceId');
      if (name !== null && physicalId !== null) {
        throw validationError('Specify either StackName or PhysicalResourceId, not both.');
      }
      let described: Described;
      if (name !== null) {
        described = find(request, name);
      } else if (physicalId !== null) {
        const owner = visible(request.caller, request.region).find(({ stack }) =>
          stack.resources.some((resource) => resource.physicalId === physicalId),
        );
        if (owner === undefined) throw validationError(`Stack for ${physicalId} does not exist`);
        described = owner;
      } else {
        throw validationError('Either StackName or PhysicalResourceId must be specified.');
      }
      const logicalId = params.get('LogicalResourceId');
      const resources = described.stack.resources
        .filter((resource) => logicalId === null || resource.logicalId === logicalId)
        .slice(0, DESCRIBE_RESOURCES_LIMIT);
      return `<StackResources>${resources.map((resource) => resourceXml(described, resource, 'StackResource')).join('')}</StackResources>`;
    },
    ListStackResources: (request, params) => {
      const name = params.get('StackName');
      if (name === null) {
        throw validationError(
          "1 validation error detected: Value null at 'stackName' failed to satisfy constraint: Member must not be null",
        );
      }
      const described = find(request, name);
      const page = paginate(
        described.stack.resources,
        params,
        `resources|${described.stack.stackId}`,
        pageSize,
      );
      return `<StackResourceSummaries>${page.items.map((resource) => resourceXml(described, resource, 'StackResourceSummary')).join('')}</StackResourceSummaries>${page.nextTokenXml}`;
    },
  };

  const handle = async (request: AwsRequest) => {
    const { action, params } = queryAction(request, VERSION, ACTIONS);
    return queryResponse(action, operations[action](request, params), CLOUDFORMATION_NAMESPACE);
  };

  return {
    signingName: 'cloudformation',
    protocol: 'query',
    handle,
    deploy: (stack, deployment) => {
      stacks.push({ stack, deployment, createdAt: now() });
    },
  };
}

function validationError(message: string): AwsServiceError {
  return new AwsServiceError(400, 'ValidationError', message);
}

function element(name: string, value: string | undefined): string {
  return value === undefined ? '' : `<${name}>${escapeXml(value)}</${name}>`;
}

function members(name: string, items: readonly string[]): string {
  return `<${name}>${items.map((item) => `<member>${item}</member>`).join('')}</${name}>`;
}

/** A Stack as DescribeStacks writes it (the API reference's Stack data type). */
function stackXml({ stack, deployment, createdAt }: Described): string {
  const time = createdAt.toISOString();
  const parameters = Object.entries(stack.parameters).map(
    ([key, value]) =>
      element('ParameterKey', key) +
      element(
        'ParameterValue',
        stack.noEchoParameters.includes(key) ? NO_ECHO_MASK : Array.isArray(value) ? value.join(',') : value,
      ),
  );
  const outputs = Object.entries(stack.outputs).map(
    ([key, output]) =>
      element('OutputKey', key) +
      element('OutputValue', output.value) +
      element('Description', output.description) +
      element('ExportName', output.exportName),
  );
  return (
    '<member>' +
    element('StackId', stack.stackId) +
    element('StackName', stack.stackName) +
    element('Description', stack.description) +
    (parameters.length > 0 ? members('Parameters', parameters) : '') +
    element('CreationTime', time) +
    (deployment.status === 'UPDATE_COMPLETE' ? element('LastUpdatedTime', time) : '') +
    '<RollbackConfiguration></RollbackConfiguration>' +
    element('StackStatus', deployment.status) +
    element('DisableRollback', 'false') +
    members('NotificationARNs', []) +
    members(
      'Capabilities',
      deployment.capabilities.map((capability) => escapeXml(capability)),
    ) +
    (outputs.length > 0 ? members('Outputs', outputs) : '') +
    members(
      'Tags',
      Object.entries(deployment.tags).map(([key, value]) => element('Key', key) + element('Value', value)),
    ) +
    element('EnableTerminationProtection', 'false') +
    '<DriftInformation><StackDriftStatus>NOT_CHECKED</StackDriftStatus></DriftInformation>' +
    '</member>'
  );
}

type Resource = DeployedStack['resources'][number];

/** A StackResource (DescribeStackResources) or, shorter, a StackResourceSummary (ListStackResources). */
function resourceXml(
  { stack, createdAt }: Described,
  resource: Resource,
  shape: 'StackResource' | 'StackResourceSummary',
): string {
  const full = shape === 'StackResource';
  return (
    '<member>' +
    (full ? element('StackName', stack.stackName) + element('StackId', stack.stackId) : '') +
    element('LogicalResourceId', resource.logicalId) +
    element('PhysicalResourceId', resource.physicalId) +
    element('ResourceType', resource.type) +
    element(full ? 'Timestamp' : 'LastUpdatedTimestamp', createdAt.toISOString()) +
    element('ResourceStatus', 'CREATE_COMPLETE') +
    '<DriftInformation><StackResourceDriftStatus>NOT_CHECKED</StackResourceDriftStatus></DriftInformation>' +
    '</member>'
  );
}

/** NextToken paging; a token names the list it came from, so another list's token is refused. */
function paginate<T>(
  items: readonly T[],
  params: URLSearchParams,
  listId: string,
  pageSize: number,
): { items: readonly T[]; nextTokenXml: string } {
  const token = params.get('NextToken');
  let offset = 0;
  if (token !== null) {
    const match = /^(\d+)\|(.*)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
    if (match === null || match[2] !== listId) throw validationError(`Invalid NextToken: ${token}`);
    offset = Number(match[1]);
  }
  const end = offset + pageSize;
  return {
    items: items.slice(offset, end),
    nextTokenXml:
      end < items.length ? element('NextToken', Buffer.from(`${end}|${listId}`).toString('base64url')) : '',
  };
}
