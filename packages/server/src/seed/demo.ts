import { randomUUID } from 'node:crypto';
import { className, DEFAULT_CARE_POLICY, DEFAULT_CIRCUMSTANCES, gradeName, impliedEnrolmentYear, SCHOOL_GRADE_LEVELS, type SchoolKind } from '@xinyu/core';
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../db/client.js';
import { roleAssignments } from '../modules/access/tables.js';
import { appendAudit } from '../modules/audit/service.js';
import { hashPassword } from '../modules/auth/passwords.js';
import { accounts } from '../modules/auth/tables.js';
import { newTotpSecret } from '../modules/auth/totp.js';
import { careAssignments, carePolicies, keyStudentEvents, keyStudents } from '../modules/care/tables.js';
import { institutionClinicians, partnerInstitutions } from '../modules/crisis/tables.js';
import { schoolYearOf } from '../modules/org/import.js';
import { circumstanceCategories } from '../modules/org/tables.js';
import { givenName, mobile, pick, rng, surname } from './names.js';
import { seedScreeningHistory } from './demo-screening.js';
import { seedDemoCounseling } from './demo-counseling.js';
import { seedDemoEducation } from './demo-education.js';
import { seedDemoWorkforce } from './demo-workforce.js';
import { seedDemoHomeschool } from './demo-homeschool.js';
import { seedDemoSupervision } from './demo-supervision.js';

export const DEMO_PASSWORD = 'Xinyu@demo1';

interface SchoolSpec {
  name: string;
  code: string;
  kind: SchoolKind;
  boarding?: boolean;
  classesPerGrade: number;
}

const CITY = { name: '临江市', code: 'LJ' };
const MUNICIPAL: SchoolSpec[] = [
  { name: '临江市第一中学', code: 'S0101', kind: 'complete_secondary', boarding: true, classesPerGrade: 2 },
  { name: '临江市外国语学校', code: 'S0102', kind: 'nine_year', classesPerGrade: 1 },
  { name: '临江市职业技术学校', code: 'S0103', kind: 'vocational', boarding: true, classesPerGrade: 2 },
];
const DISTRICTS: { name: string; code: string; schools: SchoolSpec[] }[] = [
  {
    name: '江城区',
    code: 'D01',
    schools: [
      { name: '江城区实验中学', code: 'S0201', kind: 'junior', classesPerGrade: 3 },
      { name: '江城区第一小学', code: 'S0202', kind: 'primary', classesPerGrade: 2 },
      { name: '江城区第二小学', code: 'S0203', kind: 'primary', classesPerGrade: 2 },
      { name: '江城区育才小学', code: 'S0204', kind: 'primary', classesPerGrade: 2 },
      { name: '江城区第三中学', code: 'S0205', kind: 'junior', classesPerGrade: 3 },
      { name: '江城高级中学', code: 'S0206', kind: 'senior', boarding: true, classesPerGrade: 3 },
    ],
  },
  {
    name: '南湖区',
    code: 'D02',
    schools: [
      { name: '南湖区实验小学', code: 'S0301', kind: 'primary', classesPerGrade: 2 },
      { name: '南湖区第二小学', code: 'S0302', kind: 'primary', classesPerGrade: 2 },
      { name: '南湖中学', code: 'S0303', kind: 'junior', classesPerGrade: 3 },
      { name: '南湖区九年一贯制学校', code: 'S0304', kind: 'nine_year', classesPerGrade: 1 },
      { name: '南湖高级中学', code: 'S0305', kind: 'senior', boarding: true, classesPerGrade: 3 },
    ],
  },
  {
    name: '青山县',
    code: 'D03',
    schools: [
      { name: '青山县城关小学', code: 'S0401', kind: 'primary', classesPerGrade: 2 },
      { name: '青山县中心小学', code: 'S0402', kind: 'primary', boarding: true, classesPerGrade: 2 },
      { name: '青山县第一中学', code: 'S0403', kind: 'complete_secondary', boarding: true, classesPerGrade: 2 },
      { name: '青山县民族中学', code: 'S0404', kind: 'junior', boarding: true, classesPerGrade: 3 },
      { name: '青山县职业中学', code: 'S0405', kind: 'vocational', boarding: true, classesPerGrade: 2 },
      { name: '青山县希望小学', code: 'S0406', kind: 'primary', classesPerGrade: 2 },
    ],
  },
];

