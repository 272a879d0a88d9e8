import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type {
  AccountSpec,
  ConnectorProfileSpec,
  FlowSpec,
  FunctionSpec,
  PolicyStatement,
  PreRegisteredConnector,
  WorldFile,
} from './schema.js';
import { Checker } from './validate.js';

/**
 * Reads and validates a world file (schema.ts), and returns it normalized: defaults applied, handler
 * paths made absolute, code hashes computed, policy shorthands expanded to the statements Lambda
 * stores. Every problem is reported at once, each with the file, the JSON path of the field and
 * what is expected, so a person can fix the file in one pass.
 */

/** A world whose every default is applied. Assignable to WorldFile. */
export interface LoadedWorld extends WorldFile {
  /** Absolute path of the file it was read from. */
  path: string;
  accounts: LoadedAccount[];
}

export interface LoadedAccount extends AccountSpec {
  inOrganization: boolean;
  /** Whether the spoke stack is in this account, with its parameter overrides. */
  spoke: false | { parameters: Record<string, string> };
  functions: LoadedFunction[];
  connectors: LoadedConnector[];
  connectorProfiles: LoadedConnectorProfile[];
  flows: LoadedFlow[];
}

export interface LoadedFunction extends FunctionSpec {
  accountId: string;
  /** Unqualified: arn:aws:lambda:<region>:<account>:function:<name>. */
  arn: string;
  /** Absolute path of the handler module, and the export to call. */
  modulePath: string;
  exportName: string;
  tags: Record<string, string>;
  state: NonNullable<FunctionSpec['state']>;
  lastUpdateStatus: NonNullable<FunctionSpec['lastUpdateStatus']>;
  codeSha256: string;
  /** Bytes of the handler file. */
  codeSize: number;
  timeoutSeconds: number;
  policy: PolicyStatement[];
}

export interface LoadedConnector extends PreRegisteredConnector {
  /** The ARN of the function the registration points at. */
  lambdaArn: string;
}

export interface LoadedConnectorProfile extends ConnectorProfileSpec {
  connectorType: string;
  connectionMode: 'Public' | 'Private';
}

export interface LoadedFlow extends FlowSpec {
  sourceConnectorType: string;
  destinationConnectorType: string;
  status: NonNullable<FlowSpec['status']>;
  triggerType: NonNullable<FlowSpec['triggerType']>;
}

/** A world file that cannot be used; `problems` lists every reason, each naming its JSON path. */
export class WorldFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`Invalid world file ${file}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'WorldFileError';
  }
}

/**
 * Reads, validates and normalizes a world file; throws WorldFileError listing every problem.
 *
 * @example const world = loadWorld('local/worlds/default.json');
 */
export function loadWorld(path: string): LoadedWorld {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new WorldFileError(file, [`cannot be read: ${(error as Error).message}`]);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new WorldFileError(file, [`is not valid JSON: ${jsonErrorWhere(text, error as Error)}`]);
  }
  const check = new Checker(dirname(file));
  const world = check.world(document);
  if (check.problems.length > 0 || !world) throw new WorldFileError(file, check.problems);
  return { ...world, path: file };
}

/** "line 3, column 7: Unexpected token …" from JSON.parse's position. */
function jsonErrorWhere(text: string, error: Error): string {
  const position = /position (\d+)/.exec(error.message)?.[1];
  if (position === undefined) return error.message;
  const before = text.slice(0, Number(position));
  const line = before.split('\n').length;
  const column = Number(position) - before.lastIndexOf('\n');
  return `line ${line}, column ${column}: ${error.message}`;
}
