/** The semester sweep (摸底排查): every student of every class reviewed by the head teacher. */
import { z } from 'zod';

export const CreateSweepBody = z
  .object({ ownerUnitId: z.number().int().positive(), name: z.string().trim().min(1).max(100), term: z.string().trim().min(1).max(50), start: z.iso.date(), end: z.iso.date() })
  .strict();

export const Sweep = z.object({ id: z.uuid(), ownerUnitId: z.number().int(), name: z.string(), term: z.string(), start: z.string(), end: z.string(), createdByName: z.string().nullable() });

export const SweepCategory = z.object({ code: z.string(), label: z.string() });

export const SweepClass = z.object({
  sweep: Sweep,
  classId: z.number().int(),
  className: z.string(),
  categories: z.array(SweepCategory),
  students: z.array(
    z.object({
      studentId: z.uuid(),
      name: z.string(),
      /** family circumstances on the student's record */
      circumstances: z.array(z.string()),
      /** their open key-student record, if any */
      key: z.object({ id: z.uuid(), categories: z.array(z.string()), level: z.string(), status: z.string() }).nullable(),
      entry: z.object({ categories: z.array(z.string()), note: z.string(), action: z.enum(['none', 'add', 'keep', 'remove']), reason: z.string().nullable(), reviewedByName: z.string().nullable(), reviewedAt: z.string() }).nullable(),
    }),
  ),
});

export const SweepReviewBody = z
  .object({
    entries: z
      .array(
        z.object({
          studentId: z.uuid(),
          categories: z.array(z.string().trim().min(1).max(40)).max(12),
          note: z.string().trim().max(500).default(''),
          action: z.enum(['none', 'add', 'keep', 'remove']),
          reason: z.string().trim().max(500).optional(),
        }),
      )
      .max(200),
  })
  .strict();

export const SweepCompletionQuery = z.object({ unitId: z.coerce.number().int().positive() });
export const SweepCompletion = z.object({
  unit: z.object({ id: z.number().int(), name: z.string(), kind: z.string() }),
  students: z.number().int(),
  reviewed: z.number().int(),
  rows: z.array(z.object({ unitId: z.number().int(), name: z.string(), students: z.number().int(), reviewed: z.number().int(), classes: z.number().int(), classesDone: z.number().int() })),
});
