import { vi } from 'vitest';

/** One metric of an EMF line, as CloudWatch would read it. */
export interface EmittedMetric {
  namespace: string;
  name: string;
  unit: string;
  value: number | number[];
  /** The line's dimension sets: the design puts exactly one on every line. */
  dimensionSets: string[][];
  /** The values of the dimensions named by the line's dimension sets. */
  dimensions: Record<string, string>;
  /** Every other key of the line: neither a metric nor a dimension. */
  metadata: Record<string, unknown>;
}

interface EmfLine {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  [key: string]: unknown;
}

/**
 * Makes Powertools Metrics print (POWERTOOLS_DEV, which the test config sets, disables it unless
 * POWERTOOLS_METRICS_DISABLED is set) and collects the EMF lines it writes with console.log. Call
 * it before the Metrics instance is created: the switch is read in its constructor.
 */
export function enableMetrics(): void {
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
}

/** Collects what Powertools Metrics prints from now on (until vi.restoreAllMocks). */
export function captureEmf(): { metrics: () => EmittedMetric[]; lines: () => EmfLine[] } {
  const printed: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
    printed.push(String(line));
  });
  const lines = () =>
    printed.map((line) => JSON.parse(line) as EmfLine).filter((line) => line._aws !== undefined);
  return { lines, metrics: () => lines().flatMap(metricsOf) };
}

/** The metrics of one EMF line, each with its dimensions and the line's metadata. */
export function metricsOf(line: EmfLine): EmittedMetric[] {
  return line._aws.CloudWatchMetrics.flatMap(({ Namespace, Dimensions, Metrics }) => {
    const dimensionKeys = new Set(Dimensions.flat());
    const metricNames = new Set(Metrics.map((metric) => metric.Name));
    const dimensions = Object.fromEntries([...dimensionKeys].map((key) => [key, String(line[key])]));
    const metadata = Object.fromEntries(
      Object.entries(line).filter(
        ([key]) => key !== '_aws' && !dimensionKeys.has(key) && !metricNames.has(key),
      ),
    );
    return Metrics.map(({ Name, Unit }) => ({
      namespace: Namespace,
      name: Name,
      unit: Unit,
      value: line[Name] as number | number[],
      dimensionSets: Dimensions,
      dimensions,
      metadata,
    }));
  });
}
