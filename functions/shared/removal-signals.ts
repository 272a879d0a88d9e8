import { InvalidInputError } from './errors.js';
import {
  CLOUDFORMATION_DELETE_COMPLETE,
  CLOUDTRAIL_DELETE_FUNCTION,
  OPERATOR_UNREGISTER_TRIGGER,
} from './event-types.js';
import { printable } from './text.js';
import type { WorkflowInput } from './types.js';

/**
 * What a removal signal claims, to be confirmed against AWS before anything is unregistered:
 * `deleted`, the function is gone (CloudTrail DeleteFunction, CloudFormation DELETE_COMPLETE);
 * `tags-changed`, its appflow:connector-label tag was removed or changed (CloudTrail UntagResource,
 * TagResource); `requested`, an operator asks (`registrar unregister`) and claims nothing, so, as for
 * a tag signal, a function that still exists keeps the label it carries; `orphaned`, the drift sweep
 * found a registration of the registrar whose function is gone or no longer carries its label
 * (confirmed as a tag change is, and reported as `orphaned`).
 */
export type RemovalClaim = 'deleted' | 'tags-changed' | 'requested' | 'orphaned';

type Trigger = Pick<WorkflowInput['trigger'], 'kind' | 'name'>;

/** Whether the trigger is a CloudTrail DeleteFunction call, under either name Lambda logs. */
export function isDeleteFunctionSignal(trigger: Trigger): boolean {
  return (
    trigger.kind === 'cloudtrail' && (CLOUDTRAIL_DELETE_FUNCTION as readonly string[]).includes(trigger.name)
  );
}

/**
 * The claim of a removal signal, from the trigger the rule's input transformer wrote. Any other
 * trigger is InvalidInputError: a rule that starts the unregistration workflow with a deploy signal
 * is a wiring mistake, and a deploy signal claims nothing about a removal.
 *
 * @example removalClaimOf({ kind: 'cloudtrail', name: 'UntagResource20170331v2' }) // 'tags-changed'
 */
export function removalClaimOf(trigger: Trigger): RemovalClaim {
  if (isDeleteFunctionSignal(trigger)) return 'deleted';
  if (trigger.kind === 'cloudformation' && trigger.name === CLOUDFORMATION_DELETE_COMPLETE) return 'deleted';
  if (trigger.kind === 'cloudtrail' && /^(Untag|Tag)Resource/.test(trigger.name)) return 'tags-changed';
  if (trigger.kind === 'pipeline' && trigger.name === OPERATOR_UNREGISTER_TRIGGER) return 'requested';
  if (trigger.kind === 'sweep' && trigger.name === 'orphaned') return 'orphaned';
  throw new InvalidInputError(
    `trigger ${trigger.kind} "${printable(trigger.name)}" is not a removal signal; the unregistration workflow is started by CloudTrail DeleteFunction, UntagResource and TagResource, by CloudFormation DELETE_COMPLETE, by \`${OPERATOR_UNREGISTER_TRIGGER}\` and by the drift sweep (orphaned). Check the rule that started this execution.`,
  );
}
