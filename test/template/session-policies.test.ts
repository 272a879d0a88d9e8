import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './package-hub.js';
import { sdkActionsOfHandler } from './sdk-actions.js';

/** The functions that act in member accounts, each with the session policy it assumes the spoke role with. */
const HANDLERS = readdirSync(join(ROOT, 'functions'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== 'shared')
  .map((entry) => entry.name)
  .filter((name) => readdirSync(join(ROOT, 'functions', name)).includes('spoke-actions.ts'));

describe('session policies of the spoke role (each function gets only its own actions in a member account)', () => {
  it('are declared by every function that builds spoke clients', () => {
    expect(HANDLERS.sort()).toEqual([
      'classify-account',
      'register-connector',
      'unregister-connector',
      'verify-function',
      'verify-removal',
    ]);
  });

  it.each(HANDLERS)(
    '%s: allow exactly the Lambda, AppFlow and tagging calls its code sends',
    async (handler) => {
      const { SPOKE_ACTIONS } = (await import(join(ROOT, 'functions', handler, 'spoke-actions.ts'))) as {
        SPOKE_ACTIONS: readonly string[];
      };
      expect([...SPOKE_ACTIONS].sort()).toEqual(
        sdkActionsOfHandler(handler, ['lambda', 'appflow', 'resource-groups-tagging-api']),
      );
    },
  );
});
