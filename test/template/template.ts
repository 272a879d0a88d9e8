import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The parts of a CloudFormation template these tests read. */
export interface Template {
  Conditions?: Record<string, unknown>;
  Parameters?: Record<string, { Type: string; Default?: string }>;
  Resources: Record<string, Resource>;
  Outputs?: Record<string, { Value: unknown; Condition?: string }>;
}

export interface Resource {
  Type: string;
  Condition?: string;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  // biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties differ per resource type.
  Properties: Record<string, any>;
}

/** An IAM (or resource-policy) statement, wherever it sits in a template. */
export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: unknown;
  Condition?: unknown;
}

/** The resources of one type, by logical ID. */
export function resourcesOfType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

/** A resource that must exist, with its type checked. */
export function resource(template: Template, logicalId: string, type: string): Resource {
  const found = template.Resources[logicalId];
  if (!found) throw new Error(`${logicalId} is not in the template`);
  if (found.Type !== type) throw new Error(`${logicalId} is a ${found.Type}, not a ${type}`);
  return found;
}

/**
 * Every policy statement in a template, found by shape (an object with Effect and Action or
 * NotAction) rather than by resource type, so a policy added anywhere (role, queue, topic, bus,
 * either branch of an Fn::If) is not missed. `where` says where each one was found.
 */
export function policyStatements(node: unknown, where = ''): { where: string; statement: Statement }[] {
  if (Array.isArray(node)) return node.flatMap((item, index) => policyStatements(item, `${where}[${index}]`));
  if (typeof node !== 'object' || node === null) return [];
  const record = node as Record<string, unknown>;
  const own =
    'Effect' in record && ('Action' in record || 'NotAction' in record)
      ? [{ where, statement: record as unknown as Statement }]
      : [];
  return [
    ...own,
    ...Object.entries(record).flatMap(([key, value]) =>
      policyStatements(value, where ? `${where}.${key}` : key),
    ),
  ];
}

/** The actions of a statement as a list. */
export function actionsOf(statement: Statement): string[] {
  const actions = statement.Action ?? statement.NotAction ?? [];
  return Array.isArray(actions) ? actions : [actions];
}

/**
 * Allow statements that grant more than named actions: `*`, `service:*`, any other wildcard, or
 * NotAction (which grants everything it does not name). A Deny may use wildcards: it only takes away
 * (the deployment bucket's policy denies s3:* without TLS).
 */
export function wildcardGrants(statements: { where: string; statement: Statement }[]): string[] {
  return statements.flatMap(({ where, statement }) => {
    if (statement.Effect !== 'Allow') return [];
    if (statement.NotAction !== undefined) return [`${where}: NotAction`];
    return actionsOf(statement)
      .filter(
        (action) =>
          typeof action !== 'string' || action.includes('*') || !/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(action),
      )
      .map((action) => `${where}: ${JSON.stringify(action)}`);
  });
}

const RULES_DIR = fileURLToPath(new URL('../../events/rules/', import.meta.url));

/** A rule file of events/rules/. */
export interface RuleFile {
  name: string;
  description: string;
  /** The state machines a signal starts (statemachine/<name>.asl.json). */
  workflows?: string[];
  eventPattern: Record<string, unknown>;
  inputTransformer?: { InputPathsMap: Record<string, string>; InputTemplate: string };
}

/** Every rule file, by file name. */
export function ruleFiles(): RuleFile[] {
  return readdirSync(RULES_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => JSON.parse(readFileSync(`${RULES_DIR}${file}`, 'utf8')) as RuleFile);
}

/** The signals: the rule files that carry an input transformer and start a workflow. */
export function deploySignalFiles(): (RuleFile & Required<Pick<RuleFile, 'inputTransformer'>>)[] {
  return ruleFiles().filter((rule): rule is RuleFile & Required<Pick<RuleFile, 'inputTransformer'>> =>
    Boolean(rule.inputTransformer),
  );
}

/** `cloudtrail-create-function` → `CloudtrailCreateFunction`: how rule files name logical IDs. */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => `${part[0]?.toUpperCase()}${part.slice(1)}`)
    .join('');
}

/** `{ 'Fn::GetAtt': [logicalId, 'Arn'] }`, as the templates reference a resource's ARN. */
export function getAttArn(logicalId: string): { 'Fn::GetAtt': [string, 'Arn'] } {
  return { 'Fn::GetAtt': [logicalId, 'Arn'] };
}

/** Every statement of a role's inline policies. */
export function roleStatements(role: Resource): Statement[] {
  return role.Properties.Policies.flatMap(
    (policy: { PolicyDocument: { Statement: Statement[] } }) => policy.PolicyDocument.Statement,
  );
}
