/**
 * The leaf matchers of an EventBridge event pattern: what may appear inside a field's array of
 * alternatives (`"state": ["running", { "prefix": "init" }, { "numeric": [">", 0] }]`), compiled to
 * predicates. Rules and messages follow AWS event-ruler (the engine behind EventBridge) and the
 * EventBridge user guide, "Comparison operators for use in event patterns".
 */
import { BlockList, isIP } from 'node:net';

/** A JSON value that can stand at a leaf of an event. */
export type Scalar = string | number | boolean | null;

/** One alternative of a field, compiled: a test on each leaf value, or a test on presence. */
export type LeafMatcher =
  | { kind: 'exists'; exists: boolean }
  | { kind: 'value'; test: (value: Scalar) => boolean };

/** A pattern error, with the place in the pattern it was found (`detail.state[0]`). */
export class PatternSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly at: string,
  ) {
    super(`${reason} at ${at}`);
    this.name = 'PatternSyntaxError';
  }
}

// event-ruler stores numbers as fixed-point over this range, six decimals: outside it nothing compares.
const NUMBER_LIMIT = 5e9;
const MATCH_TYPES = [
  'prefix',
  'suffix',
  'anything-but',
  'numeric',
  'exists',
  'cidr',
  'equals-ignore-case',
  'wildcard',
];

/** Names that may not be field names inside an `$or` branch, as event-ruler reserves them. */
export const RESERVED_IN_OR: ReadonlySet<string> = new Set(MATCH_TYPES);

/** Compiles one element of a field's array of alternatives. */
export function compileLeaf(element: unknown, at: string): LeafMatcher {
  if (element === null || typeof element === 'string' || typeof element === 'boolean') {
    return { kind: 'value', test: (value) => value === element };
  }
  if (typeof element === 'number') return { kind: 'value', test: numericEquals(element) };
  if (Array.isArray(element) || typeof element !== 'object') {
    throw new PatternSyntaxError('Match value must be String, number, true, false, or null', at);
  }
  const keys = Object.keys(element);
  const [type] = keys;
  if (type === undefined) throw new PatternSyntaxError('Match expression name not found', at);
  if (keys.length > 1) throw new PatternSyntaxError('Only one key allowed in match expression', at);
  const operand = (element as Record<string, unknown>)[type];
  const where = `${at}.${type}`;
  switch (type) {
    case 'exists':
      if (typeof operand !== 'boolean') {
        throw new PatternSyntaxError('exists match pattern must be either true or false.', where);
      }
      return { kind: 'exists', exists: operand };
    case 'prefix':
    case 'suffix':
      return { kind: 'value', test: compileAffix(type, operand, where) };
    case 'equals-ignore-case': {
      const text = requireString(operand, 'equals-ignore-case match pattern must be a string', where);
      return { kind: 'value', test: (value) => typeof value === 'string' && sameIgnoringCase(value, text) };
    }
    case 'wildcard': {
      const regex = wildcardRegex(
        requireString(operand, 'wildcard match pattern must be a string', where),
        where,
      );
      return { kind: 'value', test: (value) => typeof value === 'string' && regex.test(value) };
    }
    case 'numeric':
      return { kind: 'value', test: compileNumeric(operand, where) };
    case 'cidr':
      return { kind: 'value', test: compileCidr(operand, where) };
    case 'anything-but': {
      const excluded = compileAnythingBut(operand, where);
      return { kind: 'value', test: (value) => !excluded(value) };
    }
    default:
      throw new PatternSyntaxError(`Unrecognized match type ${type}`, where);
  }
}

function requireString(operand: unknown, reason: string, at: string): string {
  if (typeof operand !== 'string') throw new PatternSyntaxError(reason, at);
  return operand;
}

