import { isPlainObject } from '../json.js';
import { TemplateError } from './errors.js';
import { identityOf, type ResourceIdentity, type StackContext } from './physical-ids.js';

/** One resource of the compiled template. */
export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Condition?: string;
  [attribute: string]: unknown;
}

/** A parameter of a template, as CloudFormation validates the value given for it. */
export interface TemplateParameter {
  Type: string;
  Default?: unknown;
  AllowedPattern?: string;
  AllowedValues?: unknown[];
  NoEcho?: boolean;
  Description?: string;
}

/** The parts of a CloudFormation template the local stack evaluates. */
export interface Template {
  Description?: string;
  Resources: Record<string, TemplateResource>;
  Conditions?: Record<string, unknown>;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  Parameters?: Record<string, TemplateParameter>;
  Outputs?: Record<
    string,
    { Value: unknown; Description?: string; Condition?: string; Export?: { Name?: unknown } }
  >;
}

/** Marks a value `!Ref AWS::NoValue` removed from its object or list. */
const NO_VALUE = Symbol('AWS::NoValue');

/** The intrinsic function of a one-key object (`{ Ref: … }`, `{ 'Fn::Sub': … }`), if it is one. */
function intrinsicOf(value: Record<string, unknown>): string | undefined {
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const [key] = keys as [string];
  return key === 'Ref' || key === 'Condition' || key.startsWith('Fn::') ? key : undefined;
}

/**
 * Evaluates CloudFormation intrinsic functions against a template deployed to one account and Region,
 * the way CloudFormation would: Ref and Fn::GetAtt of the stack's own resources (their physical names
 * and ARNs), pseudo parameters, Fn::Sub, Fn::Join, Fn::Select, Fn::Split, Fn::If and the condition
 * functions, Fn::FindInMap, Fn::Base64, Fn::GetAZs. What only a live AWS account could answer
 * (Fn::ImportValue, Fn::GetStackOutput, Fn::Cidr, Fn::Transform) is an error naming the key.
 */
export class CloudFormationResolver {
  private readonly identities = new Map<string, ResourceIdentity>();
  private readonly inProgress = new Set<string>();
  private readonly conditions = new Map<string, boolean>();
  /** Every parameter's value: the one given, else its Default; validated as CloudFormation does. */
  readonly parameters: Record<string, string | string[]>;

  constructor(
    readonly template: Template,
    readonly stack: StackContext,
    given: Record<string, string> = {},
  ) {
    this.parameters = parameterValues(template.Parameters ?? {}, given);
  }

  /** Resolves every intrinsic function in a value; `path` names it in errors ("functions.x.environment.Y"). */
  resolve(value: unknown, path: string): unknown {
    const resolved = this.evaluate(value, path);
    return resolved === NO_VALUE ? undefined : resolved;
  }

  /** Resolves a value that must come out as a string (numbers and booleans are written as text). */
  resolveString(value: unknown, path: string): string {
    const resolved = this.resolve(value, path);
    if (typeof resolved === 'string') return resolved;
    if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
    throw new TemplateError(
      `${path} must resolve to a string, but resolves to ${JSON.stringify(resolved)}. Fix it in the template (serverless.yml or spoke/template.yaml).`,
    );
  }

  /** Whether a resource is part of the stack (no Condition, or its Condition is true). */
  exists(logicalId: string): boolean {
    const resource = this.template.Resources[logicalId];
    if (resource === undefined) return false;
    return (
      resource.Condition === undefined ||
      this.condition(resource.Condition, `Resources.${logicalId}.Condition`)
    );
  }

  /** The Ref value and attributes of a resource of the stack. */
  identity(logicalId: string, path: string): ResourceIdentity {
    const known = this.identities.get(logicalId);
    if (known !== undefined) return known;
    const resource = this.template.Resources[logicalId];
    if (resource === undefined) {
      throw new TemplateError(
        `Cannot resolve ${path}: it refers to "${logicalId}", which is not a resource of the template.`,
      );
    }
    if (!this.exists(logicalId)) {
      throw new TemplateError(
        `Cannot resolve ${path}: it refers to "${logicalId}", whose Condition "${resource.Condition}" is false for this deploy.`,
      );
    }
    if (this.inProgress.has(logicalId)) {
      throw new TemplateError(
        `Cannot resolve ${path}: "${logicalId}" refers to itself through its own name.`,
      );
    }
    this.inProgress.add(logicalId);
    try {
      const properties = resource.Properties ?? {};
      const identity = identityOf(
        logicalId,
        resource.Type,
        (name) =>
          properties[name] === undefined
            ? undefined
            : this.resolveString(properties[name], `Resources.${logicalId}.Properties.${name}`),
        this.stack,
      );
      this.identities.set(logicalId, identity);
      return identity;
    } finally {
      this.inProgress.delete(logicalId);
    }
  }

