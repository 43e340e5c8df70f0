// Issue 7 part 6: backup and restore through the real CLI (`npm run cli -- backup | restore`) for
// PostgreSQL (pg_dump custom format → pg_restore into an empty database) and for the embedded data
// directory (refused while a process holds it), each restore ending with the audit chain check;
// and the point-in-time recovery drill (pg_basebackup + WAL archive + recovery target time).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { migrate, openDatabase, rows, type Db } from '../../packages/server/src/db/client.js';
import { TEST_START } from '../../packages/server/src/db/test-seed.js';
import { seedDemo } from '../../packages/server/src/seed/demo.js';
import { createDatabase, dropDatabase } from '../lib/app.js';
import { fillAuditChain } from '../lib/audit.js';
import { pitrDrill } from '../lib/pitr.js';
import type { AssureCheck, Figure } from '../types.js';

const ROOT = path.join(import.meta.dirname, '../..');

/** `npm run cli -- …` without npm: tsx running packages/server/src/cli.ts with the given environment. */
export function cli(args: string[], env: Record<string, string | undefined>): { code: number; out: string; seconds: number } {
  const t0 = performance.now();
  const merged: Record<string, string | undefined> = { ...process.env, DATABASE_URL: undefined, XINYU_DATA_DIR: undefined, XINYU_MIGRATION_DATABASE_URL: undefined, ...env };
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(merged)) if (v !== undefined) clean[k] = v;
  const r = spawnSync(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'packages/server/src/cli.ts'), ...args], { env: clean, encoding: 'utf8', cwd: ROOT, maxBuffer: 1 << 24 });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}`.trim(), seconds: (performance.now() - t0) / 1000 };
}

/** Rows per table of the public schema, for comparing a restored copy with its source. */
export async function tableCounts(db: Db): Promise<Map<string, number>> {
  const tables = await rows<{ t: string }>(db, sql`select tablename as t from pg_tables where schemaname = 'public' order by 1`);
  const out = new Map<string, number>();
  for (const { t } of tables) out.set(t, (await rows<{ n: number }>(db, sql`select count(*)::int as n from ${sql.identifier(t)}`))[0]!.n);
  return out;
}

function diffCounts(a: Map<string, number>, b: Map<string, number>): string[] {
  const names = new Set([...a.keys(), ...b.keys()]);
  return [...names].filter((t) => a.get(t) !== b.get(t)).map((t) => `${t}: ${a.get(t) ?? '—'} vs ${b.get(t) ?? '—'}`);
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

export const check: AssureCheck = {
  id: 'backup',
  order: 60,
  title: 'backup and restore (PostgreSQL and embedded) through the CLI; point-in-time recovery drill',
  budgetMinutes: 4,
  async run(ctx) {
    const figures: Figure[] = [];
    const server = await ctx.sharedPostgres();

    // --- PostgreSQL: pg_dump → pg_restore into an empty database --------------------------------
    const src = 'xinyu_assure_backup';
    const dst = 'xinyu_assure_restored';
    const srcUrl = await createDatabase(server.adminUrl, src);
    const dstUrl = await createDatabase(server.adminUrl, dst);
    const s = await openDatabase({ databaseUrl: srcUrl, poolSize: 2 });
    try {
      await migrate(s);
      await seedDemo(s.db, new Date(TEST_START), { scale: 0.1 });
      await fillAuditChain(s.db, ctx.quick ? 2000 : 50_000);
      const before = await tableCounts(s.db);
      const totalRows = [...before.values()].reduce((n, x) => n + x, 0);
      const file = path.join(ctx.tmpDir, 'xinyu.dump');
      const b = cli(['backup', file], { DATABASE_URL: srcUrl });
      if (b.code !== 0) throw new Error(`backup: ${b.out}`);
      const size = fs.statSync(file).size;
      ctx.log(`backup of ${before.size} tables, ${totalRows.toLocaleString('en')} rows: ${mb(size)} in ${b.seconds.toFixed(1)} s (CLI, incl. start-up) — ${b.out.split('\n')[0]}`);
      const refused = cli(['restore', file], { DATABASE_URL: srcUrl });
      ctx.log(`restore over the non-empty source refused: ${refused.code !== 0} (${refused.out.split('\n')[0]})`);
      const r = cli(['restore', file], { DATABASE_URL: dstUrl });
      ctx.log(`restore: exit ${r.code} in ${r.seconds.toFixed(1)} s — ${r.out.replace(/\n/g, ' | ')}`);
      const d = await openDatabase({ databaseUrl: dstUrl, poolSize: 2 });
      let diff: string[];
      try {
        diff = diffCounts(before, await tableCounts(d.db));
      } finally {
        await d.close();
      }
      figures.push({ label: `PostgreSQL backup (pg_dump -Fc of ${totalRows.toLocaleString('en')} rows)`, value: `${mb(size)}, ${b.seconds.toFixed(1)} s`, ref: 'backup' });
      figures.push({ label: 'PostgreSQL restore into an empty database + audit verify', value: `${r.seconds.toFixed(1)} s`, target: 'exit 0, chain OK', ok: r.code === 0 && /audit chain OK/.test(r.out), ref: 'backup' });
      figures.push({ label: 'tables whose row count differs after restore', value: diff.length, target: '0', ok: diff.length === 0 && refused.code !== 0, ref: 'backup' });
      if (diff.length) ctx.log(`differences: ${diff.join('; ')}`);
    } finally {
      await s.close();
      await dropDatabase(server.adminUrl, src);
      await dropDatabase(server.adminUrl, dst);
    }

    // --- embedded data directory ----------------------------------------------------------------
    {
      const dataDir = path.join(ctx.tmpDir, 'data');
      const restored = path.join(ctx.tmpDir, 'restored');
      const file = path.join(ctx.tmpDir, 'data.tar.gz');
      const t0 = performance.now();
      const e = await openDatabase({ dataDir });
      let held: ReturnType<typeof cli>;
      let before: Map<string, number>;
      try {
        await migrate(e);
        await fillAuditChain(e.db, 2000);
        before = await tableCounts(e.db);
        ctx.log(`embedded database created and migrated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
        // this process holds the directory now: a backup must refuse
        held = cli(['backup', file], { XINYU_DATA_DIR: dataDir });
        ctx.log(`backup while held by pid ${process.pid}: exit ${held.code} — ${held.out.split('\n')[0]}`);
      } finally {
        await e.close();
      }
      const b = cli(['backup', file], { XINYU_DATA_DIR: dataDir });
      if (b.code !== 0) throw new Error(`embedded backup: ${b.out}`);
      const size = fs.statSync(file).size;
      const r = cli(['restore', file], { XINYU_DATA_DIR: restored });
      ctx.log(`embedded restore: exit ${r.code} in ${r.seconds.toFixed(1)} s — ${r.out.replace(/\n/g, ' | ')}`);
      const again = cli(['restore', file], { XINYU_DATA_DIR: restored });
      const check = await openDatabase({ dataDir: restored });
      let diff: string[];
      try {
        diff = diffCounts(before, await tableCounts(check.db));
      } finally {
        await check.close();
      }
      figures.push({ label: 'embedded backup refused while a process holds the directory', value: held.code !== 0 && /pid/.test(held.out) ? 'refused' : 'NOT refused', target: 'refused', ok: held.code !== 0 && /pid/.test(held.out), ref: 'backup' });
      figures.push({ label: 'embedded backup (.tar.gz of the data directory)', value: `${mb(size)}, ${b.seconds.toFixed(1)} s`, ref: 'backup' });
      figures.push({ label: 'embedded restore into a new directory + audit verify', value: `${r.seconds.toFixed(1)} s`, target: 'exit 0, chain OK, same rows', ok: r.code === 0 && /audit chain OK/.test(r.out) && diff.length === 0 && again.code !== 0, ref: 'backup' });
    }

    // --- point-in-time recovery drill ------------------------------------------------------------
    const p = await pitrDrill({ groups: ctx.quick ? 3 : 10, perGroup: ctx.quick ? 100 : 300, log: ctx.log });
    figures.push({ label: 'PITR rows checked (before base / before target / after target)', value: `${p.rowsChecked} (${p.rowsBeforeBase} / ${p.rowsAfterBaseBeforeTarget} / ${p.rowsAfterTarget})`, ref: 'pitr' });
    figures.push({ label: 'PITR rows before the target missing + rows after it present', value: p.missingBeforeTarget + p.presentAfterTarget, target: '0', ok: p.missingBeforeTarget === 0 && p.presentAfterTarget === 0 && p.chainOk, ref: 'pitr' });
    figures.push({ label: 'PITR recovery point (target time; newest row recovered)', value: `${p.targetTime}; ${p.recoveredUpTo}`, ref: 'pitr' });
    figures.push({ label: 'PITR recovery time (start → promoted)', value: `${p.recoverySeconds.toFixed(1)} s (${p.walSegmentsArchived} WAL segments, base ${mb(p.baseBackupBytes)} in ${p.baseBackupSeconds.toFixed(1)} s)`, ref: 'pitr' });
    return figures;
  },
};
