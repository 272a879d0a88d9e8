import type { AwsRequest } from '../types.js';
import { AwsServiceError } from './errors.js';

/**
 * The Action and parameters of a query-protocol request (STS, CloudFormation): form-encoded body
 * parameters, then the URL's; an action or a Version the service does not have is AWS's
 * InvalidAction.
 *
 * @example const { action, params } = queryAction(request, '2011-06-15', ['GetCallerIdentity']);
 */
export function queryAction<A extends string>(
  request: AwsRequest,
  version: string,
  actions: readonly A[],
): { action: A; params: URLSearchParams } {
  const params = new URLSearchParams(request.body);
  for (const [name, value] of request.query) if (!params.has(name)) params.set(name, value);
  const action = params.get('Action');
  if (!action) throw new AwsServiceError(400, 'MissingAction', 'Missing Action');
  const given = params.get('Version');
  if ((given !== null && given !== version) || !actions.includes(action as A)) {
    throw new AwsServiceError(
      400,
      'InvalidAction',
      `Could not find operation ${action} for version ${given ?? version}`,
    );
  }
  return { action: action as A, params };
}
