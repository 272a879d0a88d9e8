import {
  CloudFormationClient,
  CloudFormationServiceException,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { OperatorError } from '../../../ops/errors.js';
import { findHub } from '../../../ops/hub.js';

const cloudformation = mockClient(CloudFormationClient);
const client = new CloudFormationClient({ region: 'eu-west-1' });
const where = { stage: 'prod', region: 'eu-west-1' };
const outputs = {
  RegisterConnectorStateMachineArn:
    'arn:aws:states:eu-west-1:111111111111:stateMachine:appflow-connector-registrar-prod-register-connector',
  UnregisterConnectorStateMachineArn:
    'arn:aws:states:eu-west-1:111111111111:stateMachine:appflow-connector-registrar-prod-unregister-connector',
  HubEventBusArn: 'arn:aws:events:eu-west-1:111111111111:event-bus/appflow-connector-registrar-prod',
  InventoryTableName: 'appflow-connector-registrar-prod-idempotency',
  IdempotencyTableName: 'appflow-connector-registrar-prod-idempotency',
  SweepConnectorsStateMachineArn:
    'arn:aws:states:eu-west-1:111111111111:stateMachine:appflow-connector-registrar-prod-sweep-connectors',
};
const stackWith = (values: Record<string, string>) => ({
  Stacks: [
    {
      StackName: 'appflow-connector-registrar-prod',
      StackId: 'arn:aws:cloudformation:eu-west-1:111111111111:stack/appflow-connector-registrar-prod/0c6f',
      StackStatus: 'UPDATE_COMPLETE' as const,
      CreationTime: new Date(),
      Outputs: Object.entries(values).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
    },
  ],
});
const awsError = (name: string, message: string) =>
  new CloudFormationServiceException({ name, message, $fault: 'client', $metadata: {} });

afterEach(() => cloudformation.reset());

describe('findHub', () => {
  it("asks DescribeStacks for the stage's stack and reads the resources from its outputs", async () => {
    cloudformation.on(DescribeStacksCommand).resolves(stackWith(outputs));

    expect(await findHub(client, where)).toEqual({
      region: 'eu-west-1',
      stackName: 'appflow-connector-registrar-prod',
      stateMachineArn: outputs.RegisterConnectorStateMachineArn,
      unregisterStateMachineArn: outputs.UnregisterConnectorStateMachineArn,
      eventBusArn: outputs.HubEventBusArn,
      inventoryTableName: outputs.InventoryTableName,
      accountId: '111111111111',
      sweepStateMachineArn: outputs.SweepConnectorsStateMachineArn,
    });
    expect(cloudformation).toHaveReceivedCommandWith(DescribeStacksCommand, {
      StackName: 'appflow-connector-registrar-prod',
    });
  });

  it('says which stage and Region it looked in when the stack does not exist', async () => {
    cloudformation
      .on(DescribeStacksCommand)
      .rejects(awsError('ValidationError', 'Stack with id appflow-connector-registrar-prod does not exist'));

    await expect(findHub(client, where)).rejects.toThrow(
      new OperatorError(
        'no hub stack appflow-connector-registrar-prod in eu-west-1: pass the --stage and --region it was deployed with (npx serverless deploy --stage prod --region eu-west-1 creates it)',
      ),
    );
  });

  it('names the output a hub of an older version lacks', async () => {
    const { InventoryTableName: _, ...older } = outputs;
    cloudformation.on(DescribeStacksCommand).resolves(stackWith(older));

    await expect(findHub(client, where)).rejects.toThrow(
      /has no output InventoryTableName: deploy this version of the hub/,
    );
  });

  it('turns a refusal into one line naming the call and the permission to grant', async () => {
    cloudformation
      .on(DescribeStacksCommand)
      .rejects(awsError('AccessDenied', 'User: arn:aws:iam::111111111111:user/ops is not authorized'));

    await expect(findHub(client, where)).rejects.toThrow(
      /^DescribeStacks in eu-west-1 was refused \(AccessDenied: User: .* is not authorized\); grant the operator's role the permission README\.md, "Operating", lists$/,
    );
  });
});
