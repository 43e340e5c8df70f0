import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { newDataKey, SealError, sealerFor } from './sealed.js';

describe('sealed values', () => {
  const config = { ...loadConfig({}), dataKey: newDataKey() };
  const sealer = sealerFor(config);

  it('round-trips and hides the text', () => {
    const sealed = sealer.seal('来访者自述：最近睡不着 canary-7f3a', 'row-1');
    expect(sealed).not.toContain('canary');
    expect(sealed.startsWith(`v1.${sealer.keyId}.`)).toBe(true);
    expect(sealer.open(sealed, 'row-1')).toBe('来访者自述：最近睡不着 canary-7f3a');
  });

  it('gives every value its own IV, across refills of the IV pool', () => {
    const ivs = new Set<string>();
    for (let i = 0; i < 700; i++) {
      const sealed = sealer.seal(`value ${i}`, `row-${i}`);
      ivs.add(sealed.split('.')[2]!);
      expect(sealer.open(sealed, `row-${i}`)).toBe(`value ${i}`);
    }
    expect(ivs.size).toBe(700);
  });

  it('is bound to its row and refuses tampering', () => {
    const sealed = sealer.seal('text', 'row-1');
    expect(() => sealer.open(sealed, 'row-2')).toThrow(SealError);
    const parts = sealed.split('.');
    parts[4] = Buffer.from('other').toString('base64url');
    expect(() => sealer.open(parts.join('.'), 'row-1')).toThrow(SealError);
  });

  it('opens values sealed with an older key after rotation', () => {
    const oldKey = newDataKey();
    const before = sealerFor({ ...loadConfig({}), dataKey: oldKey }).seal('old note', 'r');
    const rotated = sealerFor({ ...loadConfig({}), dataKey: `${newDataKey()},${oldKey}` });
    expect(rotated.open(before, 'r')).toBe('old note');
    expect(rotated.seal('new', 'r').split('.')[1]).toBe(rotated.keyId);
    expect(() => sealerFor({ ...loadConfig({}), dataKey: newDataKey() }).open(before, 'r')).toThrow(SealError);
  });

  it('creates a key file (0600) when no key is configured, and reuses it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xinyu-key-'));
    const file = path.join(dir, 'keys', 'data.key');
    const a = sealerFor({ ...loadConfig({}), dataKeyFile: file });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const b = sealerFor({ ...loadConfig({}), dataKeyFile: file });
    expect(b.open(a.seal('x', 'r'), 'r')).toBe('x');
  });

  it('rejects a key of the wrong length', () => {
    expect(() => sealerFor({ ...loadConfig({}), dataKey: Buffer.alloc(16).toString('base64') })).toThrow(/32/);
  });
});
