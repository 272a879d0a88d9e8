import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { ROOT } from './package-hub.js';

// The local osls plugin serverless.yml lists; CommonJS, as osls requires plugins.
const { validateStateMachines } = createRequire(import.meta.url)(
  '../../scripts/serverless-validate-asl.cjs',
) as {
  validateStateMachines: (stateMachines: Record<string, { definition?: unknown }>) => void;
};

const asl = () =>
  JSON.parse(readFileSync(`${ROOT}statemachine/register-connector.asl.json`, 'utf8')) as {
    States: Record<string, Record<string, unknown>>;
  };

describe('scripts/serverless-validate-asl.cjs', () => {
  describe('a valid definition', () => {
    it('passes, and is left exactly as it was', () => {
      const definition = asl();

      expect(() => validateStateMachines({ registerConnector: { definition } })).not.toThrow();
      expect(definition).toStrictEqual(asl());
    });
  });

  describe('an invalid definition', () => {
    it('fails the package, naming the state machine and the problem', () => {
      const definition = asl();
      (definition.States.PublishConnectorRegistered as Record<string, unknown>).Next = 'NoSuchState';
      const validate = () => validateStateMachines({ registerConnector: { definition } });

      expect(validate).toThrow('State machine "registerConnector" definition is invalid:\n');
      expect(validate).toThrow(
        "MISSING_TRANSITION_TARGET: Missing 'StartAt'|'Next'|'Default' target: NoSuchState",
      );
    });
  });
});
