// The demo city every server test file starts from: seeded once per run into a template by
// test-global-setup.ts, as of TEST_START (the TestClock's first moment), at a tenth of the full size.
import { seedDemo } from '../seed/demo.js';
import type { Db } from './client.js';

export const TEST_START = '2026-11-25T02:00:00Z';

export async function seedTestCity(db: Db): Promise<void> {
  await seedDemo(db, new Date(TEST_START), { scale: 0.1 });
}
