import type { Resource } from './template.js';

/** What CloudFormation's pseudo parameters become in these tests. */
const PSEUDO: Record<string, string> = {
  'AWS::Region': 'eu-west-1',
  'AWS::AccountId': '111111111111',
  'AWS::Partition': 'aws',
  'AWS::StackName': 'appflow-connector-registrar-dev',
  'AWS::URLSuffix': 'amazonaws.com',
};

/**
 * The text of an Fn::Sub as CloudFormation would make it: pseudo parameters by PSEUDO, each
 * variable of the map by its literal or a placeholder naming its Ref or GetAtt (`<Ref:Id>`,
 * `<GetAtt:Id.Attribute>`), `${!x}` as `${x}`. A variable it cannot resolve is an error, as it is
 * for CloudFormation.
 */
export function resolveSub(sub: unknown): string {
  const [text, variables] = (Array.isArray(sub) ? sub : [sub, {}]) as [string, Record<string, unknown>];
  if (typeof text !== 'string') throw new Error(`Fn::Sub text is not a string: ${JSON.stringify(sub)}`);
  return text.replace(/\$\{([^}]*)\}/g, (_whole, name: string) => {
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    if (name in variables) return placeholderOf(variables[name], name);
    const pseudo = PSEUDO[name];
    if (pseudo !== undefined) return pseudo;
    throw new Error(`Fn::Sub variable \${${name}} is neither in its map nor a pseudo parameter`);
  });
}

function placeholderOf(value: unknown, name: string): string {
  if (typeof value === 'string') return value;
  const record = value as Record<string, unknown>;
  if (typeof record.Ref === 'string') return `<Ref:${record.Ref}>`;
  const getAtt = record['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return `<GetAtt:${getAtt.join('.')}>`;
  throw new Error(`Fn::Sub variable ${name} is ${JSON.stringify(value)}: not a literal, Ref or GetAtt`);
}

/** A dashboard widget, as the body's JSON has it. */
export interface Widget {
  type: string;
  x: number;
  y: number;
  width: number;
  height: number;
  // biome-ignore lint/suspicious/noExplicitAny: widget properties differ per widget type.
  properties: Record<string, any>;
}

/** The body of an AWS::CloudWatch::Dashboard, substituted and parsed. */
export function dashboardBody(dashboard: Resource): { widgets: Widget[] } {
  const body = dashboard.Properties.DashboardBody;
  const text = typeof body === 'string' ? body : resolveSub(body['Fn::Sub']);
  return JSON.parse(text) as { widgets: Widget[] };
}

/** One metric a widget graphs: its namespace, name and dimensions. */
export interface GraphedMetric {
  widget: string;
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  stat?: string;
  /** Found by a SEARCH expression: the dimension names of its schema, values left open. */
  search?: string[];
}

const SEARCH = /SEARCH\('\{"?([^",}]+)"?((?:,[^,}]+)*)\}\s+MetricName="([^"]+)"'/;

/**
 * Every metric the dashboard's metric widgets graph, from their `metrics` rows: a row is
 * `[namespace, name, dimension, value, …, {options}]`, or `[{expression}]` whose SEARCH names a
 * namespace, a dimension schema and a MetricName.
 */
export function graphedMetrics(widgets: Widget[]): GraphedMetric[] {
  return widgets
    .filter((widget) => widget.type === 'metric')
    .flatMap((widget) =>
      (widget.properties.metrics as unknown[][]).map((row): GraphedMetric => {
        const title = widget.properties.title as string;
        const first = row[0];
        if (typeof first === 'object' && first !== null && 'expression' in first) {
          const match = SEARCH.exec(String((first as { expression: string }).expression));
          if (!match) throw new Error(`${title}: an expression that is not a SEARCH of one metric`);
          const [, namespace = '', schema = '', name = ''] = match;
          const search = schema.split(',').filter(Boolean);
          return { widget: title, namespace, name, dimensions: {}, search };
        }
        const options = row.find((item) => typeof item === 'object') as { stat?: string } | undefined;
        const [namespace, name, ...pairs] = row.filter((item) => typeof item === 'string') as string[];
        const dimensions: Record<string, string> = {};
        for (let at = 0; at < pairs.length; at += 2)
          dimensions[pairs[at] as string] = pairs[at + 1] as string;
        return {
          widget: title,
          namespace: namespace as string,
          name: name as string,
          dimensions,
          stat: options?.stat ?? widget.properties.stat,
        };
      }),
    );
}
