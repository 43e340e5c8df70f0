/** Browser journeys of the homeschool area. */
import { assert, BASE, login } from '../lib.js';
import type { Harness } from './harness.js';

interface Credits { earned: number; courses: number }

export function registerHomeschoolJourneys(h: Harness): void {
  const { test, withPage, apiInPage } = h;

  test('home–school: the counselor publishes a school micro-course and holds a parent session; the parent on a 375 px phone learns it (double click credits once), sees the credits and checks in with the code; the head teacher sees the check-in on the class sheet', async (browser) => {
    const stamp = String(Date.now()).slice(-6);
    const title = `浏览器测试微课：和孩子一起制定作息表 ${stamp}`;
    const topic = `浏览器测试家长课堂 ${stamp}`;

    // 1. the counselor publishes a course for the school and holds a school-wide session; the drawer shows its code
    const code = await withPage(browser, {}, async (page) => {
      await login(page, 'counselor');
      await page.goto(`${BASE}/homeschool/courses`);
      await page.getByTestId('hs-course-new').click();
      await page.getByTestId('hs-course-title').fill(title);
      await page.getByTestId('hs-course-body').fill('规律作息有助于孩子稳定情绪。\n\n和孩子一起商量一张作息表，贴在家里显眼的地方。');
      await page.locator('input[data-testid="hs-course-credits"], [data-testid="hs-course-credits"] input').first().fill('2');
      await page.getByTestId('hs-course-published').click();
      await page.getByTestId('hs-course-save').click();
      await page.getByTestId('hs-course-row').filter({ hasText: title }).waitFor();

      await page.goto(`${BASE}/homeschool/sessions`);
      await page.getByTestId('hs-session-new').click();
      await page.getByTestId('hs-session-topic').fill(topic);
      await page.getByTestId('hs-session-save').click();
      const c = (await page.getByTestId('hs-session-code').innerText()).trim();
      assert(/^[A-Z2-9]{6}$/.test(c), `the session has a check-in code (${c})`);
      return c;
    });

    // 2. the parent on a phone: opens the course, double-clicks 我已学完 (credited once), checks in with the code
    const child = await withPage(browser, { width: 375, height: 740 }, async (page) => {
      await login(page, 'parent');
      const before = (await apiInPage<{ credits: Credits }>(page, 'GET', '/api/v1/homeschool/my')).credits;
      await page.getByTestId('home-parentschool').click();
      await page.getByTestId('hs-course').filter({ hasText: title }).click();
      await page.getByTestId('hs-course-page').waitFor();
      await page.getByTestId('hs-mark-learned').dblclick();
      await page.getByTestId('hs-learned').waitFor();
      await page.getByTestId('hs-credits-value').waitFor();
      let [sw, iw] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
      assert(sw <= iw, `the course page fits 375 px (scrollWidth ${sw})`);
      const after = (await apiInPage<{ credits: Credits }>(page, 'GET', '/api/v1/homeschool/my')).credits;
      assert(after.earned === before.earned + 2 && after.courses === before.courses + 1, `a double click credits once (${before.earned} → ${after.earned})`);
      const shown = await page.getByTestId('hs-credits-value').innerText();
      assert(shown.includes(String(after.earned)), `the credits are shown (${shown})`);

      await page.getByTestId('hs-back').click();
      await page.getByTestId('hs-course').first().waitFor();
      await page.getByTestId('hs-checkin-code').fill(code.toLowerCase());
      await page.waitForFunction(() => !(document.querySelector('[data-testid="hs-checkin-submit"]') as HTMLButtonElement | null)?.disabled);
      await page.getByTestId('hs-checkin-submit').click();
      await page.getByTestId('hs-checkin-done').waitFor();
      const card = page.getByTestId('hs-session').filter({ hasText: topic });
      await card.filter({ hasText: '已参加' }).waitFor();
      [sw, iw] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
      assert(sw <= iw, `the parent-school page fits 375 px (scrollWidth ${sw})`);
      const text = await page.getByTestId('hs-my').innerText();
      assert(!/预警|红色|橙色|抑郁|焦虑|风险/.test(text), 'no diagnostic label on the parent’s page');
      const name = (await card.innerText()).match(/孩子：(\S+)/)?.[1];
      assert(name, 'the card names the child');
      return name;
    });

    // 3. the head teacher opens the session: their class's sheet shows the family present by check-in
    await withPage(browser, {}, async (page) => {
      await login(page, 'head.teacher');
      await page.goto(`${BASE}/homeschool/sessions`);
      await page.getByTestId('hs-session-row').filter({ hasText: topic }).click();
      const tick = page.locator(`[data-testid="hs-sheet-tick"][data-student="${child}"]`);
      await tick.waitFor();
      assert(await tick.evaluate((el) => (el.matches('input') ? (el as HTMLInputElement) : el.querySelector('input'))?.checked === true), `${child}'s family is ticked on the sheet`);
      const count = await page.getByTestId('hs-sheet-count').innerText();
      assert(/^1 \/ \d+$/.test(count.trim()), `one family present so far (${count})`);
    });
  });
}
