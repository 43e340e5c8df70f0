import { describe, expect, it } from 'vitest';
import { PERMISSIONS, ROLE_INFO, ROLES, roleHas, SEPARATED_ADMIN_ROLES, separationConflict, type Permission, type Role } from './roles.js';
import { canGrant, minimalPrefixes, needsMfa, scopeFor, scopeIncludes } from './scope.js';

// The permission matrix as a table: each row is a role, each listed permission granted, all others denied.
const MATRIX: Record<Role, Permission[]> = {
  system_admin: ['org.read', 'org.write', 'staff.read', 'staff.write', 'account.manage', 'config.write'],
  security_admin: ['org.read', 'role.grant'],
  audit_admin: ['audit.read'],
  bureau_admin: ['org.read', 'student.read', 'roster.export', 'instrument.read', 'instrument.manage', 'org.write', 'student.write', 'staff.read', 'staff.write', 'roster.import', 'account.manage', 'role.grant', 'audit.read', 'config.write', 'screening.manage', 'screening.progress', 'screening.signoff', 'screening.report', 'alert.board', 'sweep.manage', 'sweep.progress', 'care.select', 'care.honours', 'staffcare.read', 'staffcare.manage', 'staffcare.leaders', 'room.read', 'room.rate', 'institution.manage', 'counseling.measures', 'education.read', 'education.research', 'workforce.read', 'workforce.manage', 'homeschool.read', 'homeschool.manage', 'supervision.read', 'supervision.manage', 'rating.review'],
  bureau_staff: ['org.read', 'student.read', 'roster.export', 'instrument.read', 'staff.read', 'screening.progress', 'screening.results', 'screening.signoff', 'screening.report', 'alert.read', 'alert.board', 'care.select', 'care.honours', 'room.read', 'counseling.measures', 'education.read', 'education.research', 'workforce.read', 'homeschool.read', 'supervision.read', 'rating.review'],
  school_leader: ['org.read', 'student.read', 'roster.export', 'instrument.read', 'org.write', 'student.write', 'student.sensitive.read', 'student.sensitive.write', 'guardian.read', 'guardian.write', 'staff.read', 'staff.write', 'roster.import', 'account.manage', 'role.grant', 'audit.read', 'screening.manage', 'screening.release', 'screening.progress', 'screening.consent', 'screening.results', 'screening.report', 'alert.read', 'alert.raise', 'alert.acknowledge', 'alert.handle', 'alert.board', 'committee.read', 'committee.manage', 'care.read', 'care.manage', 'care.diary', 'care.approve', 'sweep.manage', 'sweep.progress', 'care.nominate', 'care.honours', 'staffcare.read', 'staffcare.manage', 'staffcare.review', 'room.read', 'room.manage', 'appointment.book', 'appointment.manage', 'session.supervise', 'mailbox.answer', 'crisis.read', 'crisis.manage', 'crisis.close', 'guardian.notify', 'counseling.measures', 'education.read', 'education.record', 'workforce.read', 'workforce.manage', 'homeschool.read', 'homeschool.manage', 'supervision.read', 'rating.submit'],
  counselor: ['org.read', 'student.read', 'roster.export', 'instrument.read', 'student.sensitive.read', 'student.sensitive.write', 'guardian.read', 'staff.read', 'screening.manage', 'screening.release', 'screening.progress', 'screening.consent', 'screening.results', 'screening.recheck', 'screening.report', 'alert.read', 'alert.raise', 'alert.acknowledge', 'alert.handle', 'alert.board', 'committee.read', 'committee.manage', 'care.read', 'care.manage', 'care.diary', 'sweep.progress', 'care.honours', 'room.read', 'room.manage', 'appointment.book', 'appointment.manage', 'session.write', 'session.supervise', 'mailbox.answer', 'hotline.log', 'crisis.read', 'crisis.manage', 'guardian.notify', 'counseling.measures', 'education.read', 'education.record', 'workforce.read', 'homeschool.read', 'homeschool.manage'],
  head_teacher: ['org.read', 'student.read', 'roster.export', 'instrument.read', 'student.sensitive.read', 'student.sensitive.write', 'guardian.read', 'guardian.write', 'screening.progress', 'screening.consent', 'screening.observe', 'alert.read', 'alert.raise', 'alert.acknowledge', 'alert.board', 'committee.read', 'care.read', 'sweep.review', 'sweep.progress', 'care.honours', 'appointment.book', 'crisis.read', 'guardian.notify', 'education.read', 'education.record', 'homeschool.read', 'homeschool.manage'],
  care_teacher: ['student.read', 'guardian.read', 'alert.raise', 'care.read', 'care.diary', 'care.honours', 'appointment.book'],
  committee: ['class.names', 'self.read', 'committee.report'],
  student: ['self.read', 'screening.answer', 'help.request', 'appointment.book', 'mailbox.write'],
  parent: ['self.read', 'consent.give', 'alert.raise', 'appointment.book', 'parentschool.learn'],
  clinician: ['referral.respond'],
};

