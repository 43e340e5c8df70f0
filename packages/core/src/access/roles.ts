/**
 * Roles and the permission matrix. This file is data: the server and the web UI both read it,
 * and `roles.test.ts` checks it as a table. Default is deny: a permission not listed for a role
 * is not granted.
 */
export const ROLES = [
  'system_admin',
  'security_admin',
  'audit_admin',
  'bureau_admin',
  'bureau_staff',
  'school_leader',
  'counselor',
  'head_teacher',
  'care_teacher',
  'committee',
  'student',
  'parent',
  'clinician',
] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'org.read', // see org units (districts, schools, grades, classes, dormitories)
  'org.write', // create, edit, move, deactivate org units
  'student.read', // basic student record: name, 学籍号, gender, birth date, class
  'student.write', // create/edit students, class changes, transfers, graduation
  'student.sensitive.read', // family circumstances (留守, 单亲 …)
  'student.sensitive.write',
  'guardian.read', // guardian names and phones
  'guardian.write',
  'staff.read',
  'staff.write',
  'roster.import',
  'roster.export',
  'account.manage', // create accounts, reset passwords, disable
  'role.grant',
  'audit.read',
  'config.write', // region configuration such as the circumstance list
  'class.names', // a psych-committee member: names of own classmates only
  'self.read', // a student their own record, a parent their child's
  'instrument.read', // questionnaire definitions (item text, scoring rules): not about any person
  'instrument.manage', // import a region's licensed questionnaires
  'screening.manage', // create, edit, publish and close screening campaigns owned by one's unit
  'screening.release', // release a published campaign to one's school's classes
  'screening.progress', // completion figures and the names of students who have not finished (never answers)
  'screening.consent', // record a guardian's consent from a paper form
  'screening.results', // individual scores, bands, validity and warning levels
  'screening.observe', // a head teacher's observation of a flagged student (sees no score)
  'screening.recheck', // the counselor's re-check interview (复检) and level decision
  'screening.signoff', // a district's review and sign-off of a school's re-checks
  'screening.report', // aggregate reports (small cells suppressed outside the school)
  'screening.answer', // a student answering their own screening
  'consent.give', // a parent consenting for their own child
  'alert.read', // warning records (screening evidence only with screening.results)
  'alert.raise', // report a concern about a student in scope: it joins the student's open alert or opens one
  'alert.acknowledge', // confirm receipt of an alert (the class tier of the warning network)
  'alert.handle', // assess, confirm, dismiss, close and assign alerts
  'alert.board', // warning boards: counts of open alerts per unit, no student names (small cells suppressed outside a school unless alert.read reaches it)
  'help.request', // a student asks for help themselves
  'committee.report', // a psych-committee member's daily report about their own class
  'committee.read', // which classes reported, and the concerns reported (head teachers, counselors, leaders)
  'committee.manage', // committee members' training records
  'care.read', // the key-student register (重点学生) and care records of students in scope
  'care.manage', // add to the register, assign care teachers, propose closure
  'care.diary', // write the growth diary (成长日记) of students one cares for
  'care.approve', // approve or reject a closure (销号)
  'care.nominate', // nominate one's school's excellent growth diaries (优秀成长日记) and 爱心教师
  'care.select', // the bureau's review of those nominations (sees diaries de-identified)
  'care.honours', // the published excellent diaries and 爱心教师 lists of the region
  'sweep.manage', // open a semester sweep (摸底排查) for one's unit
  'sweep.review', // review every student of one's class in a sweep
  'sweep.progress', // completion of a sweep, up to the bureau (counts, no names outside the school)
  'staffcare.read', // the staff register (教职工关爱): a school's leaders its ordinary staff, the bureau everyone of its area; never one's own case
  'staffcare.manage', // open a staff sweep, add to the staff register, assign carers, write care records, propose and approve closure
  'staffcare.review', // review every ordinary staff member of one's school in a staff sweep (school leaders)
  'staffcare.leaders', // review and care for school leaders and bureau staff (the bureau only)
  'room.read', // counseling rooms, their schedules, logged hours and compliance
  'room.manage', // add and edit a school's rooms and weekly schedule, log opening hours
  'room.rate', // the bureau rates rooms of its area: qualified (达标) or model (示范)
  'appointment.book', // book counseling: a student for themselves, a parent for their child, a teacher for a student in scope
  'appointment.manage', // a counselor's slots; confirm, move, cancel, no-show, walk-ins; the register and its export
  'session.write', // write counseling session records (咨询记录表); read one's own
  'session.supervise', // read the school's session records when designated as its supervisor (督导)
  'mailbox.write', // a student writes to the mailbox (心灵信箱), named or anonymously
  'mailbox.answer', // read and answer the school's mailbox
  'hotline.log', // log hotline calls one took
  'crisis.read', // crisis cases, safety plans, tasks, guardian contacts, referrals and return plans of students in scope (never session notes)
  'crisis.manage', // open and run crisis cases, record guardian contacts, conferences, referrals and return plans
  'crisis.close', // close a crisis case with its one-case-one-analysis (销号)
  'guardian.notify', // send a notice to a student's guardians (recorded)
  'institution.manage', // the region's partner institutions and their clinician accounts
  'referral.respond', // a clinician: accept or decline referrals sent to their institution, record the visit and feedback
  'counseling.measures', // referral turnaround, feedback share, time to first contact, counseling hours (figures only)
  'education.read', // mental-health lessons, research and themed activities, clubs of units in scope, and their compliance
  'education.record', // record lessons (a head teacher for own class), activities and clubs; bulk entry and .xlsx import
  'education.research', // a bureau records the monthly teaching-research activity (心理教研活动) its district holds for its schools (001 §14)
  'workforce.read', // counselors of units in scope: post, certificates (C/B/A), training hours; staffing ratio and certification rate
  'workforce.manage', // record certificates and training of one's unit's counselors and head teachers
  'homeschool.read', // parent-school courses, enrolment and completion figures, parent sessions and their attendance
  'homeschool.manage', // publish micro-courses, hold parent sessions and record attendance, register parent volunteers
  'parentschool.learn', // a parent: take the parent school's micro-courses, earn credits, see own attendance
  'supervision.read', // target lists with live progress, dashboards and their drill-down, school ratings, exports
  'supervision.manage', // the bureau's annual target lists (四张清单), funding records, rating criteria
  'rating.submit', // a school's self-evaluation for the model-school rating, with evidence
  'rating.review', // the bureau's review of a school's rating
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** How a role is bound: at an org unit, or through a relationship to one student. */
export type Binding = 'org' | 'student' | 'org+student' | 'none';

