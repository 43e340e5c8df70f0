// A webhook receiver on loopback, standing in for the region's messaging gateway (XINYU_WEBHOOK_URL):
// it checks each delivery's signature and counts deliveries by event id (the outbox row id the server
// sends in the body and in x-xinyu-delivery). Delivery is at least once; a receiver drops repeats by id.
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';

export interface WebhookReceiver {
  url: string;
  secret: string;
  /** deliveries per event id */
  seen: Map<number, number>;
  /** deliveries whose signature or body did not check out */
  rejected: number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const seen = new Map<number, number>();
  const state = { rejected: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
      const given = Buffer.from(String(req.headers['x-xinyu-signature'] ?? ''));
      let id = NaN;
      try {
        id = Number((JSON.parse(body.toString('utf8')) as { id?: unknown }).id);
      } catch {
        // counted as rejected below
      }
      if (given.length !== expected.length || !timingSafeEqual(given, expected) || !Number.isInteger(id) || String(id) !== req.headers['x-xinyu-delivery']) {
        state.rejected++;
        res.writeHead(400).end();
        return;
      }
      seen.set(id, (seen.get(id) ?? 0) + 1);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/xinyu-events`,
    secret,
    seen,
    get rejected() {
      return state.rejected;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
