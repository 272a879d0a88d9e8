import type { RoleRegistry } from '../iam/roles.js';
import type { DeployedStack } from './deploy.js';
import { TemplateError } from './errors.js';

/**
 * Checks, as Lambda's CreateFunction and Step Functions' CreateStateMachine do, that each function's
 * and state machine's role lets its service assume it for this resource (aws:SourceAccount and
 * aws:SourceArn, the confused-deputy conditions). A role of another template or account is not known
 * here and is taken as it is.
 */
export function checkServiceRoles(roles: RoleRegistry, stack: DeployedStack): void {
  const uses = [
    ...stack.functions.map((fn) => ({
      service: 'lambda.amazonaws.com',
      roleArn: fn.roleArn,
      arn: fn.arn,
      what: `function ${fn.name}`,
    })),
    ...stack.stateMachines.map((machine) => ({
      service: 'states.amazonaws.com',
      roleArn: machine.roleArn,
      arn: machine.arn,
      what: `state machine ${machine.name}`,
    })),
  ];
  for (const use of uses) {
    const role = roles.get(use.roleArn);
    if (role === undefined) continue;
    const refusal = roles.whyNotAssumable(role, {
      principal: { kind: 'service', service: use.service },
      context: { 'aws:SourceAccount': stack.accountId, 'aws:SourceArn': use.arn },
    });
    if (refusal !== undefined) {
      throw new TemplateError(
        `${stack.stackName}: creating the ${use.what} fails: ${use.service} cannot assume its role (${refusal}).`,
      );
    }
  }
}
