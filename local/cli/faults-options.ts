import { InvalidArgumentError } from 'commander';
import { APPFLOW_FAULT_STATUS, type AppFlowFaultName, type FaultConfig } from '../faults.js';

/** The fault flags shared by `run` and `serve`, as commander hands them over. */
export interface FaultFlags {
  seed: number;
  appflowRate?: number;
  appflowBurst?: number;
  fault?: string[];
  latency?: string;
  crashAfterRegister?: number;
}

/** Turns the flags into the stack's fault configuration. */
export function faultConfigOf(flags: FaultFlags): FaultConfig {
  const appflowErrors: Partial<Record<AppFlowFaultName, number>> = {};
  for (const item of flags.fault ?? []) {
    const [name = '', probability = ''] = item.split('=');
    if (!(name in APPFLOW_FAULT_STATUS)) {
      throw new InvalidArgumentError(
        `--fault ${item}: ${name} is not an AppFlow exception; use one of ${Object.keys(APPFLOW_FAULT_STATUS).join(', ')}.`,
      );
    }
    appflowErrors[name as AppFlowFaultName] = probabilityOf(probability, `--fault ${item}`);
  }
  return {
    seed: flags.seed,
    ...(flags.appflowRate === undefined
      ? {}
      : {
          appflowRate: {
            perSecond: flags.appflowRate,
            burst: flags.appflowBurst ?? Math.max(1, Math.ceil(flags.appflowRate)),
          },
        }),
    appflowErrors,
    ...(flags.latency === undefined ? {} : { appflowLatencyMs: latencyOf(flags.latency) }),
    ...(flags.crashAfterRegister === undefined ? {} : { crashAfterRegister: flags.crashAfterRegister }),
  };
}

export function numberOption(name: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < 0)
      throw new InvalidArgumentError(`${name} takes a number ≥ 0; got "${value}".`);
    return parsed;
  };
}

export function probabilityOption(name: string) {
  return (value: string): number => probabilityOf(value, name);
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function probabilityOf(text: string, what: string): number {
  const value = Number(text);
  if (text === '' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new InvalidArgumentError(`${what}: a probability between 0 and 1 is expected; got "${text}".`);
  }
  return value;
}

function latencyOf(text: string): number | { min: number; max: number } {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!match)
    throw new InvalidArgumentError(`--latency takes milliseconds (250) or a range (100-400); got "${text}".`);
  const min = Number(match[1]);
  return match[2] === undefined ? min : { min, max: Number(match[2]) };
}
