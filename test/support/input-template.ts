/**
 * Fills an EventBridge input transformer's InputTemplate the way EventBridge does: a placeholder
 * inside a JSON string takes the value as text, a placeholder outside one takes it as JSON. Enough
 * to check what the rules hand the state machine; the local stack has the full implementation.
 *
 * @example renderInputTemplate('{"a": "<x>", "b": <y>}', { x: 'text', y: { n: 1 } }) // {"a":"text","b":{"n":1}}
 */
export function renderInputTemplate(template: string, values: Record<string, unknown>): unknown {
  let out = '';
  let inString = false;
  for (let index = 0; index < template.length; index += 1) {
    const char = template[index] as string;
    if (char === '<') {
      const end = template.indexOf('>', index);
      const name = end > index ? template.slice(index + 1, end) : '';
      if (name in values) {
        const value = values[name];
        out += inString ? JSON.stringify(String(value)).slice(1, -1) : JSON.stringify(value);
        index = end;
        continue;
      }
    }
    if (char === '\\' && inString) {
      out += char + (template[index + 1] ?? '');
      index += 1;
      continue;
    }
    if (char === '"') inString = !inString;
    out += char;
  }
  return JSON.parse(out);
}