describe('permission matrix', () => {
  for (const role of ROLES) {
    for (const permission of PERMISSIONS) {
      const expected = MATRIX[role].includes(permission);
      it(`${role} ${expected ? 'has' : 'lacks'} ${permission}`, () => {
        expect(roleHas(role, permission)).toBe(expected);
      });
    }
  }

  it('students, parents and committee members never get sensitive or list permissions', () => {
    for (const role of ['student', 'parent', 'committee'] as const) {
      for (const p of ['student.read', 'student.sensitive.read', 'guardian.read', 'roster.export', 'audit.read', 'screening.results', 'screening.progress', 'alert.read'] as const) expect(roleHas(role, p)).toBe(false);
    }
  });

  it('second factor is required exactly for bureau and admin roles', () => {
    expect(ROLES.filter((r) => ROLE_INFO[r].mfa)).toEqual(['system_admin', 'security_admin', 'audit_admin', 'bureau_admin', 'bureau_staff']);
    expect(needsMfa(['school_leader', 'counselor'])).toBe(false);
    expect(needsMfa(['counselor', 'bureau_staff'])).toBe(true);
  });
});

describe('scopes', () => {
  const leader = { role: 'school_leader' as const, orgPath: '/1/2/53/' };
  const head = { role: 'head_teacher' as const, orgPath: '/1/2/53/54/55/' };
  const care = { role: 'care_teacher' as const, studentId: 's-1' };
  const committee = { role: 'committee' as const, orgPath: '/1/2/53/54/55/', studentId: 's-9' };

  it.each([
    { who: 'leader', a: [leader], p: 'student.read', paths: ['/1/2/53/'], ids: [] },
    { who: 'head teacher', a: [head], p: 'student.sensitive.read', paths: ['/1/2/53/54/55/'], ids: [] },
    { who: 'care teacher', a: [care], p: 'student.read', paths: [], ids: ['s-1'] },
    { who: 'care teacher (sensitive)', a: [care], p: 'student.sensitive.read', paths: [], ids: [] },
    { who: 'committee (names)', a: [committee], p: 'class.names', paths: ['/1/2/53/54/55/'], ids: [] },
    { who: 'committee (self)', a: [committee], p: 'self.read', paths: [], ids: ['s-9'] },
    { who: 'committee (students)', a: [committee], p: 'student.read', paths: [], ids: [] },
    { who: 'leader + head teacher', a: [leader, head], p: 'student.read', paths: ['/1/2/53/'], ids: [] },
  ] as const)('$who with $p', ({ a, p, paths, ids }) => {
    const s = scopeFor(a, p);
    expect(s.orgPaths).toEqual(paths);
    expect(s.studentIds).toEqual(ids);
  });

  it('prefix match is on whole path segments', () => {
    const s = scopeFor([{ role: 'school_leader', orgPath: '/1/5/' }], 'student.read');
    expect(scopeIncludes(s, '/1/5/9/')).toBe(true);
    expect(scopeIncludes(s, '/1/50/9/')).toBe(false);
    expect(scopeIncludes(s, '/1/')).toBe(false);
  });

  it('minimal prefixes drop covered paths', () => {
    expect(minimalPrefixes(['/1/2/3/', '/1/2/', '/1/4/', '/1/2/'])).toEqual(['/1/2/', '/1/4/']);
  });
});

