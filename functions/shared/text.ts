/**
 * Makes untrusted text (a signal's functionArn or hints, tag values, connector answers) safe to put
 * in an error message, and so in the ConnectorRegistrationFailed event and the alert built from it:
 * cut to `max` characters, then every character outside printable ASCII written as \uXXXX and
 * backslashes doubled, so a newline, a bidi override or an emoji can neither forge a log line or an
 * alert nor hide which character broke a rule. Both handlers use it for every value a caller chose.
 *
 * @example printable('caf\u00e9\n') // 'caf\\u00e9\\u000a'
 */
export function printable(text: string, max = 120): string {
  const cut = text.length > max ? text.slice(0, max) : text;
  const escaped = cut.replace(/[^\x20-\x5b\x5d-\x7e]/g, (char) =>
    char === '\\' ? '\\\\' : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return cut.length === text.length ? escaped : `${escaped}...(${text.length} chars)`;
}
