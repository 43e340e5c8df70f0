/**
 * Staff care (教职工关爱) as pure rules: the same sweep, register and care for teachers as for
 * students, run by school leaders (for ordinary staff) and bureau officials (for school leaders and
 * bureau staff), and invisible to colleagues.
 */

/** The built-in categories of a staff sweep (the seeds: family hardship, mood swings, recent loss …). */
export const STAFF_CARE_CATEGORIES = {
  family_hardship: '家庭困难',
  emotional_distress: '情绪波动',
  bereavement: '近期丧亲',
  serious_illness: '重大疾病',
  work_pressure: '工作压力大',
  conflict: '人际或家庭矛盾',
} as const;
export type StaffCareCategory = keyof typeof STAFF_CARE_CATEGORIES;

/** What a carer records: talks, visits, calls, and the support given. */
export const STAFF_CARE_RECORD_KINDS = {
  talk: '谈心谈话',
  visit: '走访慰问',
  phone: '电话联系',
  support: '帮扶措施',
} as const;
export type StaffCareRecordKind = keyof typeof STAFF_CARE_RECORD_KINDS;

/**
 * Who reviews and cares for a person: a school's ordinary staff are the school leaders' ('staff');
 * school leaders (and 德育 officers) and bureau staff are the bureau's ('leaders').
 */
export type StaffCareTier = 'staff' | 'leaders';

export function staffCareTier(p: { bureau: boolean; leaderPost: boolean; leaderRole: boolean }): StaffCareTier {
  return p.bureau || p.leaderPost || p.leaderRole ? 'leaders' : 'staff';
}

export interface CategoryItem {
  code: string;
  label: string;
}

/** The region's list: the built-in categories first, then its own. */
export function staffCareCategories(extra: readonly CategoryItem[]): CategoryItem[] {
  return [...Object.entries(STAFF_CARE_CATEGORIES).map(([code, label]) => ({ code, label })), ...extra];
}

/** Problems with a region's own categories (codes: lower-case letters, digits and _; none twice; not a built-in). */
export function extraCategoryProblems(extra: readonly CategoryItem[]): Record<string, string> {
  const out: Record<string, string> = {};
  const seen = new Set<string>();
  const labels = new Set<string>(Object.values(STAFF_CARE_CATEGORIES));
  extra.forEach((c, i) => {
    if (!/^[a-z][a-z0-9_]{1,39}$/.test(c.code)) out[`categories.${i}.code`] = '代码须以小写字母开头，只含小写字母、数字和下划线';
    else if (c.code in STAFF_CARE_CATEGORIES) out[`categories.${i}.code`] = '与内置类别重复';
    else if (seen.has(c.code)) out[`categories.${i}.code`] = '代码重复';
    else if (labels.has(c.label)) out[`categories.${i}.label`] = '名称重复';
    seen.add(c.code);
    labels.add(c.label);
  });
  return out;
}

export type SweepAction = 'none' | 'add' | 'keep' | 'remove';

export interface StaffReview {
  subjectId: string;
  categories: readonly string[];
  action: SweepAction;
  reason?: string | undefined;
}

/**
 * The checks of one review of a whole group ("不漏一人"): every person of the group exactly once,
 * known categories, add only with categories and a reason and only when not on the register, keep
 * and remove only when on it, remove with a reason. Problems are named by field; `missing` lists
 * who was left out.
 */
