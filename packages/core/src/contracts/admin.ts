import { z } from 'zod';
import { ROLES } from '../access/roles.js';
import { PageQuery } from './common.js';

export const ImportKind = z.enum(['students', 'staff']);
export const RowErrorSchema = z.object({ row: z.number().int(), column: z.string(), message: z.string() });

export const ImportJob = z.object({
  id: z.uuid(),
  kind: ImportKind,
  schoolId: z.number().int(),
  fileName: z.string(),
  status: z.enum(['queued', 'validating', 'writing', 'done', 'rejected', 'failed']),
  phase: z.string(),
  totalRows: z.number().int(),
  processedRows: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  errorCount: z.number().int(),
  errors: z.array(RowErrorSchema),
  message: z.string().nullable(),
  /** staff imports: one-time initial passwords of the accounts created, shown once to the importer */
  credentials: z.array(z.object({ name: z.string(), username: z.string(), password: z.string() })).optional(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type ImportJob = z.infer<typeof ImportJob>;

export const AuditEntry = z.object({
  seq: z.number().int(),
  at: z.string(),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  action: z.string(),
  objectType: z.string().nullable(),
  objectId: z.string().nullable(),
  outcome: z.enum(['ok', 'denied', 'failed']),
  ip: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
export const AuditQuery = PageQuery.extend({
  action: z.string().trim().max(60).optional(),
  outcome: z.enum(['ok', 'denied', 'failed']).optional(),
  actor: z.string().trim().max(60).optional(),
  objectId: z.string().trim().max(60).optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
});

export const Account = z.object({
  id: z.uuid(),
  username: z.string(),
  displayName: z.string(),
  phone: z.string().nullable(),
  disabled: z.boolean(),
  mustChangePassword: z.boolean(),
  totpEnabled: z.boolean(),
  roles: z.array(z.object({ id: z.uuid(), role: z.enum(ROLES), orgUnitId: z.number().int().nullable(), studentId: z.uuid().nullable() })),
});
export const GrantRoleBody = z
  .object({
    role: z.enum(ROLES),
    orgUnitId: z.number().int().positive().nullable().optional(),
    studentId: z.uuid().nullable().optional(),
  })
  .strict();
export const ResetPasswordResult = z.object({ username: z.string(), password: z.string() });
