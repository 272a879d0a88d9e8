import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  applyInputTransformer,
  InputTransformationError,
  type InputTransformer,
  InvalidInputTransformerError,
  type TransformContext,
  validateInputTransformer,
} from '../../../local/events/transform.js';
import type { BusEvent } from '../../../local/types.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));

interface TransformCase {
  name: string;
  source: string;
  transformer: InputTransformer;
  expected?: unknown;
  expectedText?: string;
  error?: string;
}

const event = fixture('transform-event.json') as BusEvent;
const { context, cases } = fixture('transform-cases.json') as {
  context: TransformContext;
  cases: TransformCase[];
};
const invalid = fixture('invalid-transformers.json') as { transformer: unknown; reason: string }[];

describe('applyInputTransformer', () => {
  describe('documented behaviour', () => {
    it.each(cases.filter((c) => c.error === undefined))(
      '$name ($source)',
      ({ transformer, expected, expectedText }) => {
        const text = applyInputTransformer(validateInputTransformer(transformer), event, context);
        if (expectedText !== undefined) expect(text).toBe(expectedText);
        if (expected !== undefined) expect(JSON.parse(text)).toEqual(expected);
      },
    );
  });

  describe('results that are not JSON', () => {
    it.each(cases.filter((c) => c.error !== undefined))(
      '$name: throws ($source)',
      ({ transformer, error }) => {
        expect(() => applyInputTransformer(transformer, event, context)).toThrow(InputTransformationError);
        expect(() => applyInputTransformer(transformer, event, context)).toThrow(error);
      },
    );

    it('names the rule and shows the broken input so a person can fix the template', () => {
      const broken = cases.find((c) => c.name.startsWith('a quote in a value'));
      expect(broken).toBeDefined();
      expect(() => applyInputTransformer(broken?.transformer as InputTransformer, event, context)).toThrow(
        /Rule example: .*put the placeholder bare.*say "hi"/s,
      );
    });
  });

  describe('predefined variables', () => {
    it('cannot be overridden by a variable of the same name', () => {
      const transformer = {
        InputPathsMap: { 'aws.events.rule-name': '$.id' },
        InputTemplate: '<aws.events.rule-name>',
      };
      expect(JSON.parse(applyInputTransformer(transformer, event, context))).toBe(context.ruleName);
    });
  });
});

describe('validateInputTransformer', () => {
  it.each(invalid)('refuses $transformer: $reason', ({ transformer, reason }) => {
    expect(() => validateInputTransformer(transformer)).toThrow(InvalidInputTransformerError);
    expect(() => validateInputTransformer(transformer)).toThrow(reason);
  });

  it('answers ValidationException, as PutTargets does', () => {
    expect(() => validateInputTransformer({})).toThrow(
      expect.objectContaining({ name: 'ValidationException' }),
    );
  });

  it('refuses more than 100 variables', () => {
    const paths = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`v${i}`, '$.id']));
    expect(() => validateInputTransformer({ InputPathsMap: paths, InputTemplate: '{}' })).toThrow(
      'InputPathsMap has 101 variables; EventBridge allows at most 100.',
    );
  });

  it('accepts a template without variables', () => {
    expect(validateInputTransformer({ InputTemplate: '{"constant": true}' })).toEqual({
      InputTemplate: '{"constant": true}',
    });
  });
});