function sameIgnoringCase(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** prefix/suffix, plain or with `{ "equals-ignore-case": … }` inside. */
function compileAffix(type: 'prefix' | 'suffix', operand: unknown, at: string): (value: Scalar) => boolean {
  const ends = type === 'prefix' ? startsWith : endsWith;
  if (typeof operand === 'string') return (value) => typeof value === 'string' && ends(value, operand);
  if (operand !== null && typeof operand === 'object' && !Array.isArray(operand)) {
    const keys = Object.keys(operand);
    if (keys.length !== 1 || keys[0] !== 'equals-ignore-case') {
      throw new PatternSyntaxError(`Unsupported ${type} pattern: ${keys.join(', ')}`, at);
    }
    const text = requireString(
      (operand as Record<string, unknown>)['equals-ignore-case'],
      'equals-ignore-case match pattern must be a string',
      `${at}.equals-ignore-case`,
    ).toLowerCase();
    return (value) => typeof value === 'string' && ends(value.toLowerCase(), text);
  }
  throw new PatternSyntaxError(`${type} match pattern must be a string`, at);
}

function startsWith(value: string, affix: string): boolean {
  return value.startsWith(affix);
}

function endsWith(value: string, affix: string): boolean {
  return value.endsWith(affix);
}

/**
 * `*` matches any run of characters (none included); `\*` is a literal asterisk and `\\` a literal
 * backslash. Two asterisks in a row and any other escape are errors, as in event-ruler.
 */
function wildcardRegex(wildcard: string, at: string): RegExp {
  let source = '';
  for (let i = 0; i < wildcard.length; i++) {
    const char = wildcard[i] as string;
    if (char === '*') {
      if (wildcard[i + 1] === '*')
        throw new PatternSyntaxError(`Consecutive wildcard characters at pos ${i}`, at);
      source += '.*';
    } else if (char === '\\') {
      const next = wildcard[i + 1];
      if (next !== '*' && next !== '\\')
        throw new PatternSyntaxError(`Invalid escape character at pos ${i}`, at);
      source += `\\${next}`;
      i++;
    } else {
      source += char.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`, 's');
}

/** Numbers compare as event-ruler's fixed-point form: six decimals, within ±5.0E9. */
function comparable(value: number): number | undefined {
  return Math.abs(value) <= NUMBER_LIMIT ? Math.round(value * 1e6) : undefined;
}

function numericEquals(expected: number): (value: Scalar) => boolean {
  const target = comparable(expected);
  return (value) => {
    if (typeof value !== 'number') return false;
    if (value === expected) return true;
    const actual = comparable(value);
    return target !== undefined && actual === target;
  };
}

function requireNumber(operand: unknown, operator: string, at: string): number {
  if (typeof operand !== 'number') throw new PatternSyntaxError(`Value of ${operator} must be numeric`, at);
  if (comparable(operand) === undefined) {
    throw new PatternSyntaxError(`Value must be between -5.0E9 and 5.0E9, inclusive`, at);
  }
  return operand;
}

type Bound = { value: number; open: boolean };

/**
 * `["=", n]`, `[">"|">=", n]`, `["<"|"<=", n]` or a range `[">"|">=", low, "<"|"<=", high]`.
 * There is no `!=`: EventBridge expresses it with `anything-but`.
 */
function compileNumeric(operand: unknown, at: string): (value: Scalar) => boolean {
  if (!Array.isArray(operand)) throw new PatternSyntaxError('Value of numeric must be an array.', at);
  const [operator, first, secondOperator, second, ...rest] = operand as unknown[];
  if (typeof operator !== 'string') {
    throw new PatternSyntaxError(`Invalid member in numeric match: ${JSON.stringify(operator)}`, at);
  }
  const tooMany = () => new PatternSyntaxError('Too many elements in numeric expression', at);
  let low: Bound | undefined;
  let high: Bound | undefined;
  if (operator === '=') {
    const value = requireNumber(first, 'equals', at);
    if (operand.length > 2) throw tooMany();
    return numericEquals(value);
  }
  if (operator === '<' || operator === '<=') {
    high = { value: requireNumber(first, operator, at), open: operator === '<' };
    if (operand.length > 2) throw tooMany();
  } else if (operator === '>' || operator === '>=') {
    low = { value: requireNumber(first, operator, at), open: operator === '>' };
    if (operand.length > 2) {
      if (secondOperator !== '<' && secondOperator !== '<=') {
        throw new PatternSyntaxError(`Bad numeric range operator: ${String(secondOperator)}`, at);
      }
      high = { value: requireNumber(second, secondOperator, at), open: secondOperator === '<' };
      if (rest.length > 0) throw new PatternSyntaxError('Too many terms in numeric range expression', at);
      if (high.value < low.value) {
        throw new PatternSyntaxError('Bottom must be less than top in numeric range expression', at);
      }
    }
  } else {
    throw new PatternSyntaxError(`Unrecognized numeric range operator: ${operator}`, at);
  }
  return (value) => {
    if (typeof value !== 'number') return false;
    const actual = comparable(value);
    if (actual === undefined) return false;
    return withinLow(actual, low) && withinHigh(actual, high);
  };
}

function withinLow(actual: number, low: Bound | undefined): boolean {
  if (low === undefined) return true;
  const bound = comparable(low.value) as number;
  return low.open ? actual > bound : actual >= bound;
}

function withinHigh(actual: number, high: Bound | undefined): boolean {
  if (high === undefined) return true;
  const bound = comparable(high.value) as number;
  return high.open ? actual < bound : actual <= bound;
}

/** IPv4 or IPv6 `address/prefix`; only an address of the same family can match. */
function compileCidr(operand: unknown, at: string): (value: Scalar) => boolean {
  const text = requireString(operand, 'cidr match pattern must be a string', at);
  const parts = text.split('/');
  const [address, bits] = parts;
  const family = address === undefined ? 0 : isIP(address);
  const prefix = bits !== undefined && /^\d{1,3}$/.test(bits) ? Number(bits) : Number.NaN;
  if (parts.length !== 2 || family === 0 || !(prefix <= (family === 4 ? 32 : 128))) {
    throw new PatternSyntaxError(
      `Malformed CIDR "${text}": expected an IPv4 or IPv6 address, "/" and a prefix length`,
      at,
    );
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const subnet = new BlockList();
  subnet.addSubnet(address as string, prefix, type);
  return (value) => typeof value === 'string' && isIP(value) === family && subnet.check(value, type);
}

/**
 * What an anything-but excludes: one string or number, a list of only strings or only numbers, or
 * `{ prefix | suffix | equals-ignore-case | wildcard: string or list of strings }`. Any present value
 * that is not excluded matches, whatever its type.
 */
function compileAnythingBut(operand: unknown, at: string): (value: Scalar) => boolean {
  if (typeof operand === 'string') return (value) => value === operand;
  if (typeof operand === 'number') return numericEquals(requireNumber(operand, 'anything-but', at));
  if (Array.isArray(operand)) return compileAnythingButList(operand, at);
  if (operand === null || typeof operand !== 'object') {
    throw new PatternSyntaxError('Inside anything-but list, start|null|boolean is not supported.', at);
  }
  const keys = Object.keys(operand);
  const [op] = keys;
  if (op === undefined) throw new PatternSyntaxError('Anything-But expression name not found', at);
  if (keys.length > 1) throw new PatternSyntaxError('Only one key allowed in match expression', at);
  if (op !== 'prefix' && op !== 'suffix' && op !== 'equals-ignore-case' && op !== 'wildcard') {
    throw new PatternSyntaxError(`Unsupported anything-but pattern: ${op}`, at);
  }
  const where = `${at}.${op}`;
  const raw = (operand as Record<string, unknown>)[op];
  const texts = Array.isArray(raw) ? raw : [raw];
  if (texts.length === 0) throw new PatternSyntaxError('Empty arrays are not allowed', where);
  const tests = texts.map((text) => {
    if (typeof text !== 'string') throw new PatternSyntaxError(`${op} match pattern must be a string`, where);
    if ((op === 'prefix' || op === 'suffix') && text === '') {
      throw new PatternSyntaxError('Null prefix/suffix not allowed', where);
    }
    if (op === 'prefix' || op === 'suffix') return compileAffix(op, text, where);
    if (op === 'wildcard') {
      const regex = wildcardRegex(text, where);
      return (value: Scalar) => typeof value === 'string' && regex.test(value);
    }
    return (value: Scalar) => typeof value === 'string' && sameIgnoringCase(value, text);
  });
  return (value) => tests.some((test) => test(value));
}

function compileAnythingButList(list: unknown[], at: string): (value: Scalar) => boolean {
  const strings = list.filter((item): item is string => typeof item === 'string');
  const numbers = list.filter((item): item is number => typeof item === 'number');
  if (strings.length + numbers.length !== list.length) {
    throw new PatternSyntaxError('Inside anything but list, start|null|boolean is not supported.', at);
  }
  if (list.length === 0 || (strings.length > 0 && numbers.length > 0)) {
    throw new PatternSyntaxError(
      'Inside anything but list, either all values are number or string, mixed type is not supported',
      at,
    );
  }
  if (numbers.length > 0) {
    const equals = numbers.map((number) => numericEquals(requireNumber(number, 'anything-but', at)));
    return (value) => equals.some((test) => test(value));
  }
  const excluded = new Set(strings);
  return (value) => typeof value === 'string' && excluded.has(value);
}
