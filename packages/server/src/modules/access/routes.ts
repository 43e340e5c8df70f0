import { canGrant, contracts, ROLE_INFO, ROLE_LABEL, roleHas, scopeFor, separationConflict, type Permission, type Role } from '@xinyu/core';
import { and, eq, sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { rows, type Db } from '../../db/client.js';
import { callerOf } from '../../http/access-hook.js';
import type { Caller, Deps } from '../../http/context.js';
import { AppError, badRequest, forbidden, notFound } from '../../http/errors.js';
import { appendAudit } from '../audit/service.js';
import { notify } from '../notify/service.js';
import { generateInitialPassword, hashPassword } from '../auth/passwords.js';
import { historyAfterChange } from '../auth/service.js';
import { accounts, sessions } from '../auth/tables.js';
import { orgUnits, students } from '../org/tables.js';
import { homePath, inScope } from './service.js';
import { roleAssignments } from './tables.js';

const E = contracts.ErrorBody;
const errors = { 400: E, 403: E, 404: E, 409: E };
const AccountParam = z.object({ id: z.uuid() });

/**
 * Accounts the caller manages (account.manage) or whose roles it administers (role.grant: the
 * security administrator of 三员分立, who manages no account): those holding a role inside the
 * caller's scope for those permissions, or staff of a school in it.
 */
function managedAccounts(caller: Caller, permissions: readonly Permission[]) {
  if (!caller.roles.some((r) => permissions.some((p) => roleHas(r, p)))) throw forbidden();
  const scopes = permissions.map((p) => scopeFor(caller.assignments, p));
  const scope = { orgPaths: [...new Set(scopes.flatMap((x) => x.orgPaths))], studentIds: [...new Set(scopes.flatMap((x) => x.studentIds))] };
  return sql`(exists (select 1 from role_assignments ra left join org_units o on o.id = ra.org_unit_id left join students s on s.id = ra.student_id
      where ra.account_id = a.id and (${inScope(scope, sql`o.path`)} or ${inScope(scope, sql`s.org_path`)}))
    or exists (select 1 from staff t where t.account_id = a.id and ${inScope(scope, sql`t.org_path`)}))`;
}

async function accountInScope(db: Db, caller: Caller, id: string, permission: Permission) {
  const found = await rows<{ id: string; display_name: string; username: string; max_rank: number | null }>(db, sql`select a.id, a.display_name, a.username,
      (select max(case ra.role ${sql.raw(Object.entries(ROLE_INFO).map(([r, i]) => `when '${r}' then ${i.rank}`).join(' '))} end) from role_assignments ra where ra.account_id = a.id) as max_rank
    from accounts a where a.id = ${id} and ${managedAccounts(caller, [permission])}`);
  if (!found[0]) throw notFound();
  return found[0];
}

/** Acting on another account needs a rank above theirs: a school leader cannot reset a bureau admin. */
function assertOutranks(caller: Caller, target: { id: string; max_rank: number | null }) {
  if (target.id === caller.accountId) throw new AppError(403, 'forbidden', '不能对自己的账号执行此操作');
  const mine = Math.max(...caller.roles.filter((r) => ROLE_INFO[r].permissions.includes('account.manage')).map((r) => ROLE_INFO[r].rank));
  if ((target.max_rank ?? 0) >= mine) throw new AppError(403, 'forbidden', '不能管理同级或更高级别的账号');
}

export const accessRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  const audit = (caller: Caller, action: string, objectId: string, detail: Record<string, unknown> = {}, db: Db = deps.db) =>
    appendAudit(db, { actorId: caller.accountId, actorName: caller.displayName, ip: caller.ip, action, objectType: 'account', objectId, orgPath: homePath(caller.assignments), detail }, deps.clock());

  app.get('/accounts', {
    config: { access: ['account.manage', 'role.grant'] },
    schema: { tags: ['accounts'], summary: '账号管理：可管理的账号（或可为其授权的账号）', querystring: contracts.PageQuery.extend({ q: z.string().trim().max(40).optional() }), response: { 200: contracts.paged(contracts.Account), 403: E } },
  }, async (req) => {
    const caller = callerOf(req);
    const conds = [managedAccounts(caller, ['account.manage', 'role.grant'])];
    if (req.query.q) conds.push(sql`(a.username ilike ${`%${req.query.q}%`} or a.display_name like ${`%${req.query.q}%`})`);
    const where = sql.join(conds, sql` and `);
    const [items, total] = await Promise.all([
      rows<{ id: string; username: string; display_name: string; phone: string | null; disabled: boolean; must_change_password: boolean; totp: boolean; roles: { id: string; role: Role; orgUnitId: number | null; studentId: string | null }[] | null }>(deps.db, sql`
        select a.id, a.username, a.display_name, a.phone, a.disabled, a.must_change_password, a.totp_secret is not null as totp,
          (select json_agg(json_build_object('id', ra.id, 'role', ra.role, 'orgUnitId', ra.org_unit_id, 'studentId', ra.student_id)) from role_assignments ra where ra.account_id = a.id) as roles
        from accounts a where ${where} order by a.display_name, a.id limit ${req.query.pageSize} offset ${(req.query.page - 1) * req.query.pageSize}`),
      rows<{ n: number }>(deps.db, sql`select count(*)::int as n from accounts a where ${where}`),
    ]);
    return {
      items: items.map((a) => ({ id: a.id, username: a.username, displayName: a.display_name, phone: a.phone, disabled: a.disabled, mustChangePassword: a.must_change_password, totpEnabled: a.totp, roles: a.roles ?? [] })),
      total: total[0]?.n ?? 0,
      page: req.query.page,
      pageSize: req.query.pageSize,
    };
  });

  app.post('/accounts/:id/reset-password', {
    config: { access: 'account.manage' },
    schema: { tags: ['accounts'], summary: '重置密码（返回一次性初始密码，首次登录须修改）', params: AccountParam, response: { 200: contracts.ResetPasswordResult, ...errors } },
  }, async (req) => {
    const caller = callerOf(req);
    const target = await accountInScope(deps.db, caller, req.params.id, 'account.manage');
    assertOutranks(caller, target);
    const password = generateInitialPassword();
    const passwordHash = await hashPassword(password);
    await deps.db.transaction(async (tx) => {
      // the replaced password joins the history, so a reset cannot launder an old password back in
      await tx.update(accounts).set({ passwordHistory: historyAfterChange(deps.config), passwordHash, mustChangePassword: true, passwordChangedAt: deps.clock() }).where(eq(accounts.id, target.id));
      await tx.delete(sessions).where(eq(sessions.accountId, target.id));
      await audit(caller, 'account.password.reset', target.id, {}, tx);
      await notify(tx, deps, { regionId: caller.regionId, accountIds: [target.id], kind: 'account.password.reset', title: '您的密码已由管理员重置', body: `操作人：${caller.displayName}。如非您本人申请，请联系学校或教育局管理员。`, link: '/settings' }, deps.clock());
    });
    return { username: target.username, password };
  });

  for (const [action, disabled] of [['disable', true], ['enable', false]] as const) {
    app.post(`/accounts/:id/${action}`, {
      config: { access: 'account.manage' },
      schema: { tags: ['accounts'], summary: disabled ? '停用账号（立即结束其全部会话）' : '启用账号', params: AccountParam, response: { 200: contracts.Ok, ...errors } },
    }, async (req) => {
      const caller = callerOf(req);
      const target = await accountInScope(deps.db, caller, req.params.id, 'account.manage');
      assertOutranks(caller, target);
      await deps.db.transaction(async (tx) => {
        await tx.update(accounts).set({ disabled }).where(eq(accounts.id, target.id));
        if (disabled) await tx.delete(sessions).where(eq(sessions.accountId, target.id));
        await audit(caller, `account.${action}`, target.id, {}, tx);
      });
      return { ok: true as const };
    });
  }

  app.post('/accounts/:id/roles', {
    config: { access: 'role.grant' },
    schema: { tags: ['accounts'], summary: '授予角色（不能授予高于自己的角色，不能给自己授权）', params: AccountParam, body: contracts.GrantRoleBody, response: { 200: contracts.Ok, ...errors } },
  }, async (req) => {
    const caller = callerOf(req);
    const target = await accountInScope(deps.db, caller, req.params.id, 'role.grant');
    const { role, orgUnitId, studentId } = req.body;
    const binding = ROLE_INFO[role].binding;
    if ((binding === 'org' || binding === 'org+student') !== (orgUnitId != null)) throw badRequest('该角色的单位设置不正确', { orgUnitId: binding === 'org' || binding === 'org+student' ? '请选择单位' : '该角色不绑定单位' });
    if ((binding === 'student' || binding === 'org+student') !== (studentId != null)) throw badRequest('该角色的学生设置不正确', { studentId: binding === 'student' || binding === 'org+student' ? '请选择学生' : '该角色不绑定学生' });
    let path: string | null = null;
    if (orgUnitId != null) {
      const unit = await deps.db.select().from(orgUnits).where(and(eq(orgUnits.id, orgUnitId), inScope(scopeFor(caller.assignments, 'role.grant'), orgUnits.path)));
      if (!unit[0]) throw notFound();
      path = unit[0].path;
    }
    if (studentId != null) {
      const s = await deps.db.select().from(students).where(and(eq(students.id, studentId), inScope(scopeFor(caller.assignments, 'role.grant'), students.orgPath)));
      if (!s[0]) throw notFound();
      if (path && !s[0].orgPath.startsWith(path)) throw badRequest('学生不在该班级', { studentId: '学生不在所选班级' });
      path ??= s[0].orgPath;
    }
    if (path == null) throw new AppError(403, 'forbidden', '该角色只能由安全管理员授予');
    const decision = canGrant({ accountId: caller.accountId, assignments: caller.assignments }, target.id, role, path);
    if (!decision.ok) throw new AppError(403, 'forbidden', decision.reason === 'self' ? '不能给自己授予角色' : '不能授予高于自己级别的角色');
    const separated = new AppError(409, 'separation_of_duties', '系统管理员、安全管理员、审计管理员不能由同一账号兼任（三员分立）', { role: '该账号已担任另一管理员角色' });
    const held = (await deps.db.select({ role: roleAssignments.role }).from(roleAssignments).where(eq(roleAssignments.accountId, target.id))).map((r) => r.role);
    if (separationConflict(held, role)) throw separated;
    // a grant racing this one is refused by the database trigger (role_assignments_separation_of_duties)
    await deps.db.transaction(async (tx) => {
      const dup = await tx.select().from(roleAssignments).where(and(eq(roleAssignments.accountId, target.id), eq(roleAssignments.role, role), orgUnitId != null ? eq(roleAssignments.orgUnitId, orgUnitId) : sql`${roleAssignments.orgUnitId} is null`, studentId != null ? eq(roleAssignments.studentId, studentId) : sql`${roleAssignments.studentId} is null`));
      if (!dup.length) {
        await tx.insert(roleAssignments).values({ regionId: caller.regionId, accountId: target.id, role, orgUnitId: orgUnitId ?? null, studentId: studentId ?? null, grantedBy: caller.accountId });
        await notify(tx, deps, { regionId: caller.regionId, accountIds: [target.id], kind: 'role.grant', title: `您获得了新的角色：${ROLE_LABEL[role]}`, body: `授予人：${caller.displayName}`, link: '/' }, deps.clock());
      }
      await audit(caller, 'role.grant', target.id, { role, orgUnitId, studentId }, tx);
    }).catch((e: unknown) => {
      for (let c: unknown = e, i = 0; c && typeof c === 'object' && i < 5; c = (c as { cause?: unknown }).cause, i++) {
        if ((c as { constraint?: string }).constraint === 'role_assignments_separation_of_duties' || String((c as { message?: string }).message).includes('separation of duties')) throw separated;
      }
      throw e;
    });
    return { ok: true as const };
  });

  app.delete('/accounts/:id/roles/:assignmentId', {
    config: { access: 'role.grant' },
    schema: { tags: ['accounts'], summary: '撤销角色', params: z.object({ id: z.uuid(), assignmentId: z.uuid() }), response: { 200: contracts.Ok, ...errors } },
  }, async (req) => {
    const caller = callerOf(req);
    const target = await accountInScope(deps.db, caller, req.params.id, 'role.grant');
    const found = await rows<{ role: Role; path: string | null }>(deps.db, sql`select ra.role, coalesce(o.path, s.org_path) as path from role_assignments ra
      left join org_units o on o.id = ra.org_unit_id left join students s on s.id = ra.student_id where ra.id = ${req.params.assignmentId} and ra.account_id = ${target.id}`);
    const a = found[0];
    if (!a?.path) throw notFound();
    const decision = canGrant({ accountId: caller.accountId, assignments: caller.assignments }, target.id, a.role, a.path);
    if (!decision.ok) throw new AppError(403, 'forbidden', decision.reason === 'self' ? '不能修改自己的角色' : '不能撤销高于自己级别的角色');
    await deps.db.transaction(async (tx) => {
      await tx.delete(roleAssignments).where(eq(roleAssignments.id, req.params.assignmentId));
      await audit(caller, 'role.revoke', target.id, { role: a.role }, tx);
    });
    return { ok: true as const };
  });
};