export const DEMO_ACCOUNTS = [
  { username: 'city.admin', role: '教育局管理员（市）', mfa: true },
  { username: 'district.admin', role: '教育局管理员（江城区）', mfa: true },
  { username: 'school.leader', role: '学校领导（江城区实验中学）', mfa: false },
  { username: 'counselor', role: '心理教师（江城区实验中学）', mfa: false },
  { username: 'head.teacher', role: '班主任（七年级1班）', mfa: false },
  { username: 'care.teacher', role: '包保教师（3 名学生）', mfa: false },
  { username: 'committee', role: '心理委员（七年级1班学生）', mfa: false },
  { username: 'dorm.committee', role: '宿舍心理委员（江城高级中学住校生）', mfa: false },
  { username: 'student', role: '学生（七年级1班）', mfa: false },
  { username: 'parent', role: '家长（学生 student 的监护人）', mfa: false },
  { username: 'clinician', role: '合作医院医生', mfa: false },
  // 三员分立 (等保 level 3): three administrators, none of whom can do another's job
  { username: 'sys.admin', role: '系统管理员（账号与机构，不看审计日志）', mfa: true },
  { username: 'security.admin', role: '安全管理员（授予角色）', mfa: true },
  { username: 'audit.admin', role: '审计管理员（只看审计日志）', mfa: true },
] as const;

/** Is the database empty of organisations (and so may be seeded)? */
export async function isEmpty(db: Db): Promise<boolean> {
  const r = await rows<{ n: number }>(db, sql`select count(*)::int as n from org_units`);
  return (r[0]?.n ?? 0) === 0;
}

type UnitRow = { id: number; regionId: number; kind: string; parentId: number | null; path: string; name: string; code: string | null; schoolKind: SchoolKind | null; boarding: boolean; gradeLevel: number | null; classNo: number | null };

/**
 * Seeds the demo city: three districts and municipal schools, 20 schools of every kind, about
 * 10,000 students with guardians, staff in every post, and one demo account per role.
 */
