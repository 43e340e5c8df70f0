import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/client.js';

/**
 * Least privilege on PostgreSQL: the app connects as a role that owns nothing, migrations run as the
 * owner (XINYU_MIGRATION_DATABASE_URL). The app role may read and write the tables of the schema,
 * but on `audit_log` only SELECT and INSERT: it cannot update, delete, truncate, alter or drop it,
 * nor switch off its trigger (both need ownership). Run as the owner, after every migration (new
 * tables are granted through default privileges too).
 */
export interface GrantResult {
  role: string;
  created: boolean;
  tables: number;
}

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export class AppRoleError extends Error {}

export async function grantAppRole(db: Db, role: string, opts: { password?: string } = {}): Promise<GrantResult> {
  if (!ROLE_NAME.test(role)) throw new AppRoleError(`角色名无效 invalid role name: ${role} (lower-case letters, digits and _)`);
  const id = sql.identifier(role);
  return db.transaction(async (tx) => {
    const me = (await rows<{ me: string; db: string; owner: string }>(tx, sql`
      select current_user as me, current_database() as db, (select tableowner from pg_tables where schemaname = 'public' and tablename = 'audit_log') as owner`))[0]!;
    if (!me.owner) throw new AppRoleError('audit_log 不存在，请先运行迁移 (run the migrations first)');
    if (me.me === role) throw new AppRoleError(`不能把自己降权 the app role must not be the role running this (${role})`);
    const existing = (await rows<{ super: boolean; createrole: boolean; bypass: boolean; member: boolean }>(tx, sql`
      select rolsuper as super, rolcreaterole as createrole, rolbypassrls as bypass, pg_has_role(${role}, ${me.owner}, 'MEMBER') as member
      from pg_roles where rolname = ${role}`))[0];
    if (existing && (existing.super || existing.createrole || existing.member)) {
      throw new AppRoleError(`角色 ${role} 权限过大 (superuser, CREATEROLE or a member of the owner ${me.owner}): it could change the audit log`);
    }
    if (!existing) {
      const may = (await rows<{ ok: boolean }>(tx, sql`select rolsuper or rolcreaterole as ok from pg_roles where rolname = current_user`))[0]?.ok;
      if (!may) throw new AppRoleError(`角色 ${role} 不存在，且 ${me.me} 无权创建角色：请数据库管理员先执行 CREATE ROLE ${role} LOGIN PASSWORD '…' (create the role as a DBA first, then run this again as the owner)`);
      if (opts.password) await tx.execute(sql`create role ${id} login password ${sql.raw(`'${opts.password.replace(/'/g, "''")}'`)}`);
      else await tx.execute(sql`create role ${id} login`);
    } else if (opts.password) {
      await tx.execute(sql`alter role ${id} password ${sql.raw(`'${opts.password.replace(/'/g, "''")}'`)}`);
    }
    await tx.execute(sql`grant connect, temporary on database ${sql.identifier(me.db)} to ${id}`);
    await tx.execute(sql`grant usage on schema public to ${id}`);
    await tx.execute(sql`revoke create on schema public from ${id}`);
    await tx.execute(sql`grant select, insert, update, delete on all tables in schema public to ${id}`);
    await tx.execute(sql`grant usage, select, update on all sequences in schema public to ${id}`);
    await tx.execute(sql`revoke all on audit_log from ${id}`);
    await tx.execute(sql`grant select, insert on audit_log to ${id}`);
    await tx.execute(sql`grant execute on all functions in schema public to ${id}`);
    // /readyz compares the applied migrations with the bundled ones
    await tx.execute(sql`grant usage on schema drizzle to ${id}`);
    await tx.execute(sql`grant select on all tables in schema drizzle to ${id}`);
    // tables a later migration creates (audit_log already exists, so it keeps the grant above)
    await tx.execute(sql`alter default privileges in schema public grant select, insert, update, delete on tables to ${id}`);
    await tx.execute(sql`alter default privileges in schema public grant usage, select, update on sequences to ${id}`);
    const n = (await rows<{ n: number }>(tx, sql`select count(*)::int as n from pg_tables where schemaname = 'public'`))[0]!.n;
    return { role, created: !existing, tables: n };
  });
}

/** What the app role may do to `audit_log`, as PostgreSQL reports it (for the check and the CLI). */
export async function auditPrivileges(db: Db, role: string): Promise<Record<string, boolean>> {
  const r = (await rows<Record<string, boolean>>(db, sql`
    select has_table_privilege(${role}, 'audit_log', 'SELECT') as select, has_table_privilege(${role}, 'audit_log', 'INSERT') as insert,
      has_table_privilege(${role}, 'audit_log', 'UPDATE') as update, has_table_privilege(${role}, 'audit_log', 'DELETE') as delete,
      has_table_privilege(${role}, 'audit_log', 'TRUNCATE') as truncate, has_table_privilege(${role}, 'audit_log', 'TRIGGER') as trigger,
      pg_has_role(${role}, (select tableowner from pg_tables where schemaname = 'public' and tablename = 'audit_log'), 'MEMBER') as owner`))[0]!;
  return r;
}
