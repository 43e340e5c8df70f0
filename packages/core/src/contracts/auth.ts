import { z } from 'zod';
import { ROLES } from '../access/roles.js';

export const LoginBody = z.object({
  login: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(128),
  totp: z.string().trim().regex(/^\d{6}$/).optional(),
}).strict();

export const RoleBinding = z.object({
  id: z.uuid(),
  role: z.enum(ROLES),
  orgUnitId: z.number().int().nullable(),
  orgUnitName: z.string().nullable(),
  orgPath: z.string().nullable(),
  studentId: z.uuid().nullable(),
  studentName: z.string().nullable(),
});
export type RoleBinding = z.infer<typeof RoleBinding>;

export const Me = z.object({
  account: z.object({
    id: z.uuid(),
    username: z.string(),
    displayName: z.string(),
    mustChangePassword: z.boolean(),
    totpEnabled: z.boolean(),
    mfaRequired: z.boolean(),
    locale: z.string(),
  }),
  roles: z.array(RoleBinding),
  permissions: z.array(z.string()),
  csrfToken: z.string(),
});
export type Me = z.infer<typeof Me>;

/** Password policy: at least 8 characters with three of upper case, lower case, digits, symbols. */
export const PasswordPolicy = z
  .string()
  .min(8, '密码至少 8 位')
  .max(128)
  .refine(
    (p) => [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((r) => r.test(p)).length >= 3,
    '密码须包含大写字母、小写字母、数字、符号中的至少三种',
  );

export const ChangePasswordBody = z.object({ currentPassword: z.string().min(1).max(128), newPassword: PasswordPolicy }).strict();
export const TotpStart = z.object({ secret: z.string(), uri: z.string() });
export const TotpConfirmBody = z.object({ code: z.string().regex(/^\d{6}$/) }).strict();
export const TotpDisableBody = z.object({ password: z.string().min(1).max(128) }).strict();
