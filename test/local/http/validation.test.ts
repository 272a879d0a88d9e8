import { describe, expect, it } from 'vitest';
import { ConstraintCheck, modelPattern } from '../../../local/http/validation.js';

describe('modelPattern', () => {
  describe('reads a model pattern as the Java front ends of AWS do', () => {
    it('takes \\s for ASCII whitespace only, inside and outside a class', () => {
      expect(modelPattern('[\\s\\w]*').test('tab\there\nand\rthere')).toBe(true);
      expect(modelPattern('[\\s\\w]*').test('no\u00a0break')).toBe(false);
      expect(modelPattern('a\\sb').test('a\u2028b')).toBe(false);
      expect(modelPattern('a\\sb').test('a\u000bb')).toBe(true);
    });

    it('takes \\S for anything but ASCII whitespace', () => {
      expect(modelPattern('\\S+').test('token\u00a0with\ufeffunicode\u3000spaces')).toBe(true);
      expect(modelPattern('\\S+').test('token with a space')).toBe(false);
    });

    it('does not let . match U+0085, a Java line terminator', () => {
      expect(modelPattern('arn:aws:.*').test('arn:aws:lambda\u0085')).toBe(false);
      expect(modelPattern('arn:aws:.*').test('arn:aws:lambda:x')).toBe(true);
    });

    it('keeps escapes and literal dots inside a class', () => {
      expect(modelPattern('[\\w!@#.-]+').test('a.b-c')).toBe(true);
      expect(modelPattern('a\\.b').test('axb')).toBe(false);
    });
  });
});

describe('ConstraintCheck', () => {
  it('refuses a Unicode space where the model pattern has \\s, quoting the pattern', () => {
    const check = new ConstraintCheck();
    check.string('description', 'Contacts\u00a0API', { pattern: '[\\s\\w/!@#+=.-]*' });

    expect(() => check.throwIfAny('ValidationException')).toThrow(
      "1 validation error detected: Value 'Contacts\u00a0API' at 'description' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\s\\w/!@#+=.-]*",
    );
  });
});
