import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/**
 * A CPU profile of the main thread over the measured window only (not the stack's start or the
 * warm-up), written where BENCH_CPU_PROFILE says; a no-op without it. `node --cpu-prof` would also
 * profile the warm-up, which in the burst takes longer than the run itself.
 */
export async function startWindowProfile(): Promise<() => Promise<void>> {
  const path = process.env.BENCH_CPU_PROFILE;
  if (!path) return async () => undefined;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 1000 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(path, JSON.stringify(profile));
    session.disconnect();
  };
}
