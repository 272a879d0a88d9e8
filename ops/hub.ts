import {
  type CloudFormationClient,
  DescribeStacksCommand,
  type DescribeStacksCommandOutput,
} from '@aws-sdk/client-cloudformation';
import { call, OperatorError } from './errors.js';

/** The service name of serverless.yml: the hub stack is `<service>-<stage>`, as `serverless deploy` names it. */
export const SERVICE = 'appflow-connector-registrar';

/** One Region's hub, found from its stack's outputs, never typed by hand. */
export interface Hub {
  region: string;
  stackName: string;
  stateMachineArn: string;
  /** The unregistration workflow (`registrar unregister`). */
  unregisterStateMachineArn: string;
  eventBusArn: string;
  /** The table of the inventory `registrar status` reads. */
  inventoryTableName: string;
  /** The hub's own account, read from the stack's ARN: what `registrar sweep` sweeps by default. */
  accountId: string;
  /** The drift sweep; undefined for a hub deployed before it. */
  sweepStateMachineArn?: string;
}

/** The hub stack's name for a stage. */
export function hubStackName(stage: string): string {
  return `${SERVICE}-${stage}`;
}

/**
 * Reads the hub stack of a stage in a Region (DescribeStacks) and returns the resources its outputs
 * name. A missing stack or output is an OperatorError saying which stage and Region were looked at.
 *
 * @example const hub = await findHub(clients.in('eu-west-1').cloudformation, { stage: 'prod', region: 'eu-west-1' })
 */
export async function findHub(
  cloudformation: CloudFormationClient,
  where: { stage: string; region: string; endpointUrl?: string | undefined },
): Promise<Hub> {
  const stackName = hubStackName(where.stage);
  const site = { operation: 'DescribeStacks', region: where.region, endpointUrl: where.endpointUrl };
  let answer: DescribeStacksCommandOutput;
  try {
    answer = await cloudformation.send(new DescribeStacksCommand({ StackName: stackName }));
  } catch (error) {
    if ((error as Error).name === 'ValidationError' && /does not exist/.test((error as Error).message)) {
      throw new OperatorError(
        `no hub stack ${stackName} in ${where.region}: pass the --stage and --region it was deployed with (npx serverless deploy --stage ${where.stage} --region ${where.region} creates it)`,
        { cause: error },
      );
    }
    return call(() => Promise.reject(error), site);
  }
  const stack = answer.Stacks?.[0];
  const outputs = new Map((stack?.Outputs ?? []).map((output) => [output.OutputKey, output.OutputValue]));
  const output = (key: string): string => {
    const value = outputs.get(key);
    if (!value) {
      throw new OperatorError(
        `the hub stack ${stackName} in ${where.region} has no output ${key}: deploy this version of the hub (npx serverless deploy --stage ${where.stage} --region ${where.region})`,
      );
    }
    return value;
  };
  return {
    region: where.region,
    stackName,
    stateMachineArn: output('RegisterConnectorStateMachineArn'),
    unregisterStateMachineArn: output('UnregisterConnectorStateMachineArn'),
    eventBusArn: output('HubEventBusArn'),
    inventoryTableName: output('InventoryTableName'),
    accountId: stack?.StackId?.split(':')[4] ?? '',
    ...(outputs.get('SweepConnectorsStateMachineArn')
      ? { sweepStateMachineArn: outputs.get('SweepConnectorsStateMachineArn') as string }
      : {}),
  };
}
