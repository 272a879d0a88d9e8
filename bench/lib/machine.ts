import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

/** What the figures were measured on: they mean little without it. */
export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  arch: string;
  /** 1, 5 and 15 minute load averages when the benchmark started or ended. */
  load: [number, number, number];
}

/** The machine and its load right now (other engineers share the cores: the load says how much). */
export function machineInfo(): MachineInfo {
  const [one = 0, five = 0, fifteen = 0] = loadavg();
  return {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    arch: process.arch,
    load: [one, five, fifteen],
  };
}

/** One line for a benchmark's header, e.g. "machine: 2 CPUs … load 1.20 0.90 0.80". */
export function machineLine(info: MachineInfo = machineInfo()): string {
  const load = info.load.map((value) => value.toFixed(2)).join(' ');
  return `machine: ${info.cpus} CPUs (${info.cpuModel}), ${info.memoryGiB} GiB, Node ${info.node} ${info.arch}; load average ${load}`;
}

/** The load average alone, for the line a benchmark prints when it ends. */
export function loadLine(): string {
  return `load average ${loadavg()
    .map((value) => value.toFixed(2))
    .join(' ')}`;
}
