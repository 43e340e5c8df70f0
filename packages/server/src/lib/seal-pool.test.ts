// The sealing thread seals exactly as the event loop does: same key, same format, bound to the same
// place; it starts again after it is gone, and small batches never leave the event loop.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { sealCounts, sealMany, stopSealThread } from './seal-pool.js';
import { isSealed, newDataKey, sealerFor } from './sealed.js';

const config = { ...loadConfig({}), dataKey: newDataKey() };
const jobs = Array.from({ length: 40 }, (_, i) => ({ plain: JSON.stringify({ item: i, answer: '有时候' }), aad: `screening.answers:c:${i}:phq-9` }));

describe('sealMany', () => {
  it('seals a batch on the thread in order, each value opening with the sealer and only where it belongs', async () => {
    const before = { ...sealCounts };
    const sealed = await sealMany(config, jobs);
    expect(sealed).toHaveLength(jobs.length);
    expect(sealCounts.onThread - before.onThread).toBe(jobs.length);
    expect(sealCounts.fellBack).toBe(before.fellBack);
    const sealer = sealerFor(config);
    sealed.forEach((v, i) => {
      expect(isSealed(v)).toBe(true);
      expect(v.split('.')[1]).toBe(sealer.keyId);
      expect(sealer.open(v, jobs[i]!.aad)).toBe(jobs[i]!.plain);
    });
    expect(() => sealer.open(sealed[0]!, jobs[1]!.aad)).toThrow();
    // a fresh IV for every value
    expect(new Set(sealed.map((v) => v.split('.')[2])).size).toBe(sealed.length);
  });

  it('seals a small batch in place, and starts a new thread after the last one is gone', async () => {
    const few = await sealMany(config, jobs.slice(0, 3));
    expect(few.map((v, i) => sealerFor(config).open(v, jobs[i]!.aad))).toEqual(jobs.slice(0, 3).map((j) => j.plain));
    await sealMany(config, jobs);
    await stopSealThread(config);
    const before = { ...sealCounts };
    const again = await sealMany(config, jobs);
    expect(sealCounts.onThread - before.onThread).toBe(jobs.length);
    expect(again.map((v, i) => sealerFor(config).open(v, jobs[i]!.aad))).toEqual(jobs.map((j) => j.plain));
  });
});
