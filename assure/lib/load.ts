// Load clients for the assurance checks: one keep-alive connection per client (as a phone or a
// browser tab has), each working through its own queue of writes, one at a time. A write is retried
// with the same bytes (the same client-generated id) after a network error or a 5xx until it is
// acknowledged (2xx) or refused (another 4xx) — as a student pressing 提交 again would, only sooner
// (a jittered back-off from 50 ms doubling to 2 s). Built on the benchmarks'
// minimal HTTP client (bench/raw-http.ts).
import { postRequest, RawHttpConnection, type Outcome } from '../../bench/raw-http.js';

export interface Write {
  /** what it is, for the figures: 'screening', 'alert', 'session', 'lesson' … */
  kind: string;
  /** the client-generated id (idempotency key) the request carries */
  key: string;
  path: string;
  body: string;
  headers: Record<string, string>;
  /** harness data for the checks (the student, the campaign, whether the answers are critical …) */
  meta: Record<string, string | number | boolean>;
}

export interface WriteResult {
  write: Write;
  /** 'acked': a 2xx answer; 'refused': a 4xx other than 408/429; 'gave-up': still failing at the deadline */
  state: 'acked' | 'refused' | 'gave-up';
  status: number;
  body: string;
  attempts: number;
}

/** One attempt, as the observer of a run sees it. */
export interface Attempt {
  id: number;
  write: Write;
  sentAt: number;
  doneAt: number;
  /** the HTTP status, or 0 for a network error */
  status: number;
  /** ECONNREFUSED, ECONNRESET, 'connection closed', 'timeout' … for a network error */
  error?: string;
}

export function getRequest(host: string, urlPath: string, headers: Record<string, string>): Buffer {
  let head = `GET ${urlPath} HTTP/1.1\r\nhost: ${host}\r\n`;
  for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
  return Buffer.from(`${head}\r\n`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class WriteLoad {
  readonly results: WriteResult[] = [];
  acked = 0;
  retries = 0;
  networkErrors = 0;
  /** 5xx answers by status */
  readonly serverErrors = new Map<number, number>();
  /** requests sent and not yet answered, by attempt id */
  readonly inFlight = new Map<number, { write: Write; sentAt: number }>();
  observer: ((a: Attempt) => void) | null = null;
  private nextAttempt = 1;

  /**
   * @param queues one queue of writes per client (the clients run at once, each in order)
   * @param onAck called after each acknowledgement with the running count (the fault drills trigger on it)
   */
  constructor(
    private readonly port: number,
    private readonly queues: Write[][],
    private readonly onAck: (acked: number) => void = () => undefined,
    private readonly deadlineMs = 180_000,
  ) {}

  get total(): number {
    return this.queues.reduce((n, q) => n + q.length, 0);
  }

  async run(): Promise<void> {
    const t0 = performance.now();
    await Promise.all(this.queues.map(async (queue) => {
      const connection = new RawHttpConnection(this.port, '127.0.0.1', 30_000);
      try {
        for (const write of queue) {
          const bytes = postRequest(`127.0.0.1:${this.port}`, write.path, { ...write.headers, 'content-type': 'application/json' }, write.body);
          for (let attempt = 1; ; attempt++) {
            const id = this.nextAttempt++;
            const sentAt = performance.now();
            this.inFlight.set(id, { write, sentAt });
            let out: Outcome | null = null;
            let error: string | undefined;
            try {
              out = await connection.request(bytes);
            } catch (e) {
              error = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
              this.networkErrors++;
            }
            this.inFlight.delete(id);
            this.observer?.({ id, write, sentAt, doneAt: performance.now(), status: out?.status ?? 0, ...(error ? { error } : {}) });
            if (out && out.status >= 200 && out.status < 300) {
              this.results.push({ write, state: 'acked', status: out.status, body: out.body, attempts: attempt });
              this.acked++;
              this.onAck(this.acked);
              break;
            }
            if (out && out.status < 500 && out.status !== 408 && out.status !== 429) {
              this.results.push({ write, state: 'refused', status: out.status, body: out.body.slice(0, 300), attempts: attempt });
              break;
            }
            if (out) this.serverErrors.set(out.status, (this.serverErrors.get(out.status) ?? 0) + 1);
            if (performance.now() - t0 > this.deadlineMs) {
              this.results.push({ write, state: 'gave-up', status: out?.status ?? 0, body: out?.body.slice(0, 300) ?? error ?? '', attempts: attempt });
              break;
            }
            this.retries++;
            await sleep(Math.min(2000, 25 * 2 ** attempt) * (0.5 + Math.random()));
          }
        }
      } finally {
        connection.close();
      }
    }));
  }
}
