/**
 * Every field the start-up sealing passes walk (jobs/seal-legacy-text.ts, warning/sealing.ts,
 * screening/sealing.ts, all through jobs/seal-walker.ts): a row written in plain by an older version
 * is sealed (and opens back to what it said), a row sealed already is left byte for byte, two passes
 * at once seal each value once, and a further pass seals nothing. Rows are written straight into the
 * tables (the references they name are not needed for sealing and are not checked while writing them).
 */
import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../db/client.js';
import { sealerFor, type Sealer } from '../lib/sealed.js';
import { planEventAad } from '../modules/crisis/cases.js';
import { reasonEventAad } from '../modules/care/service.js';
import { answersAad, followUpAad, screeningTargets, sealLegacyScreeningText } from '../modules/screening/sealing.js';
import { alertEvidenceTargets, sealLegacyAlertEvidence } from '../modules/warning/sealing.js';
import { setupTestEnv, type TestEnv } from '../test/fixture.js';
import { LEGACY_TEXT_FIELDS, legacyTextTargets, sealLegacyRecordText } from './seal-legacy-text.js';
import { walkTarget, type SealTarget } from './seal-walker.js';

let env: TestEnv;
let sealer: Sealer;
beforeAll(async () => {
  env = await setupTestEnv();
  sealer = sealerFor(env.deps.config);
});
afterAll(() => env.close());

const MARK = '早先的明文';

/** The plain shapes an older version may have stored in a column (jsonb: object, array, string). */
function plainValues(t: SealTarget): Record<string, unknown>[] {
  const col = (c: string, type: 'text' | 'jsonb', i: number): unknown => {
    if (t.table === 'crisis_events') return [{ source: 'staff', summary: `${MARK}摘要${i}` }, { changed: ['steps'], plan: { steps: [`${MARK}计划${i}`] } }][i % 2];
    if (t.table === 'key_student_events') return { source: 'staff', level: 'red', reason: `${MARK}理由${i}` };
    if (t.table === 'alerts' || t.table === 'alert_signals') return { description: `${MARK}描述${i}`, category: 'other' };
    if (c === 'answers') return JSON.stringify({ q1: '3', note: `${MARK}${i}` });
    if (c === 'score') return JSON.stringify({ total: 3, band: `${MARK}${i}` });
    if (type === 'text') return `${MARK}${t.table}.${c}.${i}`;
    return [{ study: `${MARK}${i}` }, [`${MARK}${i}`, 'x'], `${MARK}${i}`][i % 3];
  };
  return [0, 1, 2].map((i) => Object.fromEntries(Object.entries(t.columns).map(([c, type]) => [c, col(c, type, i)])));
}

interface Col {
  column_name: string;
  udt_name: string;
}

/** Writes one row into the target's table: its columns as given, every other required column a made-up value. */
async function insertRow(t: SealTarget, values: Record<string, unknown>): Promise<Record<string, string>> {
  const cols = await rows<Col>(env.deps.db, sql`select column_name, udt_name from information_schema.columns
    where table_schema = 'public' and table_name = ${t.table} and is_nullable = 'NO' and column_default is null and is_identity = 'NO'`);
  const made: Record<string, string> = {
    uuid: 'gen_random_uuid()', text: 'md5(random()::text)', int4: '(1 + floor(random() * 1000000))::int', int8: '(1 + floor(random() * 1000000))::bigint',
    bool: 'false', timestamptz: 'now()', date: 'current_date', jsonb: `'{}'::jsonb`, _text: `'{}'::text[]`,
  };
  const names: string[] = [];
  const exprs: SQL[] = [];
  for (const c of cols) {
    if (c.column_name in values) continue;
    if (!made[c.udt_name]) throw new Error(`no made-up value for ${t.table}.${c.column_name} (${c.udt_name})`);
    names.push(c.column_name);
    exprs.push(sql.raw(made[c.udt_name]!));
  }
  for (const [c, v] of Object.entries(values)) {
    names.push(c);
    exprs.push(t.columns[c] === 'jsonb' ? sql`${JSON.stringify(v)}::jsonb` : sql`${v as string}`);
  }
  const keys = Object.keys(t.key);
  const extra = t.extra ?? [];
  return env.deps.db.transaction(async (tx) => {
    // the references (students, cases, campaigns) are not part of sealing: not checked for these rows
    await tx.execute(sql`set local session_replication_role = replica`);
    const out = await rows<Record<string, string>>(tx, sql`insert into ${sql.raw(t.table)} (${sql.raw(names.join(', '))}) values (${sql.join(exprs, sql`, `)})
      returning ${sql.raw([...keys, ...extra].map((k) => `${k}::text as ${k}`).join(', '))}`);
    return out[0]!;
  });
}

const where = (t: SealTarget, key: Record<string, string>) => sql.join(Object.entries(t.key).map(([k, type]) => sql`${sql.raw(k)} = ${key[k]!}::${sql.raw(type)}`), sql` and `);
const stored = async (t: SealTarget, key: Record<string, string>) =>
  (await rows<Record<string, string | null>>(env.deps.db, sql`select ${sql.raw(Object.keys(t.columns).map((c) => `${c}::text as ${c}`).join(', '))} from ${sql.raw(t.table)} where ${where(t, key)}`))[0]!;

