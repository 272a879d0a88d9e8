import { readFileSync } from 'node:fs';
import { parseTemplateYaml } from '../deploy/yaml.js';

const SERVERLESS_YML = new URL('../../serverless.yml', import.meta.url);
const PACER_PARAM = 'appflowRequestsPerSecond';

/**
 * The hub params a run at `timeScale` deploys with. The AppFlow pacer spaces requests inside the
 * handlers, in real time, where the emulation cannot scale the wait as it scales retry intervals;
 * so, unless the caller set it, the pacer's rate is serverless.yml's default divided by timeScale:
 * the same spacing in scaled time as on AWS. A rate of 0 (no pacing) stays 0.
 *
 * @example timeScaledParams({}, 0.01) // { appflowRequestsPerSecond: '500' } with the default of 5
 */
export function timeScaledParams(
  params: Record<string, string>,
  timeScale: number,
  defaultRate: number = defaultPacerRate(),
): Record<string, string> {
  if (timeScale === 1 || params[PACER_PARAM] !== undefined || defaultRate === 0) return params;
  return { ...params, [PACER_PARAM]: String(defaultRate / timeScale) };
}

/** serverless.yml's params.default.appflowRequestsPerSecond: the one place the default lives. */
function defaultPacerRate(): number {
  const template = parseTemplateYaml(readFileSync(SERVERLESS_YML, 'utf8'), 'serverless.yml') as {
    params?: { default?: Record<string, unknown> };
  };
  const rate = Number(template.params?.default?.[PACER_PARAM]);
  if (!Number.isFinite(rate) || rate < 0) {
    throw new Error(`serverless.yml: params.default.${PACER_PARAM} must be a number of requests per second`);
  }
  return rate;
}