export function staffSweepProblems(
  entries: readonly StaffReview[],
  people: readonly { id: string; name: string; onRegister: boolean }[],
  categories: ReadonlySet<string>,
): { fields: Record<string, string>; missing: string[] } {
  const byId = new Map(people.map((p) => [p.id, p]));
  const fields: Record<string, string> = {};
  const seen = new Set<string>();
  entries.forEach((e, i) => {
    const p = byId.get(e.subjectId);
    if (!p) fields[`entries.${i}.subjectId`] = '不在本次排查的名单中';
    else if (seen.has(e.subjectId)) fields[`entries.${i}.subjectId`] = '重复';
    else if (e.categories.some((c) => !categories.has(c))) fields[`entries.${i}.categories`] = '有不认识的类别';
    else if (e.action === 'add' && (p.onRegister || !e.categories.length || !e.reason)) fields[`entries.${i}.action`] = p.onRegister ? '已在关爱名单中，请选择「保留」' : '列入关爱名单需要类别和理由';
    else if ((e.action === 'keep' || e.action === 'remove') && !p.onRegister) fields[`entries.${i}.action`] = '不在关爱名单中';
    else if (e.action === 'remove' && !e.reason) fields[`entries.${i}.reason`] = '移出名单需要理由';
    seen.add(e.subjectId);
  });
  const missing = people.filter((p) => !seen.has(p.id)).map((p) => p.name);
  return { fields, missing };
}

export type StaffCareStatus = 'active' | 'closure_proposed' | 'closed';
export type ClosureAction = 'propose' | 'approve' | 'reject';

/**
 * Why this closure step may not be taken (null when it may): proposing needs an active case,
 * approving or rejecting a proposed one, and that never by the person who proposed it.
 */
export function closureProblem(c: { status: StaffCareStatus; proposedBy: string | null }, action: ClosureAction, actorId: string): 'not_active' | 'not_proposed' | 'own_proposal' | null {
  if (action === 'propose') return c.status === 'active' ? null : 'not_active';
  if (c.status !== 'closure_proposed') return 'not_proposed';
  if (c.proposedBy === actorId) return 'own_proposal';
  return null;
}

// --- follow-ups (the staff counterpart of the key students' cadence) ------------------------------

type StaffCareLevel = 'yellow' | 'orange' | 'red';

/**
 * Days between two follow-ups of a kind, by the case's level (null: not required). There is no
 * regional setting yet, so these are the defaults for every region: the student cadence
 * (DEFAULT_CARE_POLICY: a talk a week) is for children seen daily at school; a colleague in
 * difficulty is an adult who is talked with less often but must not drop out of sight, so a yellow
 * case gets a talk a month, an orange one a talk and a phone call every two weeks, and a red one a
 * talk every two weeks, a call every week and a visit (走访慰问) every month. 'support' is
 * something given, not a contact, and is never due.
 */
export const STAFF_CARE_CADENCE: Record<StaffCareLevel, Record<'talk' | 'phone' | 'visit', number | null>> = {
  yellow: { talk: 30, phone: null, visit: null },
  orange: { talk: 14, phone: 14, visit: null },
  red: { talk: 14, phone: 7, visit: 30 },
};

/** The records that count as a follow-up of each kind: a visit is also a talk, and any talk or visit is more than a call. */
export const STAFF_FOLLOW_UP_BY: Record<'talk' | 'phone' | 'visit', readonly StaffCareRecordKind[]> = {
  talk: ['talk', 'visit'],
  phone: ['talk', 'visit', 'phone'],
  visit: ['visit'],
};

export interface StaffFollowUp {
  kind: 'talk' | 'phone' | 'visit';
  due: string;
  overdue: boolean;
}

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * The next due date of each follow-up the level requires, for an open case with a carer: the latest
 * record that counts for it (or the day the carer took the case, whichever is later) plus the
 * cadence; overdue once that day has passed. `last` is the latest record date of each kind.
 */
export function staffFollowUpsDue(last: Partial<Record<StaffCareRecordKind, string>>, since: string, today: string, level: StaffCareLevel): StaffFollowUp[] {
  const out: StaffFollowUp[] = [];
  for (const kind of ['talk', 'phone', 'visit'] as const) {
    const every = STAFF_CARE_CADENCE[level][kind];
    if (every === null) continue;
    const from = STAFF_FOLLOW_UP_BY[kind].map((k) => last[k]).reduce<string>((a, d) => (d && d > a ? d : a), since);
    const due = addDays(from, every);
    out.push({ kind, due, overdue: today > due });
  }
  return out;
}