/** How a stored value opens, where the test knows the binding (every single-column field, the history, the screening text). */
function opener(t: SealTarget): ((column: string, value: string, key: Record<string, string>) => string) | null {
  const field = LEGACY_TEXT_FIELDS.find((f) => `${f.table}.${f.column}` === t.name);
  if (field) return (_c, value, key) => {
    const text = sealer.open(JSON.parse(field.json ? value : JSON.stringify(value)) as string, field.aad(key));
    return field.json ? JSON.stringify(JSON.parse(text)) : text;
  };
  if (t.table === 'crisis_events') return (_c, value, key) => {
    const d = JSON.parse(value) as Record<string, string>;
    return d.summarySealed ? sealer.open(d.summarySealed, `crisis_events:${key.case_id}`) : sealer.open(d.planSealed!, planEventAad(key.case_id!));
  };
  if (t.table === 'key_student_events') return (_c, value, key) => sealer.open((JSON.parse(value) as Record<string, string>).reasonSealed!, reasonEventAad(key.key_student_id!));
  if (t.table === 'screening_follow_ups') return (c, value, key) => sealer.open(value, followUpAad(key.id!, c as 'observation'));
  return null;
}

function expectedPlain(t: SealTarget, c: string, v: unknown): string {
  if (t.table === 'crisis_events') {
    const d = v as Record<string, unknown>;
    return typeof d.summary === 'string' ? d.summary : JSON.stringify(d.plan);
  }
  if (t.table === 'key_student_events') return (v as Record<string, string>).reason!;
  return t.columns[c] === 'jsonb' ? JSON.stringify(v) : (v as string);
}

describe('the start-up sealing passes: every field they walk', () => {
  const all = () => [...legacyTextTargets(env.deps.config), ...screeningTargets(env.deps.config), ...alertEvidenceTargets(env.deps.config)];

  it('walks family-circumstance notes, crisis case summaries and the older entries of case and key-student history', () => {
    const names = all().map((t) => t.name);
    for (const n of ['student_circumstances.note', 'crisis_cases.summary', 'crisis_events.detail (summary, plan)', 'key_student_events.detail (reason)']) expect(names).toContain(n);
  });

  it('seals each plain legacy row (objects, arrays and strings in jsonb alike), keeps sealed rows, seals each value once with two passes at once, then nothing', async () => {
    for (const t of all()) {
      const [sealedFirst, ...plains] = plainValues(t);
      // a row sealed already (by an earlier pass): its stored value must not change
      const s = await insertRow(t, sealedFirst!);
      expect(await walkTarget(env.deps.db, t), t.name).toBeGreaterThanOrEqual(Object.keys(t.columns).length);
      const sBefore = await stored(t, s);
      for (const v of Object.values(sBefore)) expect(v, t.name).not.toContain(MARK);

      const keys = [];
      for (const p of plains) keys.push(await insertRow(t, p));
      for (const k of keys) for (const v of Object.values(await stored(t, k))) expect(v, t.name).toContain(MARK);

      // two servers at once (on PostgreSQL two connections; PGlite serialises them): each value sealed once
      const passes = await Promise.all([walkTarget(env.deps.db, t, { batch: 1 }), walkTarget(env.deps.db, t, { batch: 1 })]);
      expect(passes[0]! + passes[1]!, t.name).toBe(plains.length * Object.keys(t.columns).length);
      expect(await stored(t, s), t.name).toEqual(sBefore);
      const open = opener(t);
      for (const [i, k] of keys.entries()) {
        const now = await stored(t, k);
        for (const [c, v] of Object.entries(now)) {
          expect(v, `${t.name} ${c}`).not.toContain(MARK);
          if (open) expect(open(c, v!, k), `${t.name} ${c}`).toBe(expectedPlain(t, c, plains[i]![c]));
        }
      }
      expect(await walkTarget(env.deps.db, t), t.name).toBe(0);
    }
  }, 120_000);

  it('walks a bigint key in its own order, not as text (ids 9 and 10 on either side of a page)', async () => {
    const t = legacyTextTargets(env.deps.config).find((x) => x.table === 'key_student_events')!;
    const keys = [];
    for (let i = 0; i < 14; i++) keys.push(await insertRow(t, { detail: { level: 'red', reason: `${MARK}排序${i}` } }));
    expect(Math.min(...keys.map((k) => Number(k.id)))).toBeLessThan(10);
    expect(Math.max(...keys.map((k) => Number(k.id)))).toBeGreaterThanOrEqual(10);
    expect(await walkTarget(env.deps.db, t, { batch: 5 })).toBe(14);
    for (const k of keys) expect((await stored(t, k)).detail).not.toContain(MARK);
  });

  it('the screening answers open with their sheet binding after the pass', async () => {
    const t = screeningTargets(env.deps.config)[0]!;
    const k = await insertRow(t, { answers: JSON.stringify({ q1: '2' }) });
    const ids = (await rows<{ campaign_id: string; student_id: string; instrument_key: string }>(env.deps.db, sql`select campaign_id::text, student_id::text, instrument_key from screening_responses where id = ${k.id!}::uuid`))[0]!;
    expect(await sealLegacyScreeningText(env.deps.db, env.deps.config)).toBe(1);
    const now = await stored(t, k);
    expect(JSON.parse(sealer.open(now.answers!, answersAad(ids.campaign_id, ids.student_id, ids.instrument_key)))).toEqual({ q1: '2' });
  });

  it('a whole second pass of each of the three seals nothing', async () => {
    await sealLegacyRecordText(env.deps.db, env.deps.config);
    await sealLegacyAlertEvidence(env.deps.db, env.deps.config);
    await sealLegacyScreeningText(env.deps.db, env.deps.config);
    const figures: string[] = [];
    expect(await sealLegacyRecordText(env.deps.db, env.deps.config, { progress: (p) => figures.push(p.name) })).toBe(0);
    expect(await sealLegacyAlertEvidence(env.deps.db, env.deps.config)).toBe(0);
    expect(await sealLegacyScreeningText(env.deps.db, env.deps.config)).toBe(0);
    expect(figures).toHaveLength(legacyTextTargets(env.deps.config).length);
  });
});
