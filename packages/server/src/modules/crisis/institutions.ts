/**
 * Partner institutions of the green channel (合作医院, 心理门诊) and their clinician accounts. The
 * bureau (institution.manage) keeps its region's register; a clinician account holds the `clinician`
 * role with no org unit and reaches only the referrals sent to its institution (institution_clinicians).
 */
import type { contracts } from '@xinyu/core';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { rows, type Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { AppError, forbidden, notFound } from '../../http/errors.js';
import { hasPermission, homePath } from '../access/service.js';
import { roleAssignments } from '../access/tables.js';
import { appendAudit } from '../audit/service.js';
import { hashPassword } from '../auth/passwords.js';
import { accounts } from '../auth/tables.js';
import { auditActor } from '../org/service.js';
import { institutionClinicians, partnerInstitutions } from './tables.js';

type Institution = z.infer<typeof contracts.PartnerInstitution>;

/** The region's institutions (inactive ones only for the bureau), with how many clinicians each has. */
export async function listInstitutions(db: Db, caller: Caller): Promise<Institution[]> {
  const all = hasPermission(caller, 'institution.manage');
  const found = await rows<{ id: string; name: string; kind: Institution['kind']; address: string; phone: string; accept_hours: number; active: boolean; clinicians: number }>(db, sql`
    select i.id, i.name, i.kind, i.address, i.phone, i.accept_hours, i.active,
      (select count(*)::int from institution_clinicians c where c.institution_id = i.id) as clinicians
    from partner_institutions i where i.region_id = ${caller.regionId} ${all ? sql`` : sql`and i.active`} order by i.active desc, i.name`);
  return found.map((i) => ({ id: i.id, name: i.name, kind: i.kind, address: i.address, phone: i.phone, acceptHours: i.accept_hours, active: i.active, clinicians: i.clinicians }));
}

async function institutionOf(db: Db, caller: Caller, id: string) {
  const found = (await db.select().from(partnerInstitutions).where(and(eq(partnerInstitutions.id, id), eq(partnerInstitutions.regionId, caller.regionId))))[0];
  if (!found) throw notFound();
  return found;
}

export async function createInstitution(deps: Deps, caller: Caller, body: z.infer<typeof contracts.InstitutionBody>): Promise<Institution> {
  const now = deps.clock();
  const id = await deps.db.transaction(async (tx) => {
    const inserted = await tx.insert(partnerInstitutions).values({ regionId: caller.regionId, name: body.name, kind: body.kind, address: body.address, phone: body.phone, acceptHours: body.acceptHours, active: body.active, createdAt: now })
      .onConflictDoNothing().returning({ id: partnerInstitutions.id });
    if (!inserted[0]) throw new AppError(409, 'conflict', '已有同名的合作机构', { name: '已有同名的合作机构' });
    await appendAudit(tx, { ...auditActor(caller), action: 'institution.create', objectType: 'partner_institution', objectId: inserted[0].id, orgPath: homePath(caller.assignments), detail: { name: body.name, kind: body.kind, acceptHours: body.acceptHours } }, now);
    return inserted[0].id;
  });
  return (await listInstitutions(deps.db, caller)).find((i) => i.id === id)!;
}

export async function updateInstitution(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.InstitutionBody>): Promise<Institution> {
  await institutionOf(deps.db, caller, id);
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    const clash = await tx.select({ id: partnerInstitutions.id }).from(partnerInstitutions).where(and(eq(partnerInstitutions.regionId, caller.regionId), eq(partnerInstitutions.name, body.name), sql`${partnerInstitutions.id} <> ${id}`));
    if (clash[0]) throw new AppError(409, 'conflict', '已有同名的合作机构', { name: '已有同名的合作机构' });
    await tx.update(partnerInstitutions).set({ name: body.name, kind: body.kind, address: body.address, phone: body.phone, acceptHours: body.acceptHours, active: body.active }).where(eq(partnerInstitutions.id, id));
    await appendAudit(tx, { ...auditActor(caller), action: 'institution.update', objectType: 'partner_institution', objectId: id, orgPath: homePath(caller.assignments), detail: { name: body.name, acceptHours: body.acceptHours, active: body.active } }, now);
  });
  return (await listInstitutions(deps.db, caller)).find((i) => i.id === id)!;
}

export async function listClinicians(deps: Deps, caller: Caller, institutionId: string): Promise<z.infer<typeof contracts.InstitutionClinician>[]> {
  await institutionOf(deps.db, caller, institutionId);
  const found = await deps.db.select({ accountId: accounts.id, username: accounts.username, name: accounts.displayName, department: institutionClinicians.department, title: institutionClinicians.title, disabled: accounts.disabled, mustChangePassword: accounts.mustChangePassword })
    .from(institutionClinicians).innerJoin(accounts, eq(accounts.id, institutionClinicians.accountId))
    .where(eq(institutionClinicians.institutionId, institutionId)).orderBy(asc(accounts.displayName));
  return found;
}

/**
 * A clinician account for an institution: the account (initial password, to be changed at first
 * sign-in), the `clinician` role with no org unit, and its institution. A retry with the same user
 * name creates nothing more (the name is unique): it answers 409.
 */
export async function createClinician(deps: Deps, caller: Caller, institutionId: string, body: z.infer<typeof contracts.CreateClinicianBody>) {
  if (!hasPermission(caller, 'institution.manage')) throw forbidden();
  const inst = await institutionOf(deps.db, caller, institutionId);
  if (!inst.active) throw new AppError(409, 'invalid_transition', '该机构已停用，不能再添加医生账号');
  const now = deps.clock();
  const passwordHash = await hashPassword(body.password);
  await deps.db.transaction(async (tx) => {
    const taken = await rows<{ id: string }>(tx, sql`select id from accounts where lower(username) = lower(${body.username})`);
    if (taken[0]) throw new AppError(409, 'conflict', '该用户名已被使用', { username: '该用户名已被使用' });
    const inserted = await tx.insert(accounts).values({ regionId: caller.regionId, username: body.username, displayName: body.name, passwordHash, mustChangePassword: true }).onConflictDoNothing().returning({ id: accounts.id });
    if (!inserted[0]) throw new AppError(409, 'conflict', '该用户名已被使用', { username: '该用户名已被使用' });
    const accountId = inserted[0].id;
    await tx.insert(roleAssignments).values({ regionId: caller.regionId, accountId, role: 'clinician', orgUnitId: null, studentId: null, grantedBy: caller.accountId });
    await tx.insert(institutionClinicians).values({ accountId, institutionId, department: body.department, title: body.title, createdAt: now });
    await appendAudit(tx, { ...auditActor(caller), action: 'institution.clinician.create', objectType: 'account', objectId: accountId, orgPath: homePath(caller.assignments), detail: { institutionId, username: body.username } }, now);
  });
  return { items: await listClinicians(deps, caller, institutionId) };
}

/** The institution a clinician account works at, or null. */
export async function clinicianInstitution(db: Db, accountId: string): Promise<{ institutionId: string; name: string } | null> {
  const found = await db.select({ institutionId: institutionClinicians.institutionId, name: partnerInstitutions.name })
    .from(institutionClinicians).innerJoin(partnerInstitutions, eq(partnerInstitutions.id, institutionClinicians.institutionId))
    .where(eq(institutionClinicians.accountId, accountId));
  return found[0] ?? null;
}
