import { parse, type Tags } from 'yaml';

/**
 * CloudFormation's short-form functions, as CloudFormation (and osls) read them: `!Ref X` →
 * `{ Ref: 'X' }`, `!GetAtt A.B` →
 * `{ 'Fn::GetAtt': ['A', 'B'] }`, `!Sub …` → `{ 'Fn::Sub': … }`, in scalar, sequence and mapping form.
 */
const FUNCTION_NAMES = [
  'And',
  'Base64',
  'Cidr',
  'Condition',
  'Equals',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'GetStackOutput',
  'If',
  'ImportValue',
  'Join',
  'Not',
  'Or',
  'Ref',
  'Select',
  'Split',
  'Sub',
  'Transform',
] as const;

function longName(name: string): string {
  return name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
}

function scalarValue(name: string, text: string): unknown {
  if (name !== 'GetAtt') return text;
  // The dot form: the first dot separates the resource from the attribute (Outputs.Name keeps its dot).
  const [resource = '', ...attribute] = text.split('.');
  return [resource, attribute.join('.')];
}

const CLOUDFORMATION_TAGS: Tags = FUNCTION_NAMES.flatMap((name) => [
  { tag: `!${name}`, resolve: (text: string) => ({ [longName(name)]: scalarValue(name, text) }) },
  {
    tag: `!${name}`,
    collection: 'seq' as const,
    resolve: (seq: { toJSON(): unknown }) => ({ [longName(name)]: seq.toJSON() }),
  },
  {
    tag: `!${name}`,
    collection: 'map' as const,
    resolve: (map: { toJSON(): unknown }) => ({ [longName(name)]: map.toJSON() }),
  },
]);

/**
 * Parses a YAML CloudFormation template (spoke/template.yaml) into plain JSON data, the short-form
 * tags turned into their long form, as CloudFormation reads it.
 *
 * @example parseTemplateYaml('Arn: !GetAtt Bus.Arn') // { Arn: { 'Fn::GetAtt': ['Bus', 'Arn'] } }
 */
export function parseTemplateYaml(text: string, fileName = 'template.yaml'): unknown {
  try {
    // YAML 1.2 core schema: `Version: 2012-10-17` stays a string, as CloudFormation keeps it.
    const value: unknown = parse(text, { customTags: CLOUDFORMATION_TAGS, prettyErrors: true });
    return JSON.parse(JSON.stringify(value ?? null));
  } catch (error) {
    throw new Error(`Cannot parse ${fileName}: ${(error as Error).message}`, { cause: error });
  }
}
