/**
 * Sealing of single fields with the data key (lib/sealed.ts): free text in a text column, and
 * structured values (a safety plan, a case analysis, a diary entry's fields) stored in a jsonb
 * column as one sealed JSON string. Values written before their field was sealed (plain text, a
 * plain JSON object) are read as they are.
 */
import { isSealed, openOrPlain, type Sealer } from './sealed.js';

/** Nullable text sealed (null stays null). */
export function sealNullable(sealer: Sealer, plain: string | null | undefined, aad: string): string | null {
  return plain == null ? null : sealer.seal(plain, aad);
}

/** Nullable text opened (null stays null; plain text written before sealing as it is). */
export function openNullable(sealer: Sealer, stored: string | null, aad: string): string | null {
  return stored == null ? null : openOrPlain(sealer, stored, aad);
}

/** A structured value sealed as one string, for a jsonb column (stored as a JSON string). */
export function sealJson(sealer: Sealer, value: unknown, aad: string): string {
  return sealer.seal(JSON.stringify(value), aad);
}

/**
 * A jsonb column's value: a sealed JSON string opened and parsed; a value written before sealing
 * (a plain object, array or null) as it is.
 */
export function openJson<T>(sealer: Sealer, stored: unknown, aad: string): T | null {
  if (stored == null) return null;
  if (typeof stored === 'string' && isSealed(stored)) return JSON.parse(sealer.open(stored, aad)) as T;
  return stored as T;
}
