import { type CollectionTag, parse, type ScalarTag, type YAMLMap, type YAMLSeq } from 'yaml';

// CloudFormation's short forms and the long form each stands for.
const FUNCTIONS: Record<string, string> = {
  Ref: 'Ref',
  Condition: 'Condition',
  Base64: 'Fn::Base64',
  Cidr: 'Fn::Cidr',
  FindInMap: 'Fn::FindInMap',
  GetAtt: 'Fn::GetAtt',
  GetAZs: 'Fn::GetAZs',
  ImportValue: 'Fn::ImportValue',
  Join: 'Fn::Join',
  Select: 'Fn::Select',
  Split: 'Fn::Split',
  Sub: 'Fn::Sub',
  And: 'Fn::And',
  Equals: 'Fn::Equals',
  If: 'Fn::If',
  Not: 'Fn::Not',
  Or: 'Fn::Or',
};

function scalarTag(short: string, long: string): ScalarTag {
  return {
    tag: `!${short}`,
    // `!GetAtt Resource.Attribute` is the one short form whose scalar becomes a list.
    resolve: (value: string) => ({ [long]: short === 'GetAtt' ? splitGetAtt(value) : value }),
  };
}

function collectionTag(short: string, long: string, collection: 'seq' | 'map'): CollectionTag {
  return {
    tag: `!${short}`,
    collection,
    // Returning a plain object from a collection tag is what yaml's own !!set/!!omap do too.
    resolve: (node: YAMLSeq | YAMLMap) => ({ [long]: node.toJSON() }) as unknown as YAMLSeq,
  };
}

function splitGetAtt(value: string): string[] {
  const dot = value.indexOf('.');
  return [value.slice(0, dot), value.slice(dot + 1)];
}

const customTags = Object.entries(FUNCTIONS).flatMap(([short, long]) => [
  scalarTag(short, long),
  collectionTag(short, long, 'seq'),
  collectionTag(short, long, 'map'),
]);

/**
 * Parses a CloudFormation (or serverless.yml) YAML file into the JSON CloudFormation would see:
 * `!Ref X` becomes `{ Ref: 'X' }`, `!GetAtt A.B` becomes `{ 'Fn::GetAtt': ['A', 'B'] }`, and so on.
 */
export function parseCfnYaml(text: string): unknown {
  return parse(text, { customTags, strict: true, uniqueKeys: true });
}
