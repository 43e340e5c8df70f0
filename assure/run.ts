// `npm run assure [-- --quick] [--only id,id]`: runs every check of assure/checks/ against real
// PostgreSQL servers on loopback and prints one table of figures. Each figure comes from a test that
// ran just now; a figure that misses its target, or a check that throws, makes the exit code 1.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startTempPostgres, type TempPostgres } from '../packages/server/src/db/temp-postgres.js';
import type { AssureCheck, Figure } from './types.js';

interface Row extends Figure {
  check: string;
}

async function loadChecks(): Promise<AssureCheck[]> {
  const dir = path.join(import.meta.dirname, 'checks');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort();
  const checks: AssureCheck[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(path.join(dir, f)).href)) as { check?: AssureCheck };
    if (!mod.check) throw new Error(`assure/checks/${f} exports no \`check\``);
    checks.push(mod.check);
  }
  return checks.sort((a, b) => a.order - b.order);
}

function pad(s: string, width: number): string {
  // CJK characters take two columns in a terminal
  const w = [...s].reduce((n, c) => n + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(c) ? 2 : 1), 0);
  return s + ' '.repeat(Math.max(0, width - w));
}

export function formatTable(rows: Row[]): string {
  const head = ['check', 'figure', 'value', 'target', 'result', 'docs/compliance.md'];
  const cells = rows.map((r) => [r.check, r.label, String(r.value), r.target ?? '', r.ok === undefined ? '' : r.ok ? 'PASS' : 'FAIL', `#${r.ref}`]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length + 2)));
  const line = (c: string[]) => c.map((x, i) => pad(x, widths[i]!)).join(' | ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.map(line)].join('\n');
}

async function main() {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const onlyArg = args.find((a) => a.startsWith('--only'));
  const only = onlyArg ? (onlyArg.includes('=') ? onlyArg.split('=')[1]! : args[args.indexOf(onlyArg) + 1] ?? '').split(',').filter(Boolean) : [];
  const checks = (await loadChecks()).filter((c) => only.length === 0 || only.includes(c.id));
  if (checks.length === 0) throw new Error(`no checks to run (known: ${(await loadChecks()).map((c) => c.id).join(', ')})`);

  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'xinyu-assure-'));
  let shared: Promise<TempPostgres> | undefined;
  const rows: Row[] = [];
  const started = performance.now();
  console.log(`npm run assure${quick ? ' --quick' : ''}: ${checks.map((c) => `${c.id} (~${c.budgetMinutes} min)`).join(', ')}`);
  try {
    for (const c of checks) {
      const t0 = performance.now();
      const tmpDir = fs.mkdtempSync(path.join(root, `${c.id}-`));
      console.log(`\n▶ ${c.id}: ${c.title}`);
      try {
        const figures = await c.run({
          quick,
          tmpDir,
          log: (m) => console.log(`  [${c.id}] ${m}`),
          sharedPostgres: () => (shared ??= startTempPostgres({ durable: true })),
        });
        if (figures.length === 0) throw new Error('the check reported no figures');
        for (const f of figures) rows.push({ check: c.id, ...f });
      } catch (e) {
        console.error(e);
        rows.push({ check: c.id, label: 'check ran to the end', value: e instanceof Error ? e.message.split('\n')[0]!.slice(0, 120) : String(e), ok: false, ref: 'assure' });
      }
      const secs = (performance.now() - t0) / 1000;
      rows.push({ check: c.id, label: 'time taken', value: `${secs.toFixed(1)} s`, ref: 'assure' });
      console.log(`  ${c.id} done in ${secs.toFixed(1)} s`);
    }
  } finally {
    if (shared) await (await shared).stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
  const total = (performance.now() - started) / 1000;
  console.log(`\n${formatTable(rows)}\n`);
  const failed = rows.filter((r) => r.ok === false);
  console.log(`${rows.filter((r) => r.ok !== undefined).length} figures with a target, ${failed.length} failed; total ${(total / 60).toFixed(1)} min`);
  process.exit(failed.length ? 1 : 0);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
