// For screening tests: a school's GAD-7 campaign for grades 7–9, published and released to class A,
// with paper consents recorded for the given students.
import { expect } from 'vitest';
import type { Session, TestEnv } from '../../test/fixture.js';

export async function openGad7Campaign(env: TestEnv, counselor: Session, consenting: { studentId: string; note?: string }[]): Promise<string> {
  const created = await counselor.post('/api/v1/screening/campaigns', {
    title: '七年级焦虑筛查',
    purpose: '了解学生的焦虑情况。',
    plan: [{ gradeLevels: [7, 8, 9], instruments: [{ key: 'gad-7', version: '1.0.0' }] }],
    window: { start: '2026-11-24', end: '2026-12-04' },
    ownerUnitId: env.ids.schoolA,
    targetUnitIds: [env.ids.classA],
  });
  expect(created.statusCode, created.body).toBe(200);
  const campaignId = created.json().id as string;
  await counselor.post(`/api/v1/screening/campaigns/${campaignId}/publish`);
  await counselor.post(`/api/v1/screening/campaigns/${campaignId}/releases`, { classIds: [env.ids.classA] });
  for (const c of consenting) {
    const consent = await counselor.post(`/api/v1/screening/campaigns/${campaignId}/consents`, { studentId: c.studentId, decision: 'granted', guardianName: '家长', formDate: '2026-11-24', ...(c.note ? { note: c.note } : {}) });
    expect(consent.statusCode, consent.body).toBe(200);
  }
  return campaignId;
}
