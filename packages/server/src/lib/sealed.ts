import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';

/**
 * Sealing of the most sensitive free text (counseling notes, hotline summaries) with AES-256-GCM.
 * The key lives outside the database (environment or a key file), so neither the database files
 * nor a `pg_dump` can reveal the text. Each value is bound to its row (`aad`, e.g. the row id): a
 * sealed value copied onto another row does not open.
 *
 * Format: `v1.<key id>.<iv>.<tag>.<ciphertext>` (base64url parts).
 */
export interface Sealer {
  seal(plain: string, aad: string): string;
  open(sealed: string, aad: string): string;
  /** the id of the key that seals (the first 8 hex digits of its SHA-256) */
  readonly keyId: string;
}

interface Key {
  id: string;
  bytes: Buffer;
}

const cache = new WeakMap<Config, { keys: Key[]; sealer: Sealer }>();

export class SealError extends Error {}

/** The keys and sealer of a configuration, read once per configuration object. */
function keyringOf(config: Config): { keys: Key[]; sealer: Sealer } {
  let found = cache.get(config);
  if (!found) {
    const keys = loadKeys(config);
    found = { keys, sealer: makeSealer(keys) };
    cache.set(config, found);
  }
  return found;
}

/** The sealer of a configuration (keys read once per configuration object). */
export function sealerFor(config: Config): Sealer {
  return keyringOf(config).sealer;
}

function keyOf(b64: string, origin: string): Key {
  const bytes = Buffer.from(b64.trim(), 'base64');
  if (bytes.length !== 32) throw new Error(`${origin}: 数据密钥必须是 32 字节的 base64 (a data key must be 32 bytes, base64)`);
  return { id: createHash('sha256').update(bytes).digest('hex').slice(0, 8), bytes };
}

function loadKeys(config: Config): Key[] {
  if (config.dataKey) return config.dataKey.split(',').filter((k) => k.trim()).map((k) => keyOf(k, 'XINYU_DATA_KEY'));
  const file = config.dataKeyFile;
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // 'wx': never overwrite a key another process wrote meanwhile
    try {
      fs.writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  return fs.readFileSync(file, 'utf8').split(/[\n,]/).filter((k) => k.trim()).map((k) => keyOf(k, file));
}

/**
 * Fresh 12-byte IVs from the CSPRNG, drawn 4 KB at a time (as Node's randomUUID caches its
 * entropy): a randomBytes call per value was about a fifth of a small seal's CPU. Each slice is
 * handed out once.
 */
const IV_POOL = 12 * 341;
let ivPool = Buffer.alloc(0);
let ivAt = IV_POOL;
function nextIv(): Buffer {
  if (ivAt + 12 > ivPool.length) {
    ivPool = randomBytes(IV_POOL);
    ivAt = 0;
  }
  const iv = ivPool.subarray(ivAt, ivAt + 12);
  ivAt += 12;
  return iv;
}

/**
 * One seal in the format above. Self-contained (no names from this module): its source also runs in
 * the sealing thread (lib/seal-pool.ts), so both seal exactly alike.
 */
export function sealWith(crypto: { createCipheriv: typeof createCipheriv }, keyId: string, key: Uint8Array, iv: Uint8Array, plain: string, aad: string): string {
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', keyId, Buffer.from(iv.buffer, iv.byteOffset, iv.byteLength).toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
}

/** The key that seals (the first configured, as sealerFor reads it), for the sealing thread. */
export function sealingKeyOf(config: Config): { id: string; bytes: Buffer } {
  const key = keyringOf(config).keys[0];
  if (!key) throw new Error('no data key');
  return key;
}

const nodeCrypto = { createCipheriv };

function makeSealer(keys: Key[]): Sealer {
  const sealing = keys[0];
  if (!sealing) throw new Error('no data key');
  const byId = new Map(keys.map((k) => [k.id, k]));
  return {
    keyId: sealing.id,
    seal: (plain, aad) => sealWith(nodeCrypto, sealing.id, sealing.bytes, nextIv(), plain, aad),
    open(sealed, aad) {
      const [v, id, iv, tag, ct] = sealed.split('.');
      if (v !== 'v1' || !id || iv === undefined || tag === undefined || ct === undefined) throw new SealError('sealed value has an unknown format');
      const key = byId.get(id);
      if (!key) throw new SealError(`data key ${id} is not configured`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key.bytes, Buffer.from(iv, 'base64url'));
        decipher.setAAD(Buffer.from(aad, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new SealError('sealed value does not open with this key and row');
      }
    },
  };
}

const SEALED = /^v1\.[0-9a-f]{8}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\./;

/** Whether a stored value is in the sealed format. */
export function isSealed(value: string): boolean {
  return SEALED.test(value);
}

/**
 * Opens a sealed value; a value written before its field was sealed (plain text in an older
 * database) is returned as it is, and is sealed at its next write.
 */
export function openOrPlain(sealer: Sealer, value: string, aad: string): string {
  return isSealed(value) ? sealer.open(value, aad) : value;
}

/** A fresh random key, base64 (what `openssl rand -base64 32` gives; tests use one per run). */
export function newDataKey(): string {
  return randomBytes(32).toString('base64');
}
