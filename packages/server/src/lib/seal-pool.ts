import { Worker } from 'node:worker_threads';
import type { Config } from '../config.js';
import { sealerFor, sealingKeyOf, sealWith } from './sealed.js';

/**
 * Seals many values on a thread of its own. During a screening peak the event loop that answers
 * students is the bottleneck, and sealing each sheet's answers and score (two AES-GCM seals) was
 * about a tenth of its time; the batched store hands a whole batch here instead and the seals run
 * on another core. Same key, same format (`sealWith` is one function, its source sent to the
 * thread). If the thread fails, the values are sealed on the event loop as before.
 */
export interface SealJob {
  plain: string;
  aad: string;
}

/** Fewer values than this are sealed in place: the round trip to the thread would cost more. */
const MIN_BATCH = 8;

const THREAD_SOURCE = (seal: string) => `
const { parentPort, workerData } = require('node:worker_threads');
const crypto = require('node:crypto');
const sealWith = ${seal};
const key = Buffer.from(workerData.key);
let ivs = Buffer.alloc(0);
let at = ivs.length;
function nextIv() {
  if (at + 12 > ivs.length) { ivs = crypto.randomBytes(12 * 341); at = 0; }
  const iv = ivs.subarray(at, at + 12);
  at += 12;
  return iv;
}
parentPort.on('message', (m) => {
  try {
    parentPort.postMessage({ id: m.id, sealed: m.jobs.map((j) => sealWith(crypto, workerData.keyId, key, nextIv(), j[0], j[1])) });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String((e && e.message) || e) });
  }
});
`;

interface Pending {
  resolve: (sealed: string[]) => void;
  reject: (e: Error) => void;
}

class SealThread {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(private readonly config: Config) {}

  private start(): Worker {
    const key = sealingKeyOf(this.config);
    const worker = new Worker(THREAD_SOURCE(sealWith.toString()), { eval: true, workerData: { keyId: key.id, key: new Uint8Array(key.bytes) } });
    // never what keeps the process alive
    worker.unref();
    worker.on('message', (m: { id: number; sealed?: string[]; error?: string }) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (!p) return;
      if (m.sealed) p.resolve(m.sealed);
      else p.reject(new Error(m.error ?? 'sealing thread failed'));
    });
    const fail = (e: Error) => {
      if (this.worker === worker) this.worker = null;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`sealing thread exited (${code})`)));
    this.worker = worker;
    return worker;
  }

  seal(jobs: SealJob[]): Promise<string[]> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<string[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, jobs: jobs.map((j) => [j.plain, j.aad]) });
    });
  }

  /** ends the thread (tests) */
  async stop(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    await w?.terminate();
  }
}

const threads = new WeakMap<Config, SealThread>();

/** Values sealed on the thread and, because it failed, in place (tests, diagnostics). */
export const sealCounts = { onThread: 0, fellBack: 0 };

function threadFor(config: Config): SealThread {
  let t = threads.get(config);
  if (!t) threads.set(config, (t = new SealThread(config)));
  return t;
}

/** Seals `jobs` (in order), on the sealing thread when there are enough of them. */
export async function sealMany(config: Config, jobs: SealJob[]): Promise<string[]> {
  const inPlace = () => {
    const sealer = sealerFor(config);
    return jobs.map((j) => sealer.seal(j.plain, j.aad));
  };
  if (jobs.length < MIN_BATCH) return inPlace();
  try {
    const sealed = await threadFor(config).seal(jobs);
    sealCounts.onThread += sealed.length;
    return sealed;
  } catch {
    // the thread is gone (or failed): sealed here, as before it existed; the next batch starts a new one
    sealCounts.fellBack += jobs.length;
    return inPlace();
  }
}

/** Ends the sealing thread of a configuration (tests that check a new one starts). */
export function stopSealThread(config: Config): Promise<void> {
  return threads.get(config)?.stop() ?? Promise.resolve();
}
