import { resolve } from 'node:path';
import { isPlainObject } from '../json.js';
import { connectorProfilesOf, flowsOf } from './appflow-resources.js';
import { ModuleCode } from './code.js';
import { functionArn } from './functions.js';
import type { LoadedAccount, LoadedConnector, LoadedFunction, LoadedWorld } from './load.js';
import { appFlowPolicyStatement } from './policy.js';
import { AWS_REGIONS } from './regions.js';
import type { PolicyStatement, WorldFile } from './schema.js';

/**
 * The validation of a world file (schema.ts): every field checked, defaults applied, handler paths
 * made absolute, policy shorthands expanded, every problem kept with its JSON path and what is expected.
 */

const ACCOUNT_ID = /^\d{12}$/;
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const EXPORT_NAME = /^[A-Za-z_$][\w$]*$/;
const SHA256_BASE64 = /^[A-Za-z0-9+/]{43}=$/;
const STATEMENT_ID = /^[a-zA-Z0-9_-]{1,100}$/;
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const CONNECTOR_LABEL = /^[a-zA-Z0-9][\w!@#.-]+$/;
const CONNECTOR_DESCRIPTION = /^[\s\w/!@#+=.-]*$/;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;
/** AppFlow's RegisteredBy (\S+, at most 512), as an IAM or STS principal ARN. */
const CALLER_ARN = /^arn:aws[a-z-]*:(?:iam|sts)::\d{12}:\S{1,450}$/;
const STATES = ['Pending', 'Active', 'Inactive', 'Failed'] as const;
const UPDATE_STATUSES = ['Successful', 'InProgress', 'Failed'] as const;

type Json = Record<string, unknown>;

/** Checks a parsed world file field by field, collecting every problem with its JSON path. */
export class Checker {
  readonly problems: string[] = [];
  private readonly code = new ModuleCode();

  constructor(private readonly baseDir: string) {}

  world(value: unknown): Omit<LoadedWorld, 'path'> | undefined {
    const root = this.object(value, '(root)', ['organizationId', 'hub', 'accounts']);
    if (!root) return undefined;
    const organizationId = this.matching(
      root.organizationId,
      'organizationId',
      ORGANIZATION_ID,
      'an AWS Organizations id: o- and 10 to 32 lowercase letters or digits',
    );
    const hub = this.hub(root.hub);
    const accounts =
      this.array(root.accounts, 'accounts')?.map((account, i) => this.account(account, `accounts[${i}]`)) ??
      [];
    const loaded = accounts.filter((account): account is LoadedAccount => account !== undefined);

    const seen = new Map<string, number>();
    accounts.forEach((account, i) => {
      if (!account) return;
      const first = seen.get(account.accountId);
      if (first !== undefined) {
        this.problem(
          `accounts[${i}].accountId`,
          `"${account.accountId}" is listed twice (also at accounts[${first}]); each account appears once`,
        );
      } else {
        seen.set(account.accountId, i);
      }
    });
    if (hub && ACCOUNT_ID.test(hub.accountId)) {
      const hubAccount = loaded.find((account) => account.accountId === hub.accountId);
      if (!hubAccount) {
        this.problem(
          'hub.accountId',
          `"${hub.accountId}" is not one of accounts[].accountId; list the hub account under accounts`,
        );
      } else if (!hubAccount.inOrganization) {
        this.problem(
          'hub.accountId',
          `the hub account ${hub.accountId} has inOrganization false; the hub runs inside the organization`,
        );
      }
    }
    if (!organizationId || !hub) return undefined;
    return { organizationId, hub, accounts: loaded };
  }

  private hub(value: unknown): WorldFile['hub'] | undefined {
    const hub = this.object(value, 'hub', ['accountId', 'regions']);
    if (!hub) return undefined;
    const accountId = this.matching(hub.accountId, 'hub.accountId', ACCOUNT_ID, 'a 12-digit account id');
    const regions = this.array(hub.regions, 'hub.regions');
    if (regions?.length === 0)
      this.problem('hub.regions', 'is empty; list at least one Region (the first is the default)');
    const valid = regions?.map((region, i) => this.region(region, `hub.regions[${i}]`)) ?? [];
    valid.forEach((region, i) => {
      if (region && valid.indexOf(region) !== i)
        this.problem(`hub.regions[${i}]`, `"${region}" is listed twice`);
    });
    if (!accountId || !regions || valid.some((region) => region === undefined)) return undefined;
    return { accountId, regions: valid as string[] };
  }

  private account(value: unknown, path: string): LoadedAccount | undefined {
    const spec = this.object(value, path, [
      'accountId',
      'name',
      'inOrganization',
      'spoke',
      'functions',
      'connectors',
      'connectorProfiles',
      'flows',
    ]);
    if (!spec) return undefined;
    const accountId = this.matching(spec.accountId, `${path}.accountId`, ACCOUNT_ID, 'a 12-digit account id');
    if (spec.name !== undefined) this.text(spec.name, `${path}.name`);
    if (spec.inOrganization !== undefined && typeof spec.inOrganization !== 'boolean') {
      this.problem(`${path}.inOrganization`, `expected true or false; got ${describe(spec.inOrganization)}`);
    }
    const spoke = this.spoke(spec.spoke, `${path}.spoke`, spec.inOrganization !== false);
    const functionValues = this.array(spec.functions, `${path}.functions`) ?? [];
    const functions = accountId
      ? functionValues.map((fn, i) => this.function(fn, `${path}.functions[${i}]`, accountId))
      : [];
    const byPlace = new Map<string, number>();
    functions.forEach((fn, i) => {
      if (!fn) return;
      const key = `${fn.region}/${fn.name}`;
      const first = byPlace.get(key);
      if (first !== undefined) {
        this.problem(
          `${path}.functions[${i}].name`,
          `"${fn.name}" is already a function of this account in ${fn.region} (functions[${first}]); names are unique per account and Region`,
        );
      } else {
        byPlace.set(key, i);
      }
    });
    const valid = functions.filter((fn): fn is LoadedFunction => fn !== undefined);
    const connectorValues =
      spec.connectors === undefined ? [] : (this.array(spec.connectors, `${path}.connectors`) ?? []);
    const connectors = accountId
      ? connectorValues.map((connector, i) =>
          this.connector(connector, `${path}.connectors[${i}]`, accountId, valid, functionValues),
        )
      : [];
    const labels = new Map<string, number>();
    connectors.forEach((connector, i) => {
      if (!connector) return;
      const key = `${connector.region}/${connector.label}`;
      const first = labels.get(key);
      if (first !== undefined) {
        this.problem(
          `${path}.connectors[${i}].label`,
          `"${connector.label}" is already registered in ${connector.region} (connectors[${first}]); labels are unique per account and Region`,
        );
      } else {
        labels.set(key, i);
      }
    });
    const connectorProfiles = connectorProfilesOf(this, spec.connectorProfiles, `${path}.connectorProfiles`);
    const flows = flowsOf(this, spec.flows, `${path}.flows`);
    if (!accountId) return undefined;
    return {
      accountId,
      ...(typeof spec.name === 'string' ? { name: spec.name } : {}),
      inOrganization: spec.inOrganization !== false,
      spoke,
      functions: valid,
      connectors: connectors.filter((connector): connector is LoadedConnector => connector !== undefined),
      connectorProfiles,
      flows,
    };
  }

  /**
   * The spoke stack: by default in every account of the organization (the StackSet deploys it), in
   * none outside. `false` leaves it out; `{ parameters }` overrides some of its parameters there.
   */
  private spoke(value: unknown, path: string, inOrganization: boolean): LoadedAccount['spoke'] {
    if (value === undefined) return inOrganization ? { parameters: {} } : false;
    if (value === false) return false;
    const spec = this.object(value, path, ['parameters']);
    if (!spec) return false;
    const parameters: Record<string, string> = {};
    if (spec.parameters !== undefined) {
      const given = this.object(spec.parameters, `${path}.parameters`, undefined);
      for (const [name, text] of Object.entries(given ?? {})) {
        if (typeof text === 'string') parameters[name] = text;
        else this.problem(`${path}.parameters.${name}`, `expected text; got ${describe(text)}`);
      }
    }
    return { parameters };
  }

  private function(value: unknown, path: string, accountId: string): LoadedFunction | undefined {
    const spec = this.object(value, path, [
      'name',
      'region',
      'handler',
      'tags',
      'state',
      'lastUpdateStatus',
      'codeSha256',
      'timeoutSeconds',
      'policy',
    ]);
    if (!spec) return undefined;
    const name = this.matching(
      spec.name,
      `${path}.name`,
      FUNCTION_NAME,
      'a Lambda function name: 1 to 64 letters, digits, - or _',
    );
    const region = this.region(spec.region, `${path}.region`);
    const handler = this.handler(spec.handler, `${path}.handler`);
    const tags = spec.tags === undefined ? {} : this.tags(spec.tags, `${path}.tags`);
    const state = spec.state === undefined ? 'Active' : this.oneOf(spec.state, `${path}.state`, STATES);
    const lastUpdateStatus =
      spec.lastUpdateStatus === undefined
        ? 'Successful'
        : this.oneOf(spec.lastUpdateStatus, `${path}.lastUpdateStatus`, UPDATE_STATUSES);
    const codeSha256 =
      spec.codeSha256 === undefined
        ? handler?.sha256
        : this.matching(
            spec.codeSha256,
            `${path}.codeSha256`,
            SHA256_BASE64,
            'the base64 SHA-256 of the code: 43 characters and =',
          );
    let timeoutSeconds: number | undefined = 3;
    if (spec.timeoutSeconds !== undefined) {
      timeoutSeconds = spec.timeoutSeconds as number;
      if (!Number.isInteger(spec.timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 900) {
        this.problem(
          `${path}.timeoutSeconds`,
          `expected a whole number of seconds from 1 to 900, as Lambda allows; got ${describe(spec.timeoutSeconds)}`,
        );
        timeoutSeconds = undefined;
      }
    }
    const arn = name && region ? `arn:aws:lambda:${region}:${accountId}:function:${name}` : undefined;
    // Checked even when other fields failed, so all problems come out in one pass.
    const policy = this.policy(spec.policy ?? 'appflow', `${path}.policy`, accountId, region, arn);
    if (
      !name ||
      !region ||
      !arn ||
      !handler ||
      !tags ||
      !state ||
      !lastUpdateStatus ||
      !codeSha256 ||
      !timeoutSeconds ||
      !policy
    ) {
      return undefined;
    }
    return {
      accountId,
      name,
      region,
      arn,
      handler: spec.handler as string,
      modulePath: handler.modulePath,
      exportName: handler.exportName,
      tags,
      state,
      lastUpdateStatus,
      codeSha256,
      codeSize: handler.size,
      timeoutSeconds,
      policy,
    };
  }

  private handler(
    value: unknown,
    path: string,
  ): { modulePath: string; exportName: string; sha256: string; size: number } | undefined {
    const text = this.text(value, path);
    if (text === undefined) return undefined;
    const hash = text.lastIndexOf('#');
    const exportName = hash < 0 ? '' : text.slice(hash + 1);
    if (hash <= 0 || !EXPORT_NAME.test(exportName)) {
      this.problem(
        path,
        `"${text}" should be "<module path>#<export>", e.g. "../../examples/connectors/healthy.ts#handler"`,
      );
      return undefined;
    }
    const modulePath = resolve(this.baseDir, text.slice(0, hash));
    const code = this.code.of(modulePath);
    if (!code) {
      this.problem(
        path,
        `the module ${modulePath} does not exist or is not a file; paths are relative to the world file's folder`,
      );
      return undefined;
    }
    return { modulePath, exportName, ...code };
  }

  // Lambda's tag limits: 50 tags, keys 1–128 and values 0–256 characters of letters, digits, spaces
  // and _ . : / = + - @, and no key in the reserved aws: prefix.
  private tags(value: unknown, path: string): Record<string, string> | undefined {
    if (!isPlainObject(value)) {
      this.problem(path, `expected an object of tag keys to string values; got ${describe(value)}`);
      return undefined;
    }
    const entries = Object.entries(value);
    let ok = true;
    if (entries.length > 50) {
      this.problem(path, `has ${entries.length} tags; Lambda allows at most 50 per function`);
      ok = false;
    }
    for (const [key, tag] of entries) {
      const where = `${path}["${key}"]`;
      if (key.length < 1 || key.length > 128 || !TAG_TEXT.test(key)) {
        this.problem(where, 'tag keys are 1 to 128 letters, digits, spaces or _ . : / = + - @');
        ok = false;
      } else if (key.toLowerCase().startsWith('aws:')) {
        this.problem(where, 'tag keys starting with aws: are reserved for AWS');
        ok = false;
      }
      if (typeof tag !== 'string') {
        this.problem(where, `expected a string value; got ${describe(tag)}`);
        ok = false;
      } else if (tag.length > 256 || !TAG_TEXT.test(tag)) {
        this.problem(where, 'tag values are at most 256 letters, digits, spaces or _ . : / = + - @');
        ok = false;
      }
    }
    return ok ? (value as Record<string, string>) : undefined;
  }

  private policy(
    value: unknown,
    path: string,
    accountId: string,
    region: string | undefined,
    arn: string | undefined,
  ): PolicyStatement[] | undefined {
    if (value === 'appflow')
      return region && arn ? [appFlowPolicyStatement(accountId, region, arn)] : undefined;
    if (value === 'none') return [];
    if (!Array.isArray(value)) {
      this.problem(
        path,
        `expected "appflow", "none" or a list of resource policy statements; got ${describe(value)}`,
      );
      return undefined;
    }
    const statements = value.map((statement, i) => this.statement(statement, `${path}[${i}]`));
    statements.forEach((statement, i) => {
      if (statement && statements.findIndex((other) => other?.Sid === statement.Sid) !== i) {
        this.problem(
          `${path}[${i}].Sid`,
          `"${statement.Sid}" is used twice; Lambda statement ids are unique per function`,
        );
      }
    });
    return statements.every((statement) => statement !== undefined)
      ? (statements as PolicyStatement[])
      : undefined;
  }

  private statement(value: unknown, path: string): PolicyStatement | undefined {
    const spec = this.object(value, path, ['Sid', 'Effect', 'Principal', 'Action', 'Resource', 'Condition']);
    if (!spec) return undefined;
    const sid = this.matching(
      spec.Sid,
      `${path}.Sid`,
      STATEMENT_ID,
      'a statement id: 1 to 100 letters, digits, - or _',
    );
    const effect = this.oneOf(spec.Effect, `${path}.Effect`, ['Allow', 'Deny'] as const);
    const principal = this.object(spec.Principal, `${path}.Principal`, ['Service', 'AWS']);
    if (principal) {
      if (principal.Service === undefined && principal.AWS === undefined) {
        this.problem(
          `${path}.Principal`,
          'expected { "Service": "appflow.amazonaws.com" } or { "AWS": "<account or ARN>" }',
        );
      }
      if (principal.Service !== undefined) this.text(principal.Service, `${path}.Principal.Service`);
      if (principal.AWS !== undefined) this.text(principal.AWS, `${path}.Principal.AWS`);
    }
    const action = this.text(spec.Action, `${path}.Action`);
    const resource = this.text(spec.Resource, `${path}.Resource`);
    let conditionOk = true;
    if (spec.Condition !== undefined) {
      if (!isPlainObject(spec.Condition)) {
        this.problem(
          `${path}.Condition`,
          `expected { "<operator>": { "<key>": "<value>" } }; got ${describe(spec.Condition)}`,
        );
        conditionOk = false;
      } else {
        for (const [operator, keys] of Object.entries(spec.Condition)) {
          if (!isPlainObject(keys) || Object.values(keys).some((v) => typeof v !== 'string')) {
            this.problem(
              `${path}.Condition.${operator}`,
              'expected an object of condition keys to string values',
            );
            conditionOk = false;
          }
        }
      }
    }
    if (!sid || !effect || !principal || !action || !resource || !conditionOk) return undefined;
    return spec as unknown as PolicyStatement;
  }

  private connector(
    value: unknown,
    path: string,
    accountId: string,
    functions: LoadedFunction[],
    specs: unknown[],
  ): LoadedConnector | undefined {
    const spec = this.object(value, path, [
      'label',
      'region',
      'functionName',
      'functionDeleted',
      'description',
      'registeredAt',
      'registeredBy',
    ]);
    if (!spec) return undefined;
    const label = this.matching(
      spec.label,
      `${path}.label`,
      CONNECTOR_LABEL,
      'an AppFlow connector label: 2 to 256 characters, starting with a letter or digit, then letters, digits or _ ! @ # . -',
    );
    if (label && label.length > 256)
      this.problem(`${path}.label`, `is ${label.length} characters long; AppFlow allows at most 256`);
    const region = this.region(spec.region, `${path}.region`);
    const functionName = this.text(spec.functionName, `${path}.functionName`);
    let description: string | undefined;
    if (spec.description !== undefined) {
      description = this.matching(
        spec.description,
        `${path}.description`,
        CONNECTOR_DESCRIPTION,
        'at most 1024 letters, digits, whitespace or _ / ! @ # + = . -',
      );
      if (description && description.length > 1024)
        this.problem(`${path}.description`, 'AppFlow allows at most 1024 characters');
    }
    const registeredAt =
      spec.registeredAt === undefined ? undefined : this.time(spec.registeredAt, `${path}.registeredAt`);
    const registeredBy =
      spec.registeredBy === undefined
        ? undefined
        : this.matching(
            spec.registeredBy,
            `${path}.registeredBy`,
            CALLER_ARN,
            'the ARN of who registered it, e.g. arn:aws:iam::111111111111:root or arn:aws:sts::111111111111:assumed-role/<role>/<session> (at most 512 characters)',
          );
    const functionDeleted = spec.functionDeleted === true;
    if (spec.functionDeleted !== undefined && typeof spec.functionDeleted !== 'boolean') {
      this.problem(
        `${path}.functionDeleted`,
        `expected true or false; got ${describe(spec.functionDeleted)}`,
      );
    }
    const target = functions.find((fn) => fn.name === functionName && fn.region === region);
    const declared = specs.some(
      (fn) => isPlainObject(fn) && fn.name === functionName && fn.region === region,
    );
    if (functionName && region && functionDeleted && declared) {
      this.problem(
        `${path}.functionName`,
        `"${functionName}" is a function of account ${accountId} in ${region}, yet functionDeleted says it is gone; remove one of the two`,
      );
    } else if (functionName && region && !functionDeleted && !target && !declared) {
      this.problem(
        `${path}.functionName`,
        `no function "${functionName}" in account ${accountId} and ${region}; list it under functions, in the same Region, or set functionDeleted`,
      );
    }
    if (!label || label.length > 256 || !region || !functionName) return undefined;
    if (spec.functionDeleted !== undefined && typeof spec.functionDeleted !== 'boolean') return undefined;
    if (functionDeleted ? declared : !target) return undefined;
    if (spec.description !== undefined && (description === undefined || description.length > 1024))
      return undefined;
    if (spec.registeredAt !== undefined && registeredAt === undefined) return undefined;
    if (spec.registeredBy !== undefined && registeredBy === undefined) return undefined;
    return {
      label,
      region,
      functionName,
      // A deleted function's ARN is the one it had: the partition of the world's functions.
      lambdaArn: target?.arn ?? functionArn(region, accountId, functionName),
      ...(functionDeleted ? { functionDeleted } : {}),
      ...(description !== undefined ? { description } : {}),
      ...(registeredAt !== undefined ? { registeredAt } : {}),
      ...(registeredBy !== undefined ? { registeredBy } : {}),
    };
  }

  /** An ISO 8601 time with a zone that is a real date. */
  time(value: unknown, path: string): string | undefined {
    const text = this.matching(
      value,
      path,
      ISO_8601,
      'an ISO 8601 time with a zone, e.g. 2026-11-26T08:00:00Z',
    );
    if (text && Number.isNaN(Date.parse(text))) {
      this.problem(path, `"${text}" is not a real date`);
      return undefined;
    }
    return text;
  }

  region(value: unknown, path: string): string | undefined {
    const region = this.text(value, path);
    if (region === undefined) return undefined;
    if (!AWS_REGIONS.includes(region)) {
      this.problem(
        path,
        `"${region}" is not a Region of the aws partition; expected e.g. eu-west-1 or us-east-1`,
      );
      return undefined;
    }
    return region;
  }

  /** An object; `fields` lists the keys it may have (undefined: any key). */
  object(value: unknown, path: string, fields: string[] | undefined): Json | undefined {
    if (!isPlainObject(value)) {
      this.problem(path, `expected an object; got ${describe(value)}`);
      return undefined;
    }
    for (const key of fields === undefined ? [] : Object.keys(value)) {
      // "$schema", "//" and "$comment"-style keys are left for editors and people.
      if (!fields?.includes(key) && !key.startsWith('$') && !key.startsWith('//')) {
        this.problem(
          `${path === '(root)' ? '' : `${path}.`}${key}`,
          `unknown field; expected one of ${fields?.join(', ')}`,
        );
      }
    }
    return value;
  }

  array(value: unknown, path: string): unknown[] | undefined {
    if (!Array.isArray(value)) {
      this.problem(path, `expected a list; got ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  text(value: unknown, path: string): string | undefined {
    if (typeof value !== 'string' || value === '') {
      this.problem(path, `expected a non-empty string; got ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  matching(value: unknown, path: string, pattern: RegExp, expected: string): string | undefined {
    const text = this.text(value, path);
    if (text === undefined) return undefined;
    if (!pattern.test(text)) {
      this.problem(path, `"${text}" is not valid; expected ${expected}`);
      return undefined;
    }
    return text;
  }

  oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T | undefined {
    if (typeof value !== 'string' || !allowed.includes(value as T)) {
      this.problem(path, `expected one of ${allowed.join(', ')}; got ${describe(value)}`);
      return undefined;
    }
    return value as T;
  }

  problem(path: string, message: string): void {
    this.problems.push(`${path}: ${message}`);
  }
}

/** A value as a problem message shows it. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string')
    return value === ''
      ? 'an empty string'
      : JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
