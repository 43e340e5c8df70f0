import { stdSerializers } from 'pino';
/** An error the API answers with the shape of DESIGN.md §5. Anything else becomes a bare 500. */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
  }
}

/** Absent and "not yours" look the same, so existence never leaks. */
export const notFound = () => new AppError(404, 'not_found', '未找到该记录，或您无权访问');
export const forbidden = () => new AppError(403, 'forbidden', '您没有执行此操作的权限');
export const badRequest = (message: string, fields?: Record<string, string>) =>
  new AppError(400, 'invalid_input', message, fields);
export const conflict = (message: string, fields?: Record<string, string>) => new AppError(409, 'conflict', message, fields);
export const unauthenticated = () => new AppError(401, 'unauthenticated', '请先登录');

/** How long a client should wait before trying again when the database cannot be reached. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE', '57P01', '57P02', '57P03']);
const CONNECTION_MESSAGES = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error and is not queryable|Client was closed and is not queryable)/;

/**
 * A failure to reach PostgreSQL (stopped, restarting, refusing connections, the connection lost):
 * the service is unavailable for a moment (503), not faulty (500). Looks through the error's causes
 * (drizzle wraps the driver's error) and an AggregateError's errors (one per address tried).
 */
export function databaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const visit = (e: unknown, depth: number): boolean => {
    if (!e || typeof e !== 'object' || depth > 5 || seen.has(e)) return false;
    seen.add(e);
    const { code, message, cause, errors } = e as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    // SQLSTATE class 08: connection exceptions
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
    // PostgreSQL's unix socket is gone while the server is stopped
    if (code === 'ENOENT' && (e as { syscall?: unknown }).syscall === 'connect') return true;
    if (typeof message === 'string' && CONNECTION_MESSAGES.test(message)) return true;
    if (Array.isArray(errors) && errors.some((x) => visit(x, depth + 1))) return true;
    return visit(cause, depth + 1);
  };
  return visit(error, 0);
}

/**
 * The log's error serializer: pino's, minus the statement parameters drizzle puts in a failed
 * query's message, stack and `params` (names, notes, tokens' hashes: personal data never goes to the
 * log). The statement's text stays: it has placeholders, not values.
 */
export function logSafeError(error: Error): { type: string; message: string; stack: string; [key: string]: unknown } {
  const out = stdSerializers.errWithCause(error) as { type: string; message: string; stack: string; [key: string]: unknown };
  let stack = out.stack ?? '';
  const seen = new Set<unknown>();
  for (let e: unknown = error, depth = 0; e instanceof Error && !seen.has(e) && depth < 6; e = e.cause, depth++) {
    seen.add(e);
    const query = (e as { query?: unknown }).query;
    if (!('params' in e) || typeof query !== 'string') continue;
    const safe = `Failed query (parameters not logged): ${query.trim().replace(/\s+/g, ' ').slice(0, 300)}`;
    stack = stack.split(e.message).join(safe);
    if (e === error) out.message = safe;
  }
  delete out.params;
  out.stack = stack;
  return out;
}
