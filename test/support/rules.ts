import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const RULES_DIR = fileURLToPath(new URL('../../events/rules/', import.meta.url));

/** An EventBridge rule file from events/rules/, as serverless.yml and the local stack read it. */
export interface RuleFile {
  file: string;
  name: string;
  description?: string;
  /** The state machines the signal starts (statemachine/<name>.asl.json); signals only. */
  workflows?: string[];
  eventPattern: Record<string, unknown> & {
    source?: unknown[];
    'detail-type'?: unknown[];
    detail?: Record<string, unknown>;
  };
  inputTransformer?: { InputPathsMap: Record<string, string>; InputTemplate: string };
}

/** Every rule file, sorted by file name. */
export function loadRules(): RuleFile[] {
  return readdirSync(RULES_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({
      file,
      ...(JSON.parse(readFileSync(`${RULES_DIR}${file}`, 'utf8')) as Omit<RuleFile, 'file'>),
    }));
}

type SignalRule = RuleFile & { inputTransformer: NonNullable<RuleFile['inputTransformer']> };

/** The rules that start the registration workflow. */
export function deploySignalRules(): SignalRule[] {
  return signalRulesStarting('register-connector');
}

/** The rules that start a workflow (statemachine/<workflow>.asl.json): those naming it, with an input transformer. */
export function signalRulesStarting(workflow: 'register-connector' | 'unregister-connector'): SignalRule[] {
  return loadRules().filter(
    (rule): rule is SignalRule =>
      rule.inputTransformer !== undefined && (rule.workflows ?? []).includes(workflow),
  );
}
