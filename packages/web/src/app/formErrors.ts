import type { FormInstance } from 'antd';
import { ApiError, errorMessage, formErrors } from '../api/client';

/**
 * Puts an API error's `fields` on the form items they name. `alias` maps the API's field names
 * (`posts.2.classId`) onto the form's; names the form does not have are left out. Returns the text
 * to show in a message when something could not be placed (undefined when all of it was).
 */
export function applyFormErrors<T>(form: FormInstance<T>, err: unknown, names: readonly string[], alias: (apiName: string) => string | undefined = (n) => n): string | undefined {
  const placed: { name: string; errors: string[] }[] = [];
  const rest: string[] = [];
  for (const fe of formErrors(err)) {
    const name = alias(fe.name);
    if (name && names.includes(name)) placed.push({ name, errors: fe.errors });
    else rest.push(`${fe.name}: ${fe.errors.join('; ')}`);
  }
  if (placed.length) form.setFields(placed.map((p) => ({ name: p.name as never, errors: p.errors })));
  if (placed.length && !rest.length) return undefined;
  if (err instanceof ApiError && rest.length) return `${err.message}（${rest.join('，')}）`;
  return errorMessage(err);
}
