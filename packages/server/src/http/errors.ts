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
