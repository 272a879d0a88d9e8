import { readFileSync } from 'node:fs';
import type { RecordInput } from '../../../functions/record-outcome/input.js';

/** A fresh copy of a task input fixture, as the state machine hands it over. */
export function inputFixture(name: 'registered-input.json' | 'failed-input.json'): RecordInput {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as RecordInput;
}
