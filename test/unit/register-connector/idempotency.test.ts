import { BasePersistenceLayer, IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it, vi } from 'vitest';
import {
  clientTokenFor,
  createIdempotencyConfig,
  IDEMPOTENCY_TTL_SECONDS,
  tokenLogPrefix,
} from '../../../functions/register-connector/idempotency.js';
import { AppFlowLimits } from '../../../functions/shared/limits.js';
import type { RegisterInput } from '../../../functions/shared/types.js';
import { registerInput } from './helpers.js';

/** Keeps the idempotency keys Powertools derives, to check what the key is made of. */
class RecordingPersistence extends BasePersistenceLayer {
  readonly keys: string[] = [];
  protected async _putRecord(record: IdempotencyRecord): Promise<void> {
    this.keys.push(record.idempotencyKey);
  }
  protected async _getRecord(): Promise<IdempotencyRecord> {
    throw new Error('not used');
  }
  protected async _updateRecord(): Promise<void> {}
  protected async _deleteRecord(): Promise<void> {}
}

async function idempotencyKeyOf(event: unknown): Promise<string> {
  const persistence = new RecordingPersistence();
  persistence.configure({ config: createIdempotencyConfig(new Logger()) });
  await persistence.saveInProgress(event as Parameters<RecordingPersistence['saveInProgress']>[0], 60_000);
  const key = persistence.keys[0];
  if (key === undefined) throw new Error('no record was written');
  return key;
}

const KEY_FIELDS = {
  accountId: '222222222222',
  region: 'us-east-1',
  connectorLabel: 'other-label',
  lambdaArn: 'arn:aws:lambda:eu-west-1:111111111111:function:other-function',
  codeSha256: 'AAAAgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=',
  // The same code deployed again (a rollback) is a new deploy.
  lastModified: '2024-05-01T13:30:00.000+0000',
} satisfies Partial<RegisterInput>;

describe('clientTokenFor', () => {
  describe('determinism', () => {
    it('gives the same token for the same registration, whatever the execution', () => {
      const first = clientTokenFor('RegisterConnector', registerInput());
      const second = clientTokenFor(
        'RegisterConnector',
        registerInput({ executionArn: 'arn:aws:states:eu-west-1:111111111111:execution:sm:other' }),
      );
      expect(second).toBe(first);
    });

    it('is a hex SHA-256 with the operation as prefix', () => {
      expect(clientTokenFor('RegisterConnector', registerInput())).toMatch(/^register-[0-9a-f]{64}$/);
      expect(clientTokenFor('UpdateConnectorRegistration', registerInput())).toMatch(/^update-[0-9a-f]{64}$/);
    });

    it("fits AppFlow's clientToken limits", () => {
      const { maxLength, pattern } = AppFlowLimits.clientToken;
      for (const operation of ['RegisterConnector', 'UpdateConnectorRegistration'] as const) {
        const token = clientTokenFor(operation, registerInput());
        expect(token.length).toBeLessThanOrEqual(maxLength);
        expect(token).toMatch(pattern);
      }
    });
  });

  describe('uniqueness', () => {
    it('differs between RegisterConnector and UpdateConnectorRegistration', () => {
      const input = registerInput();
      expect(clientTokenFor('UpdateConnectorRegistration', input)).not.toBe(
        clientTokenFor('RegisterConnector', input),
      );
    });

    it.each(Object.entries(KEY_FIELDS))('differs when %s differs', (field, value) => {
      const base = clientTokenFor('RegisterConnector', registerInput());
      expect(clientTokenFor('RegisterConnector', registerInput({ [field]: value }))).not.toBe(base);
    });

    it('differs when the description differs, so AppFlow never sees a token reused with other parameters', () => {
      const base = clientTokenFor('RegisterConnector', registerInput());
      expect(clientTokenFor('RegisterConnector', registerInput({ description: null }))).not.toBe(base);
    });

    it('differs for a re-registration, per execution, and stays the same for a retry of that execution', () => {
      const base = clientTokenFor('RegisterConnector', registerInput());
      const again = clientTokenFor('RegisterConnector', registerInput({ reregister: true }));
      const otherExecution = clientTokenFor(
        'RegisterConnector',
        registerInput({
          reregister: true,
          executionArn: 'arn:aws:states:eu-west-1:111111111111:execution:sm:other',
        }),
      );
      expect(again).not.toBe(base);
      expect(otherExecution).not.toBe(again);
      expect(clientTokenFor('RegisterConnector', registerInput({ reregister: true }))).toBe(again);
    });

    it('cannot be forged by moving text between fields', () => {
      const a = registerInput({ connectorLabel: 'ab', region: 'eu-west-1' });
      const b = registerInput({ connectorLabel: 'b', region: 'eu-west-1a' });
      expect(clientTokenFor('RegisterConnector', a)).not.toBe(clientTokenFor('RegisterConnector', b));
    });
  });

  describe('tokenLogPrefix', () => {
    it('keeps the operation and the start of the hash', () => {
      const token = clientTokenFor('RegisterConnector', registerInput());
      expect(tokenLogPrefix(token)).toBe(token.slice(0, 20));
      expect(tokenLogPrefix(token)).toMatch(/^register-[0-9a-f]{11}$/);
    });
  });
});

describe('createIdempotencyConfig', () => {
  describe('settings', () => {
    it('expires records after 8 hours and refuses events without a key', () => {
      const config = createIdempotencyConfig(new Logger());
      expect(config.expiresAfterSeconds).toBe(8 * 3600);
      expect(IDEMPOTENCY_TTL_SECONDS).toBe(28_800);
      expect(config.throwOnNoIdempotencyKey).toBe(true);
    });
  });

  describe('the idempotency key', () => {
    it('ignores the execution and the description', async () => {
      const base = await idempotencyKeyOf(registerInput());
      const otherSignal = await idempotencyKeyOf(
        registerInput({
          executionArn: 'arn:aws:states:eu-west-1:111111111111:execution:sm:second-signal',
          description: null,
        }),
      );
      expect(otherSignal).toBe(base);
    });

    it.each(Object.entries(KEY_FIELDS))('changes with %s', async (field, value) => {
      const base = await idempotencyKeyOf(registerInput());
      expect(await idempotencyKeyOf(registerInput({ [field]: value }))).not.toBe(base);
    });

    it('refuses an event with none of the key fields', async () => {
      await expect(idempotencyKeyOf({ executionArn: 'x' })).rejects.toMatchObject({
        name: 'IdempotencyKeyError',
      });
    });
  });

  describe('replays', () => {
    it('logs that a stored result is returned, and returns it unchanged', () => {
      const log = new Logger();
      const info = vi.spyOn(log, 'info').mockImplementation(() => undefined);
      const config = createIdempotencyConfig(log);
      const stored = { action: 'registered', connectorArn: 'arn:aws:appflow:eu-west-1:1:connector/x' };
      const record = new IdempotencyRecord({ idempotencyKey: 'fn#abc', status: 'COMPLETED' });

      expect(config.responseHook?.(stored, record)).toBe(stored);
      expect(info).toHaveBeenCalledWith(expect.stringContaining('stored result'), {
        idempotencyKey: 'fn#abc',
        stored,
      });
    });
  });
});