  /** Evaluates a named condition of the template. */
  condition(name: string, path: string): boolean {
    const known = this.conditions.get(name);
    if (known !== undefined) return known;
    const definition = this.template.Conditions?.[name];
    if (definition === undefined) {
      throw new TemplateError(`Cannot resolve ${path}: condition "${name}" is not defined in Conditions.`);
    }
    const value = this.evaluate(definition, `Conditions.${name}`);
    if (typeof value !== 'boolean') {
      throw new TemplateError(
        `Condition "${name}" must evaluate to true or false, not ${JSON.stringify(value)}.`,
      );
    }
    this.conditions.set(name, value);
    return value;
  }

  private evaluate(value: unknown, path: string): unknown {
    if (Array.isArray(value)) {
      return value
        .map((item, index) => this.evaluate(item, `${path}[${index}]`))
        .filter((item) => item !== NO_VALUE);
    }
    if (!isPlainObject(value)) return value;
    const fn = intrinsicOf(value);
    if (fn !== undefined) return this.call(fn, value[fn], path);
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const evaluated = this.evaluate(item, `${path}.${key}`);
      if (evaluated !== NO_VALUE) result[key] = evaluated;
    }
    return result;
  }

  private call(fn: string, argument: unknown, path: string): unknown {
    switch (fn) {
      case 'Ref':
        return this.ref(this.evaluateString(argument, `${path}.Ref`), path);
      case 'Condition':
        return this.condition(this.evaluateString(argument, path), path);
      case 'Fn::GetAtt':
        return this.getAtt(argument, path);
      case 'Fn::Sub':
        return this.sub(argument, path);
      case 'Fn::Join': {
        const [delimiter, items] = this.pair(argument, fn, path);
        const list = this.evaluate(items, path);
        if (!Array.isArray(list)) throw this.misuse(fn, path, 'its second argument must be a list');
        return list
          .map((item, index) => this.asString(item, `${path}[${index}]`))
          .join(this.asString(delimiter, path));
      }
      case 'Fn::Select': {
        const [index, items] = this.pair(argument, fn, path);
        const list = this.evaluate(items, path);
        const at = Number(this.evaluate(index, path));
        if (!Array.isArray(list) || !Number.isInteger(at) || at < 0 || at >= list.length) {
          throw this.misuse(fn, path, 'its index must point into its list');
        }
        return list[at];
      }
      case 'Fn::Split': {
        const [delimiter, text] = this.pair(argument, fn, path);
        return this.evaluateString(text, path).split(this.asString(delimiter, path));
      }
      case 'Fn::If': {
        if (!Array.isArray(argument) || argument.length !== 3)
          throw this.misuse(fn, path, 'it takes [condition, then, else]');
        const [name, whenTrue, whenFalse] = argument as [unknown, unknown, unknown];
        return this.condition(this.asString(name, path), path)
          ? this.evaluate(whenTrue, `${path}[1]`)
          : this.evaluate(whenFalse, `${path}[2]`);
      }
      case 'Fn::Equals': {
        const [left, right] = this.pair(argument, fn, path);
        return JSON.stringify(this.evaluate(left, path)) === JSON.stringify(this.evaluate(right, path));
      }
      case 'Fn::Not': {
        if (!Array.isArray(argument) || argument.length !== 1)
          throw this.misuse(fn, path, 'it takes [condition]');
        return !this.booleanOf(argument[0], path);
      }
      case 'Fn::And':
        return this.list(argument, fn, path).every((item) => this.booleanOf(item, path));
      case 'Fn::Or':
        return this.list(argument, fn, path).some((item) => this.booleanOf(item, path));
      case 'Fn::FindInMap': {
        const [map, top, second] = this.list(argument, fn, path).map((item) =>
          this.evaluateString(item, path),
        );
        const found = this.template.Mappings?.[map ?? '']?.[top ?? '']?.[second ?? ''];
        if (found === undefined)
          throw this.misuse(fn, path, `Mappings.${map}.${top}.${second} does not exist`);
        return found;
      }
      case 'Fn::Base64':
        return Buffer.from(this.evaluateString(argument, path)).toString('base64');
      case 'Fn::GetAZs':
        return ['a', 'b', 'c'].map((zone) => `${this.stack.region}${zone}`);
      default:
        throw new TemplateError(
          `Cannot resolve ${path}: ${fn} needs a live AWS account, which the local stack does not have. Use a parameter or a resource of this stack.`,
        );
    }
  }

  private ref(name: string, path: string): unknown {
    switch (name) {
      case 'AWS::AccountId':
        return this.stack.accountId;
      case 'AWS::Region':
        return this.stack.region;
      case 'AWS::Partition':
        return this.stack.partition;
      case 'AWS::StackName':
        return this.stack.stackName;
      case 'AWS::StackId':
        return `arn:${this.stack.partition}:cloudformation:${this.stack.region}:${this.stack.accountId}:stack/${this.stack.stackName}/00000000-0000-0000-0000-000000000000`;
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::NotificationARNs':
        return [];
      case 'AWS::NoValue':
        return NO_VALUE;
    }
    const parameter = this.parameters[name];
    if (parameter !== undefined) return parameter;
    return this.identity(name, path).ref;
  }

  private getAtt(argument: unknown, path: string): string {
    const parts = typeof argument === 'string' ? argument.split('.') : argument;
    if (!Array.isArray(parts) || parts.length < 2)
      throw this.misuse('Fn::GetAtt', path, 'it takes [resource, attribute]');
    const [logicalId, ...attribute] = parts.map((part) => this.evaluateString(part, path));
    const name = attribute.join('.');
    const identity = this.identity(logicalId ?? '', path);
    const value = identity.attributes[name];
    if (value === undefined) {
      const type = this.template.Resources[logicalId ?? '']?.Type;
      throw new TemplateError(
        `Cannot resolve ${path}: ${logicalId} (${type}) has no attribute "${name}" the local stack knows (${Object.keys(identity.attributes).join(', ') || 'none'}).`,
      );
    }
    return value;
  }

  private sub(argument: unknown, path: string): string {
    const [template, variables] = Array.isArray(argument) ? argument : [argument, {}];
    if (typeof template !== 'string' || !isPlainObject(variables)) {
      throw this.misuse('Fn::Sub', path, 'it takes a string or [string, { name: value }]');
    }
    return template.replace(/\$\{(!?)([^}]*)\}/g, (whole, literal: string, name: string) => {
      if (literal === '!') return `\${${name}}`;
      const trimmed = name.trim();
      if (trimmed in variables) return this.evaluateString(variables[trimmed], `${path}.${trimmed}`);
      if (trimmed.includes('.') && !trimmed.startsWith('AWS::')) {
        const [logicalId, ...attribute] = trimmed.split('.');
        return this.getAtt([logicalId, attribute.join('.')], `${path} (\${${trimmed}})`);
      }
      const value = this.ref(trimmed, `${path} (${whole})`);
      return this.asString(value, path);
    });
  }

  private evaluateString(value: unknown, path: string): string {
    return this.asString(this.evaluate(value, path), path);
  }

  private asString(value: unknown, path: string): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw new TemplateError(`Cannot resolve ${path}: expected text, found ${JSON.stringify(value)}.`);
  }

  private booleanOf(value: unknown, path: string): boolean {
    const evaluated = this.evaluate(value, path);
    if (typeof evaluated === 'boolean') return evaluated;
    if (evaluated === 'true' || evaluated === 'false') return evaluated === 'true';
    throw new TemplateError(
      `Cannot resolve ${path}: expected a condition, found ${JSON.stringify(evaluated)}.`,
    );
  }

  private pair(argument: unknown, fn: string, path: string): [unknown, unknown] {
    if (!Array.isArray(argument) || argument.length !== 2)
      throw this.misuse(fn, path, 'it takes two arguments');
    return [argument[0], argument[1]];
  }

  private list(argument: unknown, fn: string, path: string): unknown[] {
    if (!Array.isArray(argument)) throw this.misuse(fn, path, 'it takes a list');
    return argument;
  }

  private misuse(fn: string, path: string, why: string): TemplateError {
    return new TemplateError(`Cannot resolve ${path}: ${fn} is misused (${why}).`);
  }
}

