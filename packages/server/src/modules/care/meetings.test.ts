import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestEnv, type Session, type TestEnv } from '../../test/fixture.js';

let env: TestEnv;
let leader: Session;
let counselor: Session;
let head: Session;

beforeAll(async () => {
  env = await setupTestEnv();
  [leader, counselor, head] = await Promise.all([env.login('school.leader'), env.login('counselor'), env.login('head.teacher')]);
}, 120_000);
afterAll(async () => env?.close());

describe('the weekly meeting page: owners to choose from and one\'s own tasks', () => {
  it('the owners are the school\'s staff with an account, with their posts; other schools and other roles are refused', async () => {
    const res = await leader.get(`/api/v1/care/meetings/owners?schoolId=${env.ids.schoolA}`);
    expect(res.statusCode, res.body).toBe(200);
    const owners = res.json().items as { accountId: string; name: string; posts: string[] }[];
    expect(owners.map((o) => o.accountId).sort()).toEqual([leader.accountId, counselor.accountId, head.accountId, (await env.login('care.teacher')).accountId].sort());
    expect(owners.find((o) => o.accountId === head.accountId)!.posts).toContain('head_teacher');
    // every owner offered is accepted by the minutes
    const ok = await leader.post('/api/v1/care/meetings', {
      schoolId: env.ids.schoolA, heldOn: '2026-11-25', attendees: '校长、心理教师', minutes: '本周预警情况通报。',
      decisions: owners.map((o) => ({ title: `请${o.name}跟进`, ownerAccountId: o.accountId, dueDate: '2026-12-04' })), clientId: randomUUID(),
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await head.get(`/api/v1/care/meetings/owners?schoolId=${env.ids.schoolA}`)).statusCode).toBe(403);
    await env.addAccount('schoolb.leader9', [{ role: 'school_leader', orgUnitId: env.ids.schoolB }]);
    const outsider = await env.login('schoolb.leader9');
    expect((await outsider.get(`/api/v1/care/meetings/owners?schoolId=${env.ids.schoolA}`)).statusCode).toBe(404);
    expect((await outsider.get(`/api/v1/care/meetings/owners?schoolId=${env.ids.schoolB}`)).json().items).toEqual([]);
    expect((await leader.get(`/api/v1/care/meetings/owners?schoolId=${env.ids.classA}`)).statusCode).toBe(404);
    expect((await leader.get('/api/v1/care/meetings/owners?schoolId=abc')).statusCode).toBe(400);
  });

  it('an owner sees their own tasks (overdue once the date has passed), marks one done, and sees nobody else\'s', async () => {
    const meeting = (await leader.post('/api/v1/care/meetings', {
      schoolId: env.ids.schoolA, heldOn: '2026-11-25', attendees: '校长、心理教师、班主任', minutes: '逾期跟进的学生本周内补上谈心。',
      decisions: [{ title: '与七年级1班逾期学生谈心', ownerAccountId: counselor.accountId, dueDate: '2026-11-27' }, { title: '召开班会', ownerAccountId: head.accountId, dueDate: '2026-11-28' }],
      clientId: randomUUID(),
    })).json();
    const mine = (await counselor.get('/api/v1/my/meeting-tasks')).json().items as { id: string; title: string; overdue: boolean; doneAt: string | null; heldOn: string; schoolName: string }[];
    const task = mine.find((t) => t.title === '与七年级1班逾期学生谈心')!;
    expect(task).toMatchObject({ overdue: false, doneAt: null, heldOn: '2026-11-25', schoolName: expect.any(String) });
    expect(mine.some((t) => t.title === '召开班会')).toBe(false);
    // the head teacher, who may not see the agenda, sees their task here
    expect((await head.get('/api/v1/my/meeting-tasks')).json().items.map((t: { title: string }) => t.title)).toContain('召开班会');
    env.clock.advance(3 * 86_400_000);
    counselor = await env.login('counselor');
    expect(((await counselor.get('/api/v1/my/meeting-tasks')).json().items as typeof mine).find((t) => t.id === task.id)!.overdue).toBe(true);
    expect((await counselor.post(`/api/v1/care/meetings/tasks/${task.id}/done`, { note: '已谈' })).statusCode).toBe(200);
    const after = ((await counselor.get('/api/v1/my/meeting-tasks')).json().items as typeof mine).find((t) => t.id === task.id)!;
    expect(after).toMatchObject({ overdue: false, doneAt: expect.any(String) });
    expect(meeting.tasks).toHaveLength(2);
    for (const username of ['committee', 'student']) expect((await (await env.login(username)).get('/api/v1/my/meeting-tasks')).statusCode).toBe(403);
    // someone else's task answers as an absent id does, to a teacher of the school, a parent, a leader of another school (not 403: that would tell it exists)
    const headsTask = meeting.tasks.find((t: { title: string }) => t.title === '召开班会').id as string;
    await env.addAccount('schoolb.leader8', [{ role: 'school_leader', orgUnitId: env.ids.schoolB }]);
    for (const username of ['care.teacher', 'parent', 'schoolb.leader8']) {
      const who = await env.login(username);
      const res = await who.post(`/api/v1/care/meetings/tasks/${headsTask}/done`, { note: '不是我的' });
      const absent = await who.post(`/api/v1/care/meetings/tasks/${randomUUID()}/done`, { note: '不是我的' });
      expect([res.statusCode, res.body], username).toEqual([absent.statusCode, absent.body]);
      expect(res.statusCode).toBe(404);
    }
    leader = await env.login('school.leader');
    expect((await leader.post(`/api/v1/care/meetings/tasks/${headsTask}/done`, { note: '校长代为完成' })).statusCode).toBe(200);
    expect((await (await env.login('parent')).get('/api/v1/my/meeting-tasks')).json().items).toEqual([]);
  });
});
