import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

export const accounts = pgTable(
  'accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    regionId: integer('region_id').notNull(),
    username: text('username').notNull(),
    /** a second login name: a student's 学籍号 */
    studentNo: text('student_no'),
    phone: text('phone'),
    displayName: text('display_name').notNull(),
    passwordHash: text('password_hash').notNull(),
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true }).notNull().defaultNow(),
    /** argon2 hashes of the previous passwords, newest first (no reuse of the last N, XINYU_PASSWORD_HISTORY) */
    passwordHistory: text('password_history').array().notNull().default(sql`'{}'::text[]`),
    /** the last successful sign-in (the stale-account sweep disables accounts unused for too long) */
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
    totpSecret: text('totp_secret'),
    /** the last TOTP time step accepted, so a code cannot be replayed */
    totpLastStep: integer('totp_last_step'),
    disabled: boolean('disabled').notNull().default(false),
    locale: text('locale').notNull().default('zh-CN'),
    studentId: uuid('student_id'),
    staffId: uuid('staff_id'),
    guardianId: uuid('guardian_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('accounts_username_uq').on(sql`lower(${t.username})`),
    uniqueIndex('accounts_student_no_uq').on(t.regionId, t.studentNo),
    uniqueIndex('accounts_phone_uq').on(t.phone),
    // a student's account: class-code sign-in and the audit of submissions look it up
    index('accounts_student_idx').on(t.studentId),
  ],
);

/** Sessions live in the database so app servers stay stateless; only a hash of the token is kept. */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(), // sha256 of the cookie token
    accountId: uuid('account_id').notNull().references(() => accounts.id),
    csrfToken: text('csrf_token').notNull(),
    /** a TOTP secret being enrolled, active only once a code from it is confirmed */
    totpPending: text('totp_pending'),
    totpPendingAt: timestamp('totp_pending_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_account_idx').on(t.accountId)],
);

/** Failed sign-ins per login name, whether or not the account exists, so lockout reveals nothing. */
export const loginThrottle = pgTable('login_throttle', {
  login: text('login').primaryKey(),
  failures: integer('failures').notNull().default(0),
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Failed sign-ins per source address (credential stuffing spreads over many login names, so the
 * per-login lock never trips), and one row with ip '*' for all addresses together. A source that
 * reaches its limit within the window is refused without any password check until blocked_until.
 */
export const loginSources = pgTable('login_sources', {
  ip: text('ip').primaryKey(),
  failures: integer('failures').notNull().default(0),
  windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
  blockedUntil: timestamp('blocked_until', { withTimezone: true }),
  /** a source that signed someone in recently stays open while the global limit holds */
  lastSuccessAt: timestamp('last_success_at', { withTimezone: true }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});