/**
 * The value of every parameter, as CloudFormation checks them before it creates anything: each one
 * given or defaulted, matching its AllowedPattern and AllowedValues; list types split on commas.
 */
function parameterValues(
  declared: Record<string, TemplateParameter>,
  given: Record<string, string>,
): Record<string, string | string[]> {
  const unknown = Object.keys(given).filter((name) => !(name in declared));
  if (unknown.length > 0) {
    throw new TemplateError(`Parameters: [${unknown.join(', ')}] do not exist in the template`);
  }
  const values: Record<string, string | string[]> = {};
  const missing: string[] = [];
  for (const [name, parameter] of Object.entries(declared)) {
    const raw = given[name] ?? (parameter.Default === undefined ? undefined : String(parameter.Default));
    if (raw === undefined) {
      missing.push(name);
      continue;
    }
    if (
      parameter.AllowedPattern !== undefined &&
      !new RegExp(`^(?:${parameter.AllowedPattern})$`).test(raw)
    ) {
      throw new TemplateError(`Parameter '${name}' must match pattern ${parameter.AllowedPattern}`);
    }
    if (parameter.AllowedValues !== undefined && !parameter.AllowedValues.map(String).includes(raw)) {
      throw new TemplateError(
        `Parameter '${name}' must be one of AllowedValues: ${parameter.AllowedValues.join(', ')}`,
      );
    }
    values[name] =
      parameter.Type.startsWith('List<') || parameter.Type === 'CommaDelimitedList'
        ? raw.split(',').map((item) => item.trim())
        : raw;
  }
  if (missing.length > 0) {
    throw new TemplateError(`Parameters: [${missing.join(', ')}] must have values`);
  }
  return values;
}