export async function seedDemo(db: Db, now: Date, opts: { scale?: number; screeningHistory?: boolean } = {}): Promise<{ students: number; schools: number }> {
  const r = rng(20251125);
  const scale = opts.scale ?? 1;
  const schoolYear = schoolYearOf(now);
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const result = await db.transaction(async (tx) => {
    const reserve = async (seq: string, n: number) =>
      (await rows<{ id: number }>(tx, sql`select nextval(pg_get_serial_sequence(${seq}, 'id'))::int as id from generate_series(1, ${n})`)).map((x) => x.id);

    // --- organisation -------------------------------------------------------
    const units: UnitRow[] = [];
    const allSchools = [...MUNICIPAL.map((s) => ({ s, district: null as string | null })), ...DISTRICTS.flatMap((d) => d.schools.map((s) => ({ s, district: d.code })))];
    const gradeCount = allSchools.reduce((n, x) => n + SCHOOL_GRADE_LEVELS[x.s.kind].length, 0);
    const classCount = allSchools.reduce((n, x) => n + SCHOOL_GRADE_LEVELS[x.s.kind].length * x.s.classesPerGrade, 0);
    const ids = await reserve('org_units', 1 + DISTRICTS.length + allSchools.length + gradeCount + classCount);
    let next = 0;
    const regionId = ids[0]!;
    const add = (u: Omit<UnitRow, 'id' | 'regionId' | 'path'>, parent: UnitRow | null): UnitRow => {
      const id = ids[next++]!;
      const unit = { ...u, id, regionId, path: `${parent?.path ?? '/'}${id}/` };
      units.push(unit);
      return unit;
    };
    const base = { schoolKind: null, boarding: false, gradeLevel: null, classNo: null };
    const city = add({ ...base, kind: 'city', parentId: null, name: CITY.name, code: CITY.code }, null);
    const districtUnits = new Map<string, UnitRow>();
    for (const d of DISTRICTS) districtUnits.set(d.code, add({ ...base, kind: 'district', parentId: city.id, name: d.name, code: d.code }, city));
    const classes: { unit: UnitRow; school: UnitRow; gradeLevel: number; classNo: number }[] = [];
    const schools: UnitRow[] = [];
    for (const { s, district } of allSchools) {
      const parent = district ? districtUnits.get(district)! : city;
      const school = add({ ...base, kind: 'school', parentId: parent.id, name: s.name, code: s.code, schoolKind: s.kind, boarding: s.boarding ?? false }, parent);
      schools.push(school);
      for (const level of SCHOOL_GRADE_LEVELS[s.kind]) {
        const grade = add({ ...base, kind: 'grade', parentId: school.id, name: gradeName(level, s.kind), code: null, gradeLevel: level }, school);
        for (let c = 1; c <= s.classesPerGrade; c++) {
          classes.push({ unit: add({ ...base, kind: 'class', parentId: grade.id, name: className(c), code: null, classNo: c }, grade), school, gradeLevel: level, classNo: c });
        }
      }
    }
    await tx.execute(sql`insert into org_units (id, region_id, kind, parent_id, path, name, code, school_kind, boarding, grade_level, class_no)
      overriding system value
      select * from unnest(${sql.param(units.map((u) => u.id))}::int[], ${sql.param(units.map((u) => u.regionId))}::int[], ${sql.param(units.map((u) => u.kind))}::text[],
        ${sql.param(units.map((u) => u.parentId))}::int[], ${sql.param(units.map((u) => u.path))}::text[], ${sql.param(units.map((u) => u.name))}::text[],
        ${sql.param(units.map((u) => u.code))}::text[], ${sql.param(units.map((u) => u.schoolKind))}::text[], ${sql.param(units.map((u) => u.boarding))}::bool[],
        ${sql.param(units.map((u) => u.gradeLevel))}::int[], ${sql.param(units.map((u) => u.classNo))}::int[])`);
    await tx.insert(circumstanceCategories).values(DEFAULT_CIRCUMSTANCES.map((c) => ({ regionId, code: c.code, label: c.label, builtIn: true })));

    // dormitories for boarding schools: a few buildings of rooms
    const dorms = new Map<number, { id: number; name: string }[]>();
    const boardingSchools = schools.filter((s) => s.boarding);
    const dormIds = await reserve('dormitories', boardingSchools.length * 24);
    let d = 0;
    const dormRows: { id: number; schoolId: number; name: string }[] = [];
    for (const s of boardingSchools) {
      const list = [];
      for (let b = 1; b <= 2; b++) for (let room = 1; room <= 12; room++) list.push({ id: dormIds[d++]!, name: `${b}号楼${Math.ceil(room / 4)}${String(room).padStart(2, '0')}` });
      dorms.set(s.id, list);
      dormRows.push(...list.map((x) => ({ ...x, schoolId: s.id })));
    }
    if (dormRows.length) {
      await tx.execute(sql`insert into dormitories (id, region_id, school_id, name) overriding system value
        select u.id, ${regionId}, u.sid, u.name from unnest(${sql.param(dormRows.map((x) => x.id))}::int[], ${sql.param(dormRows.map((x) => x.schoolId))}::int[], ${sql.param(dormRows.map((x) => x.name))}::text[]) as u(id, sid, name)`);
    }

    // --- students and guardians ----------------------------------------------
    type S = { id: string; no: string; name: string; gender: 'male' | 'female'; birth: string; schoolId: number; classId: number; path: string; ey: number; boarding: boolean; dorm: number | null };
    const students: S[] = [];
    const guardians: { id: string; name: string; phone: string }[] = [];
    const links: { sid: string; gid: string; relation: string; primary: boolean }[] = [];
    const circumstances: { sid: string; code: string }[] = [];
    let serial = 0;
    for (const c of classes) {
      const size = Math.round((42 + Math.floor(r() * 14)) * scale);
      for (let i = 0; i < size; i++) {
        const gender = r() < 0.51 ? 'male' : 'female';
        const family = surname(r);
        const age = 6 + (c.gradeLevel - 1);
        const by = schoolYear - age;
        const month = 1 + Math.floor(r() * 12);
        const day = 1 + Math.floor(r() * 28);
        const birth = `${month >= 9 ? by - 1 : by}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
        serial += 1;
        const boardingSchool = c.school.boarding && c.gradeLevel >= 4;
        const boarding = boardingSchool && r() < 0.7;
        const schoolDorms = dorms.get(c.school.id);
        const s: S = {
          id: randomUUID(),
          no: `G${birth.replace(/-/g, '')}${String(serial).padStart(6, '0')}`,
          name: family + givenName(r, gender),
          gender,
          birth,
          schoolId: c.school.id,
          classId: c.unit.id,
          path: c.unit.path,
          ey: impliedEnrolmentYear(c.gradeLevel, schoolYear),
          boarding,
          dorm: boarding && schoolDorms ? pick(r, schoolDorms).id : null,
        };
        students.push(s);
        const father = { id: randomUUID(), name: family + givenName(r, 'male', true), phone: mobile(r) };
        const mother = { id: randomUUID(), name: surname(r) + givenName(r, 'female', true), phone: mobile(r) };
        const leftBehind = r() < 0.09;
        if (leftBehind) {
          // left-behind children are usually looked after by a grandparent
          const grand = { id: randomUUID(), name: family + givenName(r, 'male', true), phone: mobile(r) };
          guardians.push(grand, father);
          links.push({ sid: s.id, gid: grand.id, relation: '祖父', primary: true }, { sid: s.id, gid: father.id, relation: '父亲', primary: false });
          circumstances.push({ sid: s.id, code: 'left_behind' });
        } else {
          guardians.push(father, mother);
          links.push({ sid: s.id, gid: mother.id, relation: '母亲', primary: r() < 0.6 }, { sid: s.id, gid: father.id, relation: '父亲', primary: false });
        }
        const x = r();
        if (x < 0.05) circumstances.push({ sid: s.id, code: 'single_parent' });
        else if (x < 0.08) circumstances.push({ sid: s.id, code: 'divorced' });
        else if (x < 0.1) circumstances.push({ sid: s.id, code: 'remarried' });
        if (r() < 0.02) circumstances.push({ sid: s.id, code: 'extreme_poverty' });
        if (r() < 0.005) circumstances.push({ sid: s.id, code: 'disabled' });
      }
    }
    for (let i = 0; i < students.length; i += 5000) {
      const p = students.slice(i, i + 5000);
      await tx.execute(sql`insert into students (id, region_id, student_no, name, gender, birth_date, school_id, class_id, org_path, enrolment_year, boarding, dormitory_id)
        select u.id, ${regionId}, u.no, u.name, u.gender, u.birth, u.sid, u.cid, u.path, u.ey, u.boarding, u.dorm
        from unnest(${sql.param(p.map((s) => s.id))}::uuid[], ${sql.param(p.map((s) => s.no))}::text[], ${sql.param(p.map((s) => s.name))}::text[], ${sql.param(p.map((s) => s.gender))}::text[],
          ${sql.param(p.map((s) => s.birth))}::date[], ${sql.param(p.map((s) => s.schoolId))}::int[], ${sql.param(p.map((s) => s.classId))}::int[], ${sql.param(p.map((s) => s.path))}::text[],
          ${sql.param(p.map((s) => s.ey))}::int[], ${sql.param(p.map((s) => s.boarding))}::bool[], ${sql.param(p.map((s) => s.dorm))}::int[])
          as u(id, no, name, gender, birth, sid, cid, path, ey, boarding, dorm)`);
      await tx.execute(sql`insert into student_history (region_id, student_id, kind, to_unit_id, at)
        select ${regionId}, u.id, 'enrol', u.cid, ${now} from unnest(${sql.param(p.map((s) => s.id))}::uuid[], ${sql.param(p.map((s) => s.classId))}::int[]) as u(id, cid)`);
    }
    for (let i = 0; i < guardians.length; i += 10000) {
      const p = guardians.slice(i, i + 10000);
      await tx.execute(sql`insert into guardians (id, region_id, name, phone) select u.id, ${regionId}, u.name, u.phone
        from unnest(${sql.param(p.map((g) => g.id))}::uuid[], ${sql.param(p.map((g) => g.name))}::text[], ${sql.param(p.map((g) => g.phone))}::text[]) as u(id, name, phone)`);
    }
    for (let i = 0; i < links.length; i += 10000) {
      const p = links.slice(i, i + 10000);
      await tx.execute(sql`insert into student_guardians (student_id, guardian_id, region_id, relation, is_primary) select u.sid, u.gid, ${regionId}, u.rel, u.prim
        from unnest(${sql.param(p.map((l) => l.sid))}::uuid[], ${sql.param(p.map((l) => l.gid))}::uuid[], ${sql.param(p.map((l) => l.relation))}::text[], ${sql.param(p.map((l) => l.primary))}::bool[]) as u(sid, gid, rel, prim)`);
    }
    await tx.execute(sql`insert into student_circumstances (student_id, region_id, code) select u.sid, ${regionId}, u.code
      from unnest(${sql.param(circumstances.map((c) => c.sid))}::uuid[], ${sql.param(circumstances.map((c) => c.code))}::text[]) as u(sid, code)`);

    // --- staff: a leader, a 德育 officer, a counselor, every head teacher, subject teachers --------
    type T = { id: string; schoolId: number; path: string; name: string; gender: 'male' | 'female'; phone: string; subject: string | null; posts: { post: string; classId: number | null }[] };
    const staffRows: T[] = [];
    const usedPhones = new Set<string>();
    const phone = () => {
      let p = mobile(r);
      while (usedPhones.has(p)) p = mobile(r);
      usedPhones.add(p);
      return p;
    };
    const person = (school: UnitRow, posts: T['posts'], subject: string | null): T => {
      const gender = r() < 0.6 ? 'female' : 'male';
      const t = { id: randomUUID(), schoolId: school.id, path: school.path, name: surname(r) + givenName(r, gender, true), gender, phone: phone(), subject, posts } as T;
      staffRows.push(t);
      return t;
    };
    const SUBJECTS = ['语文', '数学', '英语', '物理', '化学', '生物', '历史', '地理', '道德与法治', '体育', '音乐', '美术', '信息技术'];
    const firstOf = new Map<string, T>();
    for (const school of schools) {
      firstOf.set(`${school.id}:leader`, person(school, [{ post: 'leader', classId: null }], null));
      person(school, [{ post: 'moral_education', classId: null }], null);
      const bigSchool = classes.filter((c) => c.school.id === school.id).length >= 12;
      firstOf.set(`${school.id}:counselor`, person(school, [{ post: bigSchool ? 'counselor_full' : 'counselor_part', classId: null }], bigSchool ? '心理健康' : '道德与法治'));
      for (const c of classes.filter((x) => x.school.id === school.id)) {
        firstOf.set(`${c.unit.id}:head`, person(school, [{ post: 'head_teacher', classId: c.unit.id }, { post: 'subject_teacher', classId: null }], pick(r, SUBJECTS)));
      }
      for (let i = 0; i < 4; i++) person(school, [{ post: 'subject_teacher', classId: null }], pick(r, SUBJECTS));
    }
    await tx.execute(sql`insert into staff (id, region_id, school_id, org_path, name, gender, phone, subject)
      select u.id, ${regionId}, u.sid, u.path, u.name, u.gender, u.phone, u.subject
      from unnest(${sql.param(staffRows.map((t) => t.id))}::uuid[], ${sql.param(staffRows.map((t) => t.schoolId))}::int[], ${sql.param(staffRows.map((t) => t.path))}::text[],
        ${sql.param(staffRows.map((t) => t.name))}::text[], ${sql.param(staffRows.map((t) => t.gender))}::text[], ${sql.param(staffRows.map((t) => t.phone))}::text[], ${sql.param(staffRows.map((t) => t.subject))}::text[])
        as u(id, sid, path, name, gender, phone, subject)`);
    const posts = staffRows.flatMap((t) => t.posts.map((p) => ({ sid: t.id, ...p })));
    await tx.execute(sql`insert into staff_posts (staff_id, region_id, post, class_id) select u.sid, ${regionId}, u.post, u.cid
      from unnest(${sql.param(posts.map((p) => p.sid))}::uuid[], ${sql.param(posts.map((p) => p.post))}::text[], ${sql.param(posts.map((p) => p.classId))}::int[]) as u(sid, post, cid)`);

    // --- demo accounts, one per role --------------------------------------------------
    const schoolA = schools.find((s) => s.code === 'S0201')!;
    const classA = classes.find((c) => c.school.id === schoolA.id && c.gradeLevel === 7 && c.classNo === 1)!;
    const inClassA = students.filter((s) => s.classId === classA.unit.id);
    const theStudent = inClassA[0]!;
    const theCommittee = inClassA[1]!;
    const cared = [inClassA[2]!, ...students.filter((s) => s.schoolId === schoolA.id && s.classId !== classA.unit.id).slice(0, 2)];
    const parentLink = links.find((l) => l.sid === theStudent.id && l.primary) ?? links.find((l) => l.sid === theStudent.id)!;
    const parentGuardian = guardians.find((g) => g.id === parentLink.gid)!;
    const mk = (username: string, displayName: string, extra: Partial<typeof accounts.$inferInsert> = {}) => ({ id: randomUUID(), regionId, username, displayName, passwordHash, ...extra });
    const leader = firstOf.get(`${schoolA.id}:leader`)!;
    const counselorStaff = firstOf.get(`${schoolA.id}:counselor`)!;
    const headStaff = firstOf.get(`${classA.unit.id}:head`)!;
    const careStaff = staffRows.find((t) => t.schoolId === schoolA.id && t.posts.length === 1 && t.posts[0]!.post === 'subject_teacher')!;
    const demo = {
      city: mk('city.admin', '市教育局 管理员', { totpSecret: newTotpSecret() }),
      district: mk('district.admin', '江城区教育局 管理员', { totpSecret: newTotpSecret() }),
      leader: mk('school.leader', leader.name, { staffId: leader.id }),
      counselor: mk('counselor', counselorStaff.name, { staffId: counselorStaff.id }),
      head: mk('head.teacher', headStaff.name, { staffId: headStaff.id }),
      care: mk('care.teacher', careStaff.name, { staffId: careStaff.id }),
      committee: mk('committee', theCommittee.name, { studentId: theCommittee.id, studentNo: theCommittee.no }),
      student: mk('student', theStudent.name, { studentId: theStudent.id, studentNo: theStudent.no }),
      parent: mk('parent', parentGuardian.name, { guardianId: parentGuardian.id }),
      clinician: mk('clinician', '临江市精神卫生中心 医生'),
      sysAdmin: mk('sys.admin', '市平台 系统管理员', { totpSecret: newTotpSecret() }),
      securityAdmin: mk('security.admin', '市平台 安全管理员', { totpSecret: newTotpSecret() }),
      auditAdmin: mk('audit.admin', '市平台 审计管理员', { totpSecret: newTotpSecret() }),
    };
    await tx.insert(accounts).values(Object.values(demo));
    for (const [acct, staffId] of [[demo.leader, leader.id], [demo.counselor, counselorStaff.id], [demo.head, headStaff.id], [demo.care, careStaff.id]] as const) {
      await tx.execute(sql`update staff set account_id = ${acct.id} where id = ${staffId}`);
    }
    await tx.execute(sql`update guardians set account_id = ${demo.parent.id} where id = ${parentGuardian.id}`);
    const g = (a: { id: string }, role: typeof roleAssignments.$inferInsert.role, orgUnitId: number | null, studentId: string | null = null) => ({ regionId, accountId: a.id, role, orgUnitId, studentId });
    await tx.insert(roleAssignments).values([
      g(demo.city, 'bureau_admin', city.id),
      g(demo.district, 'bureau_admin', districtUnits.get('D01')!.id),
      g(demo.leader, 'school_leader', schoolA.id),
      g(demo.counselor, 'counselor', schoolA.id),
      g(demo.head, 'head_teacher', classA.unit.id),
      g(demo.committee, 'committee', classA.unit.id, theCommittee.id),
      g(demo.committee, 'student', null, theCommittee.id),
      g(demo.student, 'student', null, theStudent.id),
      g(demo.parent, 'parent', null, theStudent.id),
      g(demo.clinician, 'clinician', null),
      g(demo.sysAdmin, 'system_admin', city.id),
      g(demo.securityAdmin, 'security_admin', city.id),
      g(demo.auditAdmin, 'audit_admin', city.id),
    ]);
    // the green channel's partner institutions; the demo clinician works at the first
    const institutions = await tx.insert(partnerInstitutions).values([
      { regionId, name: '临江市精神卫生中心', kind: 'hospital' as const, address: '临江市江城区康宁路 8 号', phone: '0883-2120120', createdAt: now },
      { regionId, name: '临江市人民医院心理门诊', kind: 'clinic' as const, address: '临江市江城区人民路 1 号', phone: '0883-2120000', createdAt: now },
    ]).returning({ id: partnerInstitutions.id });
    await tx.insert(institutionClinicians).values({ accountId: demo.clinician.id, institutionId: institutions[0]!.id, department: '儿童青少年心理科', title: '主治医师', createdAt: now });
    // the demo school's counseling room, the counselor's bookable slots and one appointment of `student`
    await seedDemoCounseling(tx, { now });
    // a 宿舍心理委员 at the district's boarding school (江城高级中学): a boarder of its fullest dormitory
    const boardingSchool = schools.find((s) => s.code === 'S0206')!;
    const fullest = (dorms.get(boardingSchool.id) ?? []).map((x) => ({ dorm: x, n: students.filter((s) => s.dorm === x.id).length })).sort((a, b) => b.n - a.n)[0];
    const dormMember = fullest && fullest.n > 1 ? students.find((s) => s.dorm === fullest.dorm.id) : undefined;
    if (dormMember) {
      const acct = mk('dorm.committee', dormMember.name, { studentId: dormMember.id, studentNo: dormMember.no });
      await tx.insert(accounts).values(acct);
      await tx.insert(roleAssignments).values([g(acct, 'student', null, dormMember.id), { ...g(acct, 'committee', null, dormMember.id), dormitoryId: fullest!.dorm.id }]);
    }
    // the care teacher's three key students (包保): on the register, each with its care assignment
    // and the care_teacher role assignment that gives the teacher the student
    await tx.insert(carePolicies).values({ regionId, policy: { ...DEFAULT_CARE_POLICY, maxPerTeacher: 15 }, updatedBy: '系统初始化' });
    const careGrants = await tx.insert(roleAssignments).values(cared.map((s) => g(demo.care, 'care_teacher', null, s.id))).returning({ id: roleAssignments.id, studentId: roleAssignments.studentId });
    const since = new Date(now.getTime() - 30 * 86_400_000);
    const keyRows = await tx.insert(keyStudents).values(cared.map((s, i) => ({
      regionId, schoolId: s.schoolId, studentId: s.id, categories: [['left_behind'], ['single_parent', 'academic_pressure'], ['withdrawn']][i % 3]!,
      level: 'yellow' as const, sources: ['sweep'], reason: '开学摸底排查列入', addedByName: '学校心理工作领导小组', addedAt: since, updatedAt: since,
    }))).returning({ id: keyStudents.id, studentId: keyStudents.studentId });
    await tx.insert(careAssignments).values(keyRows.map((k) => ({
      keyStudentId: k.id, studentId: k.studentId, accountId: demo.care.id, accountName: careStaff.name,
      roleAssignmentId: careGrants.find((c) => c.studentId === k.studentId)!.id, startDate: since.toISOString().slice(0, 10), assignedByName: '学校领导',
    })));
    await tx.insert(keyStudentEvents).values(keyRows.map((k) => ({ keyStudentId: k.id, kind: 'added', actorName: '学校心理工作领导小组', detail: { source: 'sweep' }, at: since })));
    // the full demo also has a closed screening from the start of the school year (tests start without)
    const history = (opts.screeningHistory ?? scale === 1) ? await seedScreeningHistory(tx, { regionId, cityId: city.id, cityPath: city.path, schoolYear, r, now }) : null;
    // education, workforce, home–school and the bureau's targets (supervision last: it may read the others)
    const full = scale === 1;
    await seedDemoEducation(tx, { now, full });
    await seedDemoWorkforce(tx, { now, full });
    await seedDemoHomeschool(tx, { now, full });
    await seedDemoSupervision(tx, { now, full });
    await appendAudit(tx, { action: 'system.seed.demo', objectType: 'region', objectId: String(regionId), orgPath: city.path, detail: { students: students.length, schools: schools.length, staff: staffRows.length, screeningResponses: history?.responses ?? 0 } }, now);
    return { students: students.length, schools: schools.length };
  });
  // fresh statistics, so the first queries get good plans (embedded PGlite runs no autovacuum)
  await db.execute(sql`analyze`);
  return result;
}

/** The TOTP secrets of demo accounts that need a second factor, for printing at start. */
export async function demoTotpSecrets(db: Db): Promise<{ username: string; secret: string }[]> {
  return rows<{ username: string; secret: string }>(db, sql`select username, totp_secret as secret from accounts where username in ('city.admin', 'district.admin', 'sys.admin', 'security.admin', 'audit.admin') and totp_secret is not null order by username`);
}
