import { describe, expect, it } from 'vitest';
import {
  classifyLabels,
  type Registration,
  type TaggedFunction,
} from '../../../functions/classify-account/classify.js';

const ARN = (name: string) => `arn:aws:lambda:eu-west-1:222222222222:function:${name}`;

function fn(name: string, label: string, overrides: Partial<TaggedFunction> = {}): TaggedFunction {
  return {
    lambdaArn: ARN(name),
    connectorLabel: label,
    description: null,
    ...overrides,
  };
}

function ours(label: string, name: string, overrides: Partial<Registration> = {}): Registration {
  return {
    connectorLabel: label,
    byRegistrar: true,
    lambdaArn: ARN(name),
    ...overrides,
  };
}

describe('classifyLabels', () => {
  it('calls current a registration of the registrar for the function that carries it, with its description', () => {
    expect(classifyLabels([fn('orders', 'orders')], [ours('orders', 'orders')])).toEqual([
      { connectorLabel: 'orders', driftClass: 'current', lambdaArn: null },
    ]);
  });

  it('calls missing a label a function carries that AppFlow does not hold', () => {
    expect(classifyLabels([fn('orders', 'orders')], [])).toEqual([
      { connectorLabel: 'orders', driftClass: 'missing', lambdaArn: ARN('orders') },
    ]);
  });

  it('picks the first function by ARN when several carry a missing label', () => {
    const verdicts = classifyLabels([fn('b', 'orders'), fn('a', 'orders')], []);
    expect(verdicts).toEqual([{ connectorLabel: 'orders', driftClass: 'missing', lambdaArn: ARN('a') }]);
  });

  it('calls stale a registration whose description differs from the tag', () => {
    const tagged = [fn('orders', 'orders', { description: 'new words' })];
    const registered = [ours('orders', 'orders', { description: 'old words' })];
    expect(classifyLabels(tagged, registered)[0]?.driftClass).toBe('stale');
  });

  it('does not call stale a function without a description tag: the registrar leaves AppFlow’s alone', () => {
    const registered = [ours('orders', 'orders', { description: 'words' })];
    expect(classifyLabels([fn('orders', 'orders')], registered)[0]?.driftClass).toBe('current');
  });

  it('calls orphaned a registration of the registrar whose function is gone', () => {
    expect(classifyLabels([], [ours('orders', 'orders')])).toEqual([
      { connectorLabel: 'orders', driftClass: 'orphaned', lambdaArn: ARN('orders') },
    ]);
  });

  it('calls orphaned a registration whose function now carries another label, and the new label missing', () => {
    expect(classifyLabels([fn('orders', 'orders-v2')], [ours('orders', 'orders')])).toEqual([
      { connectorLabel: 'orders', driftClass: 'orphaned', lambdaArn: ARN('orders') },
      { connectorLabel: 'orders-v2', driftClass: 'missing', lambdaArn: ARN('orders') },
    ]);
  });

  it('calls foreign a label anyone else registered, even one a function carries, and names no function', () => {
    const registered: Registration[] = [{ connectorLabel: 'orders', byRegistrar: false }];
    expect(classifyLabels([fn('orders', 'orders')], registered)).toEqual([
      { connectorLabel: 'orders', driftClass: 'foreign', lambdaArn: null },
    ]);
  });

  it('calls foreign a registration of the registrar that names no function: it cannot be unregistered safely', () => {
    expect(classifyLabels([], [ours('orders', 'orders', { lambdaArn: undefined })])[0]?.driftClass).toBe(
      'foreign',
    );
  });

  it('answers in label order', () => {
    const verdicts = classifyLabels([fn('z', 'zeta'), fn('a', 'alpha')], [ours('mid', 'gone')]);
    expect(verdicts.map((verdict) => verdict.connectorLabel)).toEqual(['alpha', 'mid', 'zeta']);
  });
});
