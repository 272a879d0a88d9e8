import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const RULES_DIR = fileURLToPath(new URL('../../events/rules/', import.meta.url));

/** An EventBridge rule file from events/rules/, as serverless.yml and the local stack read it. */
export interface RuleFile {
  file: string;
  name: string;
  description?: string;
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

/** The rules that start the workflow: those with an input transformer. */
export function deploySignalRules(): (RuleFile & {
  inputTransformer: NonNullable<RuleFile['inputTransformer']>;
})[] {
  return loadRules().filter(
    (rule): rule is RuleFile & { inputTransformer: NonNullable<RuleFile['inputTransformer']> } =>
      rule.inputTransformer !== undefined,
  );
}
