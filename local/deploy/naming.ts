import { createHash } from 'node:crypto';

/**
 * The names serverless and serverless-step-functions give the resources they generate
 * (osls lib/plugins/aws/lib/naming.js, serverless-step-functions lib/naming.js), so a `!GetAtt
 * VerifyFunctionLambdaFunction.Arn` in serverless.yml finds the function it names on AWS.
 */

/** `verify-function_x` → `VerifyDashfunctionUnderscorex`: serverless's getNormalizedResourceName. */
export function normalizedName(name: string): string {
  const replaced = name.replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
  return replaced.charAt(0).toUpperCase() + replaced.slice(1);
}

export function lambdaLogicalId(functionKey: string): string {
  return `${normalizedName(functionKey)}LambdaFunction`;
}

export function logGroupLogicalId(functionKey: string): string {
  return `${normalizedName(functionKey)}LogGroup`;
}

/** serverless-step-functions: `id`, else `name`, else `<Key>StepFunctionsStateMachine`. */
export function stateMachineLogicalId(key: string, config: { id?: unknown; name?: unknown }): string {
  const custom =
    typeof config.id === 'string' ? config.id : typeof config.name === 'string' ? config.name : null;
  return custom !== null ? normalizedName(custom) : `${normalizedName(key)}StepFunctionsStateMachine`;
}

/** The role serverless creates when a function names none. */
export const DEFAULT_LAMBDA_ROLE_LOGICAL_ID = 'IamRoleLambdaExecution';

/**
 * The physical name CloudFormation generates for a resource without an explicit name:
 * `<stack>-<LogicalId>-<suffix>`, the suffix derived from the logical id so it is the same on every run.
 */
export function generatedName(stackName: string, logicalId: string, maxLength = 64): string {
  const suffix = createHash('sha256')
    .update(`${stackName}/${logicalId}`)
    .digest('hex')
    .slice(0, 12)
    .toUpperCase();
  const base = `${stackName}-${logicalId}`;
  return `${base.slice(0, Math.max(1, maxLength - suffix.length - 1))}-${suffix}`;
}
