import { z } from 'zod';

/** The error shape of every API answer that is not a success (DESIGN.md §5). */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.record(z.string(), z.string()).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export const Uuid = z.uuid();
export const IntId = z.coerce.number().int().positive().max(2147483647); // a PostgreSQL integer
export const IdParam = z.object({ id: Uuid });
export const OrgIdParam = z.object({ id: IntId });

export const PageQuery = z.object({
  page: z.coerce.number().int().min(1).max(100000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});

export function paged<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });
}

export const Ok = z.object({ ok: z.literal(true) });

/** Text fields: trimmed, not empty, bounded. */
export const Name = (max = 50) => z.string().trim().min(1).max(max);
export const Phone = z.string().trim().regex(/^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/, '不是有效的电话号码');
export const IsoDate = z.iso.date();
