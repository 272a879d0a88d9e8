/**
 * The Choice rule operator StringMatches as the Amazon States Language defines it: `*` matches zero
 * or more characters, any characters, line breaks included; `\*` is a literal `*` and `\\` a
 * literal `\`. No other character is special (`?` is itself, unlike in shell globs).
 */

const STAR = Symbol('*');

/** The pattern as literal UTF-16 units and wildcards. */
type Token = string | typeof STAR;

function tokensOf(pattern: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === '\\' && i + 1 < pattern.length) {
      i += 1;
      tokens.push(pattern[i] as string);
    } else {
      tokens.push(char === '*' ? STAR : char);
    }
  }
  return tokens;
}

/**
 * A matcher for one StringMatches pattern, in time proportional to pattern × value at worst (the
 * usual wildcard walk that backs up to the last `*`), so no pattern can make it backtrack
 * exponentially.
 *
 * @example stringMatcher('arn:*')('arn:aws:lambda\n') // true
 */
export function stringMatcher(pattern: string): (value: string) => boolean {
  const tokens = tokensOf(pattern);
  return (value) => {
    let at = 0;
    let next = 0;
    let lastStar = -1;
    let starMatchedTo = 0;
    while (at < value.length) {
      const token = tokens[next];
      if (token === STAR) {
        lastStar = next;
        next += 1;
        starMatchedTo = at;
      } else if (token !== undefined && token === value[at]) {
        next += 1;
        at += 1;
      } else if (lastStar >= 0) {
        next = lastStar + 1;
        starMatchedTo += 1;
        at = starMatchedTo;
      } else {
        return false;
      }
    }
    while (tokens[next] === STAR) next += 1;
    return next === tokens.length;
  };
}
