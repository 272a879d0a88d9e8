/** The Lambda operations the emulation serves, and where their HTTP bindings put each input. */
export type LambdaOperation =
  | 'ListFunctions'
  | 'GetFunction'
  | 'DeleteFunction'
  | 'GetFunctionConfiguration'
  | 'GetPolicy'
  | 'AddPermission'
  | 'RemovePermission'
  | 'Invoke'
  | 'ListTags'
  | 'TagResource'
  | 'UntagResource';

export interface Route {
  operation: LambdaOperation;
  /** URL-decoded path labels: FunctionName, StatementId or Resource. */
  functionName?: string;
  statementId?: string;
  resource?: string;
}

/** The operations and HTTP bindings, from Lambda's service model (@aws-sdk/client-lambda schemas). */
export const SERVED_OPERATIONS: readonly string[] = [
  'GET /2015-03-31/functions (ListFunctions)',
  'GET|DELETE /2015-03-31/functions/{FunctionName} (GetFunction, DeleteFunction)',
  'GET /2015-03-31/functions/{FunctionName}/configuration (GetFunctionConfiguration)',
  'GET|POST /2015-03-31/functions/{FunctionName}/policy (GetPolicy, AddPermission)',
  'DELETE /2015-03-31/functions/{FunctionName}/policy/{StatementId} (RemovePermission)',
  'POST /2015-03-31/functions/{FunctionName}/invocations (Invoke)',
  'GET|POST|DELETE /2017-03-31/tags/{ARN} (ListTags, TagResource, UntagResource)',
];

/**
 * The operation of a request, from its method and path, or undefined. Labels are decoded here:
 * the SDK percent-encodes the colons of an ARN, the CLI may not.
 */
export function route(method: string, path: string): Route | undefined {
  const trimmed = path.replace(/^\//, '').replace(/\/$/, '');
  let decoded: string[];
  try {
    decoded = trimmed.split('/').map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
  const [version, collection, label, sub, subLabel, ...rest] = decoded;
  if (rest.length > 0) return undefined;

  if (version === '2015-03-31' && collection === 'functions') {
    if (label === undefined || label === '')
      return method === 'GET' ? { operation: 'ListFunctions' } : undefined;
    if (sub === undefined) {
      if (method === 'GET') return { operation: 'GetFunction', functionName: label };
      if (method === 'DELETE') return { operation: 'DeleteFunction', functionName: label };
      return undefined;
    }
    if (sub === 'configuration' && subLabel === undefined && method === 'GET') {
      return { operation: 'GetFunctionConfiguration', functionName: label };
    }
    if (sub === 'invocations' && subLabel === undefined && method === 'POST')
      return { operation: 'Invoke', functionName: label };
    if (sub === 'policy' && subLabel === undefined) {
      if (method === 'GET') return { operation: 'GetPolicy', functionName: label };
      if (method === 'POST') return { operation: 'AddPermission', functionName: label };
    }
    if (sub === 'policy' && subLabel !== undefined && method === 'DELETE') {
      return { operation: 'RemovePermission', functionName: label, statementId: subLabel };
    }
    return undefined;
  }
  if (version === '2017-03-31' && collection === 'tags' && label && sub === undefined) {
    if (method === 'GET') return { operation: 'ListTags', resource: label };
    if (method === 'POST') return { operation: 'TagResource', resource: label };
    if (method === 'DELETE') return { operation: 'UntagResource', resource: label };
  }
  return undefined;
}
