/** Browser journeys of the education area. */
import { addDaysIso, isoWeekday } from '@xinyu/core';
import { assert, BASE, login } from '../lib.js';
import type { Harness } from './harness.js';

interface Classes {
  schoolId: number;
  term: { start: string; end: string; asOf: string };
  classes: { classId: number; className: string; lessons: number; compliant: boolean }[];
}


export function registerEducationJourneys(h: Harness): void {
  const { test, withPage, apiInPage } = h;

  test('education: the school leader bulk-enters a timetable for 七年级3班 (preview, then save), imports a lessons file whose bad row is named by row and column, fixes it and imports; the class turns compliant', async (browser) => {
    await withPage(browser, {}, async (page) => {
      await login(page, 'school.leader');
      const tree = await apiInPage<{ items: { id: number; code: string | null }[] }>(page, 'GET', '/api/v1/org/tree');
      const schoolId = tree.items.find((u) => u.code === 'S0201')!.id;
      const before = await apiInPage<Classes>(page, 'GET', `/api/v1/education/classes?schoolId=${schoolId}`);
      const target = before.classes.find((c) => c.className === '七年级3班');
      assert(target && target.lessons === 0 && !target.compliant, `七年级3班 starts without lessons (${JSON.stringify(target)})`);
      const { start, asOf } = before.term;
      // the timetable stops three weeks ago; the file brings the last three weeks
      const cut = addDaysIso(asOf, -21);
      assert(cut > addDaysIso(start, 14), `the term has run long enough for this journey (${start} – ${asOf})`);

      // 1. bulk entry: Mondays and Thursdays from the term's start to the cut, previewed first
      await page.goto(`${BASE}/education/lessons/bulk?schoolId=${schoolId}`);
      await page.getByTestId('bulk-classes').click();
      await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').filter({ hasText: '七年级3班' }).first().click();
      await page.keyboard.press('Escape');
      await page.getByTestId('bulk-weekdays').getByText('周一').click();
      await page.getByTestId('bulk-weekdays').getByText('周四').click();
      const endInput = page.locator('[data-testid="bulk-range"] input, .ant-picker-range input').nth(1);
      await endInput.click();
      await page.keyboard.press('Control+A');
      await page.keyboard.type(cut);
      await page.keyboard.press('Enter');
      await page.getByTestId('bulk-topics').fill('认识自我，悦纳自我');
      await page.getByTestId('bulk-preview').click();
      const preview = await page.getByTestId('bulk-result').innerText();
      assert(/将为 1 个班/.test(preview), `the preview counts one class (${preview})`);
      await page.getByTestId('bulk-save').click();
      await page.locator('.ant-message').getByText(/已生成 \d+ 节/).waitFor();
      const afterBulk = await apiInPage<Classes>(page, 'GET', `/api/v1/education/classes?schoolId=${schoolId}`);
      const bulked = afterBulk.classes.find((c) => c.classId === target.classId)!;
      assert(bulked.lessons > 0 && !bulked.compliant, `after the timetable 七年级3班 has lessons but a three-week gap (${JSON.stringify(bulked)})`);

      // 2. import: a weekly lesson (Wednesdays) after the cut, first with a bad date in the third data row
      const wednesdays: string[] = [];
      for (let d = addDaysIso(cut, 1); d <= asOf; d = addDaysIso(d, 1)) if (isoWeekday(d) === 3) wednesdays.push(d);
      const rows = wednesdays.map((d, i) => `七年级3班,${d},情绪小管家 ${i + 1},,40`);
      const csv = (lines: string[]) => Buffer.from(`\ufeff班级,日期,课题,授课教师,时长\n${lines.join('\n')}\n`, 'utf-8');
      await page.goto(`${BASE}/education/lessons/import?schoolId=${schoolId}`);
      const input = page.locator('[data-testid="lesson-upload"] input[type="file"]');
      const bad = [...rows.slice(0, 2), '七年级3班,2026-13-40,坏的一行,,40', ...rows.slice(2)];
      await input.setInputFiles({ name: 'lessons.csv', mimeType: 'text/csv', buffer: csv(bad) });
      const errors = page.getByTestId('lesson-import-errors');
      await errors.waitFor();
      const text = await errors.innerText();
      assert(text.includes('4') && text.includes('日期') && text.includes('不是有效日期'), `the bad row is named by row 4 and column 日期 (${text})`);
      const still = await apiInPage<Classes>(page, 'GET', `/api/v1/education/classes?schoolId=${schoolId}`);
      assert(still.classes.find((c) => c.classId === target.classId)!.lessons === bulked.lessons, 'nothing was imported from the bad file');

      await input.setInputFiles({ name: 'lessons-fixed.csv', mimeType: 'text/csv', buffer: csv(rows) });
      await page.getByTestId('lesson-import-result').filter({ hasText: '导入完成' }).waitFor();

      // 3. the class's compliance has changed
      await page.goto(`${BASE}/education/lessons?schoolId=${schoolId}`);
      const tag = page.getByTestId('class-status-七年级3班');
      await tag.waitFor();
      const shown = await tag.innerText();
      assert(shown.trim() === '达标', `七年级3班 is now compliant (${shown})`);
    });
  });
}
