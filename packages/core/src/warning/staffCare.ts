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
