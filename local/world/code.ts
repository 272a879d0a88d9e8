import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';

/**
 * The code of the world's handler modules as Lambda reports it (base64 SHA-256 and size of the
 * file), read once per module: many functions of a world share one example connector.
 */
export class ModuleCode {
  private readonly known = new Map<string, { sha256: string; size: number }>();

  /** The module's hash and size, or undefined when it is not a readable file. */
  of(modulePath: string): { sha256: string; size: number } | undefined {
    let code = this.known.get(modulePath);
    if (code) return code;
    try {
      if (!statSync(modulePath).isFile()) return undefined;
      const bytes = readFileSync(modulePath);
      code = { sha256: createHash('sha256').update(bytes).digest('base64'), size: bytes.length };
      this.known.set(modulePath, code);
      return code;
    } catch {
      return undefined;
    }
  }
}
