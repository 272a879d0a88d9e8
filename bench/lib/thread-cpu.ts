import { readdirSync, readFileSync } from 'node:fs';

// Linux reports utime and stime in clock ticks; USER_HZ is 100 on every Linux Node supports.
const TICK_MS = 10;

/** One thread of this process: its name (comm) and CPU time (user + system) so far, in ms. */
interface ThreadTime {
  name: string;
  cpuMs: number;
}

/** The process's threads by thread id, from /proc/self/task; empty off Linux. */
export type ThreadTimes = Map<string, ThreadTime>;

function readThread(tid: string): ThreadTime | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // The fields after the name (which may hold spaces or parentheses) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
      cpuMs: (Number(fields[11]) + Number(fields[12])) * TICK_MS,
    };
  } catch {
    return undefined;
  }
}

/**
 * CPU time (ms) of the main thread alone; undefined off Linux. The main thread runs the HTTP server,
 * every emulated service, dynalite and the interpreter; the rest of the process's CPU is the
 * functions' worker threads and V8's and libuv's helpers. The split tells which bounds the stack.
 */
export function mainThreadCpuMs(): number | undefined {
  return readThread(String(process.pid))?.cpuMs;
}

/** Every thread's CPU time now (the runtime names each environment's thread after its function). */
export function threadTimes(): ThreadTimes {
  const times: ThreadTimes = new Map();
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const time = readThread(tid);
      if (time) times.set(tid, time);
    }
  } catch {
    // Not Linux.
  }
  return times;
}

/**
 * CPU time spent between two readings, summed by `group(threadName, isMain)`. A thread that ended in
 * between (an environment killed or evicted) is missing from the second reading and not counted: the
 * sums are a lower bound, exact when no environment ended.
 */
export function cpuByGroup(
  before: ThreadTimes,
  after: ThreadTimes,
  group: (name: string, isMain: boolean) => string,
): Map<string, number> {
  const sums = new Map<string, number>();
  for (const [tid, { name, cpuMs }] of after) {
    const key = group(name, tid === String(process.pid));
    sums.set(key, (sums.get(key) ?? 0) + cpuMs - (before.get(tid)?.cpuMs ?? 0));
  }
  return sums;
}
