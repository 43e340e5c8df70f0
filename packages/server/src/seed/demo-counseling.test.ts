// The demo counseling seed: a qualified, compliant room at 江城区实验中学, the counselor's slots, one confirmed appointment for `student`.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../db/client.js';
import { setupTestEnv, type TestEnv } from '../test/fixture.js';
import { seedDemoCounseling } from './demo-counseling.js';

let env: TestEnv;
beforeAll(async () => {
  env = await setupTestEnv();
  // if seedDemo already called it, start again from nothing
  for (const table of ['appointment_events', 'appointments', 'counselor_slots', 'room_hour_logs', 'room_hours', 'counseling_rooms']) await env.deps.db.execute(sql.raw(`delete from ${table}`));
}, 120_000);
afterAll(async () => env?.close());

describe('seedDemoCounseling', () => {
  it('seeds a compliant room, slots and the student\'s confirmed appointment, seen through the API', async () => {
    const out = await env.deps.db.transaction((tx) => seedDemoCounseling(tx, { now: env.clock.now() }));
    expect(out.rooms).toBe(1);
    expect(out.slots).toBe(20);
    expect(out.appointments).toBe(1);
    const counselor = await env.login('counselor');
    const rooms = (await counselor.get('/api/v1/counseling/rooms')).json().items;
    expect(rooms).toHaveLength(1);
    expect(rooms[0]).toMatchObject({ rating: 'qualified', schedule: { compliant: true, weeklyMinutes: 900 } });
    const detail = (await counselor.get(`/api/v1/counseling/rooms/${rooms[0].id}?from=2026-11-16&to=2026-11-24`)).json();
    expect(detail.logged.compliant).toBe(true);
    const mine = (await (await env.login('student')).get('/api/v1/counseling/my-appointments')).json();
    expect(mine.items).toHaveLength(1);
    expect(mine.items[0]).toMatchObject({ status: 'confirmed', counselorName: expect.any(String) as string });
    expect((await rows<{ n: number }>(env.deps.db, sql`select count(*)::int as n from counselor_slots where school_id = ${env.ids.schoolA}`))[0]!.n).toBe(20);
  });
});
