import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { setupTestEnv, type TestEnv } from '../test/fixture.js';

let env: TestEnv;
beforeAll(async () => {
  env = await setupTestEnv();
});
afterAll(async () => env?.close());

function get(port: number, path: string, agent: http.Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

describe('graceful shutdown', () => {
  it('lets a request in flight finish, answers 503 to new requests on open connections, refuses new connections', async () => {
    const { app } = await buildApp(env.deps);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    app.get('/slow-for-test', async () => {
      await gate;
      return { done: true };
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as { port: number }).port;
    const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 2 });
    expect((await get(port, '/healthz', keepAlive)).status).toBe(200);
    const inFlight = get(port, '/slow-for-test', keepAlive);
    await new Promise((r) => setTimeout(r, 100));
    const closing = app.close();
    const late = await get(port, '/healthz', keepAlive).catch((e: NodeJS.ErrnoException) => ({ status: e.code ?? 'error', body: '' }));
    expect([503, 'ECONNREFUSED', 'ECONNRESET']).toContain(late.status);
    release();
    expect(await inFlight).toEqual({ status: 200, body: '{"done":true}' });
    await closing;
    await expect(get(port, '/healthz', new http.Agent())).rejects.toThrow(/ECONNREFUSED/);
    keepAlive.destroy();
  });
});