export interface RoleInfo {
  /** Higher ranks may grant lower ones; nobody grants above their own rank. */
  rank: number;
  binding: Binding;
  /** A second factor (TOTP) is required at sign-in. */
  mfa: boolean;
  permissions: readonly Permission[];
  /** Uses the phone layout by default. */
  mobile: boolean;
}

const STAFF_READ: Permission[] = ['org.read', 'student.read', 'roster.export', 'instrument.read'];

export const ROLE_INFO: Record<Role, RoleInfo> = {
  // 三员分立 (GB/T 22239-2019 8.1.4.2 / 8.1.10.4): the platform's three administrators split what a
  // single root would hold, and no account may hold two of them (SEPARATED_ADMIN_ROLES; a database
  // trigger refuses the second). The system administrator runs accounts and configuration and
  // cannot read the audit log;
  system_admin: {
    rank: 100,
    binding: 'org',
    mfa: true,
    mobile: false,
    permissions: ['org.read', 'org.write', 'staff.read', 'staff.write', 'account.manage', 'config.write'],
  },
  // the security administrator grants and revokes roles (permissions) and creates no account;
  security_admin: { rank: 100, binding: 'org', mfa: true, mobile: false, permissions: ['org.read', 'role.grant'] },
  // the audit administrator reads the audit log and its verification, and nothing else.
  audit_admin: { rank: 100, binding: 'org', mfa: true, mobile: false, permissions: ['audit.read'] },
  bureau_admin: {
    rank: 90,
    binding: 'org',
    mfa: true,
    mobile: false,
    permissions: [
      ...STAFF_READ,
      'org.write',
      'student.write',
      'staff.read',
      'staff.write',
      'roster.import',
      'account.manage',
      'role.grant',
      'audit.read',
      'config.write',
      'instrument.manage',
      'screening.manage',
      'screening.progress',
      'screening.signoff',
      'screening.report',
      'alert.board',
      'sweep.manage',
      'sweep.progress',
      'staffcare.read',
      'staffcare.manage',
      'staffcare.leaders',
      'care.select',
      'care.honours',
      'room.read',
      'room.rate',
      'institution.manage',
      'counseling.measures',
      'education.read',
      'education.research',
      'workforce.read',
      'workforce.manage',
      'homeschool.read',
      'homeschool.manage',
      'supervision.read',
      'supervision.manage',
      'rating.review',
    ],
  },
  bureau_staff: {
    rank: 80,
    binding: 'org',
    mfa: true,
    mobile: false,
    // the bureau's designated screening staff (e.g. 心理教研员) see their region's results
    permissions: [...STAFF_READ, 'staff.read', 'screening.progress', 'screening.results', 'screening.signoff', 'screening.report', 'alert.read', 'alert.board', 'care.select', 'care.honours', 'room.read', 'counseling.measures', 'education.read', 'education.research', 'workforce.read', 'homeschool.read', 'supervision.read', 'rating.review'],
  },
  school_leader: {
    rank: 70,
    binding: 'org',
    mfa: false,
    mobile: false,
    permissions: [
      ...STAFF_READ,
      'org.write',
      'student.write',
      'student.sensitive.read',
      'student.sensitive.write',
      'guardian.read',
      'guardian.write',
      'staff.read',
      'staff.write',
      'roster.import',
      'account.manage',
      'role.grant',
      'audit.read',
      'screening.manage',
      'screening.release',
      'screening.progress',
      'screening.consent',
      'screening.results',
      'screening.report',
      'alert.read',
      'alert.raise',
      'alert.acknowledge',
      'alert.handle',
      'alert.board',
      'committee.read',
      'committee.manage',
      'care.read',
      'care.manage',
      'care.diary',
      'care.approve',
      'sweep.manage',
      'sweep.progress',
      'staffcare.read',
      'staffcare.manage',
      'staffcare.review',
      'care.nominate',
      'care.honours',
      'room.read',
      'room.manage',
      'appointment.book',
      'appointment.manage',
      'session.supervise',
      'mailbox.answer',
      'crisis.read',
      'crisis.manage',
      'crisis.close',
      'guardian.notify',
      'counseling.measures',
      'education.read',
      'education.record',
      'workforce.read',
      'workforce.manage',
      'homeschool.read',
      'homeschool.manage',
      'supervision.read',
      'rating.submit',
    ],
  },
  counselor: {
    rank: 60,
    binding: 'org',
    mfa: false,
    mobile: false,
    permissions: [
      ...STAFF_READ,
      'student.sensitive.read',
      'student.sensitive.write',
      'guardian.read',
      'staff.read',
      'screening.manage',
      'screening.release',
      'screening.progress',
      'screening.consent',
      'screening.results',
      'screening.recheck',
      'screening.report',
      'alert.read',
      'alert.raise',
      'alert.acknowledge',
      'alert.handle',
      'alert.board',
      'committee.read',
      'committee.manage',
      'care.read',
      'care.manage',
      'care.diary',
      'sweep.progress',
      'care.honours',
      'room.read',
      'room.manage',
      'appointment.book',
      'appointment.manage',
      'session.write',
      'session.supervise',
      'mailbox.answer',
      'hotline.log',
      'crisis.read',
      'crisis.manage',
      'guardian.notify',
      'counseling.measures',
      'education.read',
      'education.record',
      'workforce.read',
      'homeschool.read',
      'homeschool.manage',
    ],
  },
  head_teacher: {
    rank: 50,
    binding: 'org',
    mfa: false,
    mobile: false,
    permissions: [...STAFF_READ, 'student.sensitive.read', 'student.sensitive.write', 'guardian.read', 'guardian.write', 'screening.progress', 'screening.consent', 'screening.observe', 'alert.read', 'alert.raise', 'alert.acknowledge', 'alert.board', 'committee.read', 'care.read', 'sweep.review', 'sweep.progress', 'care.honours', 'appointment.book', 'crisis.read', 'guardian.notify', 'education.read', 'education.record', 'homeschool.read', 'homeschool.manage'],
  },
  care_teacher: {
    rank: 40,
    binding: 'student',
    mfa: false,
    mobile: true,
    permissions: ['student.read', 'guardian.read', 'alert.raise', 'care.read', 'care.diary', 'care.honours', 'appointment.book'],
  },
  // a clinician reaches no unit and no student by role: only the referrals sent to their institution
  clinician: { rank: 30, binding: 'none', mfa: false, mobile: true, permissions: ['referral.respond'] },
  committee: { rank: 20, binding: 'org+student', mfa: false, mobile: true, permissions: ['class.names', 'self.read', 'committee.report'] },
  parent: { rank: 10, binding: 'student', mfa: false, mobile: true, permissions: ['self.read', 'consent.give', 'alert.raise', 'appointment.book', 'parentschool.learn'] },
  student: { rank: 10, binding: 'student', mfa: false, mobile: true, permissions: ['self.read', 'screening.answer', 'help.request', 'appointment.book', 'mailbox.write'] },
};

/** The seeds' words for each role. */
export const ROLE_LABEL: Record<Role, string> = {
  system_admin: '系统管理员',
  security_admin: '安全管理员',
  audit_admin: '审计管理员',
  bureau_admin: '教育局管理员',
  bureau_staff: '教育局工作人员',
  school_leader: '学校领导',
  counselor: '心理教师',
  head_teacher: '班主任',
  care_teacher: '包保教师',
  committee: '心理委员',
  student: '学生',
  parent: '家长',
  clinician: '医疗机构医生',
};

/** 三员: an account holds at most one of these (checked at grant time and by a database trigger). */
export const SEPARATED_ADMIN_ROLES = ['system_admin', 'security_admin', 'audit_admin'] as const satisfies readonly Role[];

/** The administrator role of the three an account would hold besides `role`, if granting it breaks 三员分立. */
export function separationConflict(held: readonly Role[], role: Role): Role | null {
  const three: readonly Role[] = SEPARATED_ADMIN_ROLES;
  if (!three.includes(role)) return null;
  return held.find((r) => r !== role && three.includes(r)) ?? null;
}

export function roleHas(role: Role, permission: Permission): boolean {
  return ROLE_INFO[role].permissions.includes(permission);
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
