// The contract between `npm run assure` and each of its checks (assure/checks/*.ts).
import type { TempPostgres } from '../packages/server/src/db/temp-postgres.js';

/** One row of the assurance table: a figure measured by a real test, and what it proves. */
export interface Figure {
  /** what was measured, e.g. "routes covered", "IDOR probes sent", "canaries leaked" */
  label: string;
  value: number | string;
  /** the expectation, when the figure has one, e.g. "0", "≥ 186 days", "< 10 s" */
  target?: string;
  /** false fails the run; undefined means the figure is informational (a count, a time) */
  ok?: boolean;
  /** the section of docs/compliance.md that maps this figure to its requirement, e.g. "access-matrix" */
  ref: string;
}

export interface AssureContext {
  /** `--quick`: the smallest meaningful sizes (a smoke run of the harness, not the evidence) */
  quick: boolean;
  /** progress lines (printed as the check runs, prefixed with its id) */
  log(message: string): void;
  /** a scratch directory of this check, removed after the run */
  tmpDir: string;
  /**
   * A PostgreSQL server on loopback shared by the checks that do not stop or kill it (started on
   * first use, stopped at the end). Checks that crash or stop PostgreSQL start their own with
   * `startTempPostgres` from packages/server/src/db/temp-postgres.ts.
   */
  sharedPostgres(): Promise<TempPostgres>;
}

export interface AssureCheck {
  /** short id used by `--only`, e.g. "access" */
  id: string;
  /** checks run in this order (access 10, fuzz 20, durability 30, sign-in 40, audit 50, backup 60, compliance 70, soak 90) */
  order: number;
  title: string;
  /** the time the full run is expected to take on this 2-core machine (the whole run must stay under 30 min) */
  budgetMinutes: number;
  run(ctx: AssureContext): Promise<Figure[]>;
}
