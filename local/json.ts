/** A JSON object (not null, not an array): what `typeof x === 'object'` alone lets through wrongly. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
