import { AwsServiceError } from './errors.js';

/**
 * Input constraints checked the way AWS's front ends check a service model's traits, with their
 * messages: "2 validation errors detected: Value 'a b' at 'connectorLabel' failed to satisfy
 * constraint: Member must satisfy regular expression pattern: …; Value null at …". Model patterns
 * are matched against the whole value, as the services do, in the sense of Java's regular
 * expressions (see `modelPattern`).
 */
export interface StringRule {
  required?: boolean;
  min?: number;
  max?: number;
  /** Source of the model's pattern, matched in full. */
  pattern?: string;
  enum?: readonly string[];
}

export class ConstraintCheck {
  private readonly problems: string[] = [];

  /** Records a violation; `member` is the dotted model path of the field (connectorProvisioningConfig.lambda.lambdaArn). */
  string(member: string, value: string | undefined, rule: StringRule): void {
    if (value === undefined) {
      if (rule.required)
        this.problems.push(`Value null at '${member}' failed to satisfy constraint: Member must not be null`);
      return;
    }
    const shown = value.length > 256 ? `${value.slice(0, 256)}…` : value;
    if (rule.min !== undefined && value.length < rule.min) {
      this.violation(shown, member, `Member must have length greater than or equal to ${rule.min}`);
    } else if (rule.max !== undefined && value.length > rule.max) {
      this.violation(shown, member, `Member must have length less than or equal to ${rule.max}`);
    }
    if (rule.pattern !== undefined && !modelPattern(rule.pattern).test(value)) {
      this.violation(shown, member, `Member must satisfy regular expression pattern: ${rule.pattern}`);
    }
    if (rule.enum !== undefined && !rule.enum.includes(value)) {
      this.violation(shown, member, `Member must satisfy enum value set: [${rule.enum.join(', ')}]`);
    }
  }

  /** Integer range, as the model's @range trait. */
  range(member: string, value: number | undefined, min: number, max: number): void {
    if (value === undefined) return;
    if (!(value >= min))
      this.violation(String(value), member, `Member must have value greater than or equal to ${min}`);
    else if (value > max)
      this.violation(String(value), member, `Member must have value less than or equal to ${max}`);
  }

  /** A problem the model cannot express (a member required only in some cases…), in the same list. */
  null(member: string): void {
    this.problems.push(`Value null at '${member}' failed to satisfy constraint: Member must not be null`);
  }

  /** Throws the service's validation error (ValidationException, or ValidationError for query services) if any. */
  throwIfAny(code: 'ValidationException' | 'ValidationError'): void {
    if (this.problems.length === 0) return;
    const count =
      this.problems.length === 1
        ? '1 validation error detected'
        : `${this.problems.length} validation errors detected`;
    throw new AwsServiceError(400, code, `${count}: ${this.problems.join('; ')}`);
  }

  /** Any other constraint, in the same list. */
  violation(value: string, member: string, constraint: string): void {
    this.problems.push(`Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`);
  }
}

/** Java's `\s` (java.util.regex.Pattern): ASCII whitespace only. */
const JAVA_SPACE = ' \\t\\n\\x0B\\f\\r';
/** What Java's `.` does not match without DOTALL: its line terminators. */
const JAVA_LINE_TERMINATORS = '\\n\\r\\u0085\\u2028\\u2029';

const compiled = new Map<string, RegExp>();

/**
 * A model pattern compiled with the meaning AWS's Java front ends give it, anchored at both ends.
 * JavaScript's `\s` also matches Unicode spaces (U+00A0, U+2028, U+FEFF…) and its `.` matches
 * U+0085, so `[\s\w/!@#+=.-]*` would accept a no-break space AppFlow refuses: `\s`, `\S` and `.`
 * are rewritten to Java's classes. `\w` and `\d` are ASCII in both.
 *
 * @example modelPattern('[\\s\\w]*').test('a\u00a0b') // false, as AppFlow answers
 */
export function modelPattern(pattern: string): RegExp {
  let regex = compiled.get(pattern);
  if (regex === undefined) {
    regex = new RegExp(`^(?:${javaClasses(pattern)})$`);
    compiled.set(pattern, regex);
  }
  return regex;
}

function javaClasses(pattern: string): string {
  let source = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === '\\') {
      const next = pattern[i + 1] ?? '';
      i += 1;
      if (next === 's') source += inClass ? JAVA_SPACE : `[${JAVA_SPACE}]`;
      else if (next === 'S' && !inClass) source += `[^${JAVA_SPACE}]`;
      else if (next === 'S') throw new Error(`\\S inside a character class is not supported: ${pattern}`);
      else source += `\\${next}`;
    } else if (char === '[' && !inClass) {
      inClass = true;
      source += char;
    } else if (char === ']' && inClass) {
      inClass = false;
      source += char;
    } else if (char === '.' && !inClass) {
      source += `[^${JAVA_LINE_TERMINATORS}]`;
    } else {
      source += char;
    }
  }
  return source;
}
