import { readFileSync } from 'node:fs';
import type { RecordInput } from '../../../functions/record-outcome/input.js';

function read<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

/** A fresh copy of an outcome as the recorder works with it (after its execution was read). */
export function inputFixture(name: 'registered-input.json' | 'failed-input.json'): RecordInput {
  return read<RecordInput>(name);
}

/** A fresh copy of an outcome event as the rule delivers it. */
export function eventFixture(
  name: 'failed-event.json' | 'unregistered-event.json',
): Record<string, unknown> & { detail: Record<string, unknown> } {
  return read(name);
}
