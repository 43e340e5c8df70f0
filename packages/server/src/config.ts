import os from 'node:os';
import path from 'node:path';

/** Configuration comes from the environment only (DESIGN.md §5); defaults suit a laptop. */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  /**
   * Migrations run through this URL when set (an owner role), while `databaseUrl` may then be a
   * role that owns nothing (`npm run cli -- db grant-app-role`, docs/operations.md).
   */
  migrationDatabaseUrl: string | undefined;
  /** connections to PostgreSQL per server process */
  dbPoolSize: number;
  /**
   * HTTP worker processes beside a supervising process that runs everything else (XINYU_WORKERS: a
   * number, or `auto` for one per CPU); PostgreSQL only (main.ts). 0 (unset) = the server is one process.
   */
  workers: number;
  dataDir: string;
  /** seed the demo city on an empty database */
  demo: boolean;
  /** serve the built web UI from this folder when it exists */
  webDist: string | undefined;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  lockoutFailures: number;
  lockoutMinutes: number;
  /**
   * Failed sign-ins from one address (any login names) within `loginWindowMinutes` that block the
   * address for `lockoutMinutes` (credential stuffing); 0 turns the limit off.
   */
  loginSourceFailures: number;
  /**
   * Failed sign-ins from all addresses together within the window that block sign-in from addresses
   * that have not signed anyone in for 30 days (stuffing spread over many addresses); 0 turns it off.
   */
  loginGlobalFailures: number;
  loginWindowMinutes: number;
  /** 等保 profile: the shortest password accepted (never below 8, the policy of core's PasswordPolicy) */
  passwordMinLength: number;
  /** 等保 profile: a password older than this must be changed at sign-in; 0 = no rotation */
  passwordMaxAgeDays: number;
  /** 等保 profile: a new password may not be any of the last N (the current one included); 0/1 = only not the current */
  passwordHistory: number;
  /** 等保 profile: accounts without a sign-in for this many days are disabled by a daily job; 0 = off */
  staleAccountDays: number;
  /** cookies get `Secure` (behind TLS) */
  secureCookies: boolean;
  /** notification events are POSTed here (signed with the secret) when set */
  webhookUrl: string | undefined;
  webhookSecret: string | undefined;
  logLevel: string;
  /**
   * Keys that seal counseling notes (AES-256-GCM), base64, comma-separated: the first seals, all
   * open (rotation). Kept outside the database: from XINYU_DATA_KEY, else from `dataKeyFile`.
   */
  dataKey: string | undefined;
  /** created with a fresh key (mode 0600) on first use when XINYU_DATA_KEY is not set */
  dataKeyFile: string;
}

/** XINYU_WORKERS: unset = 0 (one process), `auto` = one per CPU, else a whole number from 1 to 64. */
function workersFrom(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 0;
  if (value.trim() === 'auto') return os.availableParallelism();
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error(`XINYU_WORKERS 应为 1–64 的整数或 auto (XINYU_WORKERS must be a whole number from 1 to 64, or auto): ${value}`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL || undefined;
  const demoEnv = env.XINYU_DEMO;
  return {
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? '127.0.0.1',
    databaseUrl,
    migrationDatabaseUrl: env.XINYU_MIGRATION_DATABASE_URL || undefined,
    // the batched statements of a busy screening hold up to 9 (3 kinds × 3 in flight, db/batch.ts);
    // transactions (warnings, jobs, every other route) need room beside them
    dbPoolSize: Number(env.XINYU_DB_POOL_SIZE ?? 20),
    workers: workersFrom(env.XINYU_WORKERS),
    dataDir: path.resolve(env.XINYU_DATA_DIR ?? './data'),
    // on by default for the embedded database (seeding only ever happens when it is empty)
    demo: demoEnv === undefined ? !databaseUrl : demoEnv === '1' || demoEnv === 'true',
    webDist: env.XINYU_WEB_DIST,
    sessionIdleMinutes: Number(env.XINYU_SESSION_IDLE_MINUTES ?? 30),
    sessionAbsoluteHours: Number(env.XINYU_SESSION_ABSOLUTE_HOURS ?? 12),
    lockoutFailures: Number(env.XINYU_LOCKOUT_FAILURES ?? 5),
    lockoutMinutes: Number(env.XINYU_LOCKOUT_MINUTES ?? 15),
    loginSourceFailures: Number(env.XINYU_LOGIN_SOURCE_FAILURES ?? 50),
    loginGlobalFailures: Number(env.XINYU_LOGIN_GLOBAL_FAILURES ?? 1000),
    loginWindowMinutes: Number(env.XINYU_LOGIN_WINDOW_MINUTES ?? 15),
    passwordMinLength: Math.max(8, Number(env.XINYU_PASSWORD_MIN_LENGTH ?? 8)),
    passwordMaxAgeDays: Number(env.XINYU_PASSWORD_MAX_AGE_DAYS ?? 90),
    passwordHistory: Number(env.XINYU_PASSWORD_HISTORY ?? 5),
    staleAccountDays: Number(env.XINYU_STALE_ACCOUNT_DAYS ?? 0),
    secureCookies: env.XINYU_SECURE_COOKIES === '1',
    webhookUrl: env.XINYU_WEBHOOK_URL || undefined,
    webhookSecret: env.XINYU_WEBHOOK_SECRET || undefined,
    logLevel: env.LOG_LEVEL ?? 'info',
    dataKey: env.XINYU_DATA_KEY || undefined,
    dataKeyFile: path.resolve(env.XINYU_DATA_KEY_FILE ?? './xinyu-data.key'),
  };
}
