import { describe, expect, it } from 'vitest';
import { isDeleteFunctionSignal, removalClaimOf } from '../../../functions/shared/removal-signals.js';
import type { TriggerKind } from '../../../functions/shared/types.js';

describe('removalClaimOf', () => {
  it.each<[TriggerKind, string, string]>([
    ['cloudtrail', 'DeleteFunction20150331', 'deleted'],
    ['cloudtrail', 'DeleteFunction', 'deleted'],
    ['cloudformation', 'DELETE_COMPLETE', 'deleted'],
    ['cloudtrail', 'UntagResource20170331v2', 'tags-changed'],
    ['cloudtrail', 'TagResource20170331v2', 'tags-changed'],
    ['pipeline', 'registrar unregister', 'requested'],
    ['sweep', 'orphaned', 'orphaned'],
  ])('reads %s %s as %s', (kind, name, claim) => {
    expect(removalClaimOf({ kind, name })).toBe(claim);
  });

  it.each<[TriggerKind, string]>([
    ['cloudtrail', 'DeleteFunctionConcurrency20171031'],
    ['cloudtrail', 'UpdateFunctionCode20150331v2'],
    ['cloudformation', 'UPDATE_COMPLETE'],
    ['pipeline', 'Connector Lambda Deployed'],
    ['pipeline', 'registrar register'],
    ['cloudtrail', 'registrar unregister'],
    ['cloudformation', 'DeleteFunction20150331'],
    ['sweep', 'missing'],
  ])('refuses %s %s with InvalidInputError: it claims no removal', (kind, name) => {
    expect(() => removalClaimOf({ kind, name })).toThrow(
      expect.objectContaining({ name: 'InvalidInputError' }),
    );
  });
});

describe('isDeleteFunctionSignal', () => {
  it('is true only for CloudTrail DeleteFunction under either name', () => {
    expect(isDeleteFunctionSignal({ kind: 'cloudtrail', name: 'DeleteFunction20150331' })).toBe(true);
    expect(isDeleteFunctionSignal({ kind: 'cloudtrail', name: 'DeleteFunctionUrlConfig' })).toBe(false);
    expect(isDeleteFunctionSignal({ kind: 'pipeline', name: 'DeleteFunction' })).toBe(false);
  });
});
