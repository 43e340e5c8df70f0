// A minimal HTTP/1.1 keep-alive client for the load generator: one connection, one request at a
// time, a prebuilt request buffer out, status and body back. On this 2-CPU machine the clients share
// the CPUs with the server and PostgreSQL, so every microsecond they spend is one the system under
// test does not get; undici still cost about 0.2 ms of CPU per request, this a small fraction of it.
// It understands what the server sends (Content-Length bodies, optional `Connection: close`) and
// fails loudly on anything else.
import net from 'node:net';

export interface Outcome {
  status: number;
  body: string;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/** The bytes of one POST with a JSON body. */
export function postRequest(host: string, urlPath: string, headers: Record<string, string>, body: string): Buffer {
  const bodyBuf = Buffer.from(body);
  let head = `POST ${urlPath} HTTP/1.1\r\nhost: ${host}\r\ncontent-length: ${bodyBuf.length}\r\n`;
  for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
  return Buffer.concat([Buffer.from(`${head}\r\n`), bodyBuf]);
}

export class RawHttpConnection {
  private socket: net.Socket | null = null;
  private buf: Buffer = Buffer.alloc(0);
  private pending: { resolve: (o: Outcome) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | null = null;

  constructor(
    private readonly port: number,
    private readonly host = '127.0.0.1',
    private readonly timeoutMs = 30_000,
  ) {}

  request(bytes: Buffer): Promise<Outcome> {
    if (this.pending) return Promise.reject(new Error('one request at a time'));
    return new Promise<Outcome>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new Error('timeout')), this.timeoutMs);
      this.pending = { resolve, reject, timer };
      this.connection().write(bytes);
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = null;
  }

  private connection(): net.Socket {
    if (this.socket) return this.socket;
    const socket = net.connect({ port: this.port, host: this.host, noDelay: true });
    this.buf = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
      this.parse();
    });
    const gone = (e?: Error) => {
      if (this.socket === socket) this.socket = null;
      this.fail(e ?? new Error('connection closed'));
    };
    socket.on('error', gone);
    socket.on('close', () => gone());
    this.socket = socket;
    return socket;
  }

  private parse(): void {
    const end = this.buf.indexOf(HEADER_END);
    if (end < 0) return;
    const head = this.buf.toString('latin1', 0, end);
    const status = Number(head.slice(9, 12));
    const lengthMatch = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!lengthMatch || !(status >= 100)) {
      this.close();
      this.fail(new Error(`unexpected response head: ${head.slice(0, 200)}`));
      return;
    }
    const total = end + 4 + Number(lengthMatch[1]);
    if (this.buf.length < total) return;
    const body = this.buf.toString('utf8', end + 4, total);
    this.buf = this.buf.subarray(total);
    if (/\r\nconnection:\s*close/i.test(head)) this.close();
    const p = this.pending;
    this.pending = null;
    if (p) {
      clearTimeout(p.timer);
      p.resolve({ status, body });
    }
  }

  private fail(e: Error): void {
    const p = this.pending;
    this.pending = null;
    if (!p) return;
    clearTimeout(p.timer);
    this.close();
    p.reject(e);
  }
}
