// The log never receives a failed statement's parameters, and a stopped PostgreSQL is "unavailable".
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { describe, expect, it } from 'vitest';
import { databaseUnavailable, logSafeError } from './errors.js';

describe('logSafeError', () => {
  it('keeps the statement and the driver error, drops the parameters from message, stack and fields', () => {
    const driver = Object.assign(new Error('duplicate key value violates unique constraint "students_region_no_uq"'), { code: '23505' });
    const failed = new DrizzleQueryError('insert into students (name, student_no) values ($1, $2)', ['张小明', 'G3301012011'], driver);
    const out = logSafeError(failed);
    const text = JSON.stringify(out);
    expect(text).not.toContain('张小明');
    expect(text).not.toContain('G3301012011');
    expect(out.params).toBeUndefined();
    expect(out.message).toBe('Failed query (parameters not logged): insert into students (name, student_no) values ($1, $2)');
    expect(text).toContain('students_region_no_uq');
    expect(String(out.stack)).toContain('Failed query (parameters not logged)');
  });

  it('an error without a statement is logged as pino would', () => {
    const out = logSafeError(new Error('plain failure'));
    expect(out).toMatchObject({ type: 'Error', message: 'plain failure' });
  });
});

describe('databaseUnavailable', () => {
  it('a missing unix socket of a stopped PostgreSQL, wrapped by drizzle, is unavailability; a missing file is not', () => {
    const socket = Object.assign(new Error('connect ENOENT /tmp/pg/.s.PGSQL.5432'), { code: 'ENOENT', syscall: 'connect' });
    expect(databaseUnavailable(new DrizzleQueryError('select 1', [], socket))).toBe(true);
    expect(databaseUnavailable(Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT', syscall: 'open' }))).toBe(false);
  });
});