describe('granting roles', () => {
  const leader = { accountId: 'L', assignments: [{ role: 'school_leader' as const, orgPath: '/1/2/53/' }] };
  const bureau = { accountId: 'B', assignments: [{ role: 'bureau_admin' as const, orgPath: '/1/' }] };
  it.each([
    { by: leader, to: 'X', role: 'head_teacher', at: '/1/2/53/54/55/', ok: true, reason: undefined },
    { by: leader, to: 'X', role: 'school_leader', at: '/1/2/53/', ok: true, reason: undefined },
    { by: leader, to: 'X', role: 'bureau_admin', at: '/1/2/53/', ok: false, reason: 'rank' },
    { by: leader, to: 'X', role: 'counselor', at: '/1/2/60/', ok: false, reason: 'no_permission' },
    { by: leader, to: 'L', role: 'counselor', at: '/1/2/53/', ok: false, reason: 'self' },
    { by: bureau, to: 'X', role: 'system_admin', at: '/1/', ok: false, reason: 'rank' },
    { by: bureau, to: 'X', role: 'bureau_staff', at: '/1/3/', ok: true, reason: undefined },
  ] as const)('$role at $at by $by.accountId → $ok', ({ by, to, role, at, ok, reason }) => {
    const d = canGrant(by, to, role, at);
    expect(d.ok).toBe(ok);
    if (!d.ok) expect(d.reason).toBe(reason);
  });
});

describe('三员分立 (separation of duties)', () => {
  it('the three administrators share no permission, the system admin cannot read the audit log, the audit admin can do nothing else', () => {
    const [sys, sec, aud] = SEPARATED_ADMIN_ROLES.map((r) => new Set(ROLE_INFO[r].permissions));
    const shared = (a: Set<Permission>, b: Set<Permission>) => [...a].filter((p) => b.has(p) && p !== 'org.read');
    expect(shared(sys!, sec!)).toEqual([]);
    expect(shared(sys!, aud!)).toEqual([]);
    expect(shared(sec!, aud!)).toEqual([]);
    expect(roleHas('system_admin', 'audit.read')).toBe(false);
    expect(roleHas('system_admin', 'role.grant')).toBe(false);
    expect(roleHas('security_admin', 'account.manage')).toBe(false);
    expect(ROLE_INFO.audit_admin.permissions).toEqual(['audit.read']);
  });

  it('no account may hold two of the three', () => {
    for (const a of SEPARATED_ADMIN_ROLES) {
      for (const b of SEPARATED_ADMIN_ROLES) expect(separationConflict([a], b)).toBe(a === b ? null : a);
      expect(separationConflict([a, 'counselor'], 'bureau_admin')).toBeNull();
    }
    expect(separationConflict(['bureau_admin'], 'audit_admin')).toBeNull();
  });

  it('the security admin grants every role but to itself; a system admin grants none', () => {
    const sec = { accountId: 'S', assignments: [{ role: 'security_admin' as const, orgPath: '/1/' }] };
    const sys = { accountId: 'Y', assignments: [{ role: 'system_admin' as const, orgPath: '/1/' }] };
    for (const r of ROLES) expect(canGrant(sec, 'X', r, '/1/').ok).toBe(true);
    expect(canGrant(sec, 'S', 'audit_admin', '/1/')).toEqual({ ok: false, reason: 'self' });
    expect(canGrant(sys, 'X', 'counselor', '/1/2/')).toEqual({ ok: false, reason: 'no_permission' });
  });
});
