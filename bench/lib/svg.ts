/**
 * The burst chart (docs/burst.svg), written by hand as SVG text: two series per second on one time
 * axis, no charting library needed for bars, a polyline and a few labels.
 */
export interface ChartInput {
  title: string;
  /** Per one-second bin, from t = 0. */
  bars: { label: string; color: string; values: number[] };
  line: { label: string; color: string; values: number[] };
  /** A horizontal reference, e.g. the AppFlow limit of 10 requests per second. */
  limit?: { label: string; value: number };
  /** A vertical reference, e.g. the ideal wall time. */
  marker?: { label: string; second: number };
  caption: string;
}

const WIDTH = 900;
const HEIGHT = 420;
const MARGIN = { left: 56, right: 24, top: 48, bottom: 84 };

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A round step for the axis ticks, about `target` ticks over `max`. */
function tickStep(max: number, target: number): number {
  const raw = max / target;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const factor of [1, 2, 5, 10]) if (factor * power >= raw) return factor * power;
  return 10 * power;
}

/** The SVG document of the chart. */
export function renderChart(input: ChartInput): string {
  const seconds = Math.max(
    input.bars.values.length,
    input.line.values.length,
    (input.marker?.second ?? 0) + 1,
    1,
  );
  const maxValue = Math.max(1, ...input.bars.values, ...input.line.values, (input.limit?.value ?? 0) * 1.2);
  const yStep = tickStep(maxValue, 6);
  const yMax = Math.ceil(maxValue / yStep) * yStep;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (second: number) => MARGIN.left + (second / seconds) * plotWidth;
  const y = (value: number) => MARGIN.top + plotHeight - (value / yMax) * plotHeight;
  const barWidth = Math.max(1, plotWidth / seconds - 1);
  const parts: string[] = [];

  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12" role="img" aria-labelledby="chart-title">`,
    `<title id="chart-title">${escapeXml(input.title)}</title>`,
    '<!-- Written by bench/burst.ts (bench/lib/svg.ts): hand-written SVG, no charting library. -->',
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(input.title)}</text>`,
  );
  for (let value = 0; value <= yMax; value += yStep) {
    parts.push(
      `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(value)}" y2="${y(value)}" stroke="#e5e5e5"/>`,
      `<text x="${MARGIN.left - 6}" y="${y(value) + 4}" text-anchor="end">${value}</text>`,
    );
  }
  const xStep = tickStep(seconds, 12);
  for (let second = 0; second <= seconds; second += xStep) {
    parts.push(
      `<text x="${x(second)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${second}</text>`,
    );
  }
  parts.push(
    `<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - MARGIN.bottom + 34}" text-anchor="middle">seconds since the 200 deploy signals were sent</text>`,
    `<text transform="translate(16 ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">per second</text>`,
  );
  input.bars.values.forEach((value, second) => {
    if (value > 0) {
      parts.push(
        `<rect x="${x(second) + 0.5}" y="${y(value)}" width="${barWidth}" height="${y(0) - y(value)}" fill="${input.bars.color}"><title>${second} s: ${value}</title></rect>`,
      );
    }
  });
  const points = input.line.values.map(
    (value, second) => `${x(second + 0.5).toFixed(1)},${y(value).toFixed(1)}`,
  );
  if (points.length > 0) {
    parts.push(
      `<polyline points="${points.join(' ')}" fill="none" stroke="${input.line.color}" stroke-width="2"/>`,
    );
  }
  if (input.limit) {
    parts.push(
      `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(input.limit.value)}" y2="${y(input.limit.value)}" stroke="#555" stroke-dasharray="6 4"/>`,
      `<text x="${MARGIN.left + 4}" y="${y(input.limit.value) - 5}" fill="#555">${escapeXml(input.limit.label)}</text>`,
    );
  }
  if (input.marker) {
    parts.push(
      `<line x1="${x(input.marker.second)}" x2="${x(input.marker.second)}" y1="${MARGIN.top}" y2="${y(0)}" stroke="#555" stroke-dasharray="2 3"/>`,
      `<text x="${x(input.marker.second) + 4}" y="${MARGIN.top + 12}" fill="#555">${escapeXml(input.marker.label)}</text>`,
    );
  }
  parts.push(
    `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(0)}" y2="${y(0)}" stroke="#333"/>`,
    `<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${y(0)}" stroke="#333"/>`,
  );
  const legendY = HEIGHT - 26;
  // About 6.6 px per character at 12 px: the line's legend starts after the bars' label.
  const lineLegendX = MARGIN.left + 18 + Math.ceil(input.bars.label.length * 6.6) + 24;
  parts.push(
    `<rect x="${MARGIN.left}" y="${legendY - 10}" width="12" height="12" fill="${input.bars.color}"/>`,
    `<text x="${MARGIN.left + 18}" y="${legendY}">${escapeXml(input.bars.label)}</text>`,
    `<line x1="${lineLegendX}" x2="${lineLegendX + 24}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="${input.line.color}" stroke-width="2"/>`,
    `<text x="${lineLegendX + 30}" y="${legendY}">${escapeXml(input.line.label)}</text>`,
    `<text x="${MARGIN.left}" y="${HEIGHT - 8}" fill="#555" font-size="11">${escapeXml(input.caption)}</text>`,
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}

/** Counts events into one-second bins from 0 to the last event (or `seconds`). */
export function perSecond(timesMs: readonly number[], seconds?: number): number[] {
  const last = Math.max(0, ...timesMs.map((t) => Math.floor(t / 1000)));
  const bins = new Array<number>(Math.max(seconds ?? 0, last + 1)).fill(0);
  for (const t of timesMs) {
    const bin = Math.floor(Math.max(0, t) / 1000);
    bins[bin] = (bins[bin] ?? 0) + 1;
  }
  return bins;
}
