import type { PolicyStatement } from './schema.js';

/** The statement id of the `"policy": "appflow"` shorthand. */
export const APPFLOW_POLICY_SID = 'AppFlowConnectorInvoke';

/** The resource policy statement `aws lambda add-permission` writes to let AppFlow in this account invoke a function. */
export function appFlowPolicyStatement(
  accountId: string,
  region: string,
  functionArn: string,
): PolicyStatement {
  return {
    Sid: APPFLOW_POLICY_SID,
    Effect: 'Allow',
    Principal: { Service: 'appflow.amazonaws.com' },
    Action: 'lambda:InvokeFunction',
    Resource: functionArn,
    Condition: {
      StringEquals: { 'AWS:SourceAccount': accountId },
      ArnLike: { 'AWS:SourceArn': `arn:aws:appflow:${region}:${accountId}:*` },
    },
  };
}
