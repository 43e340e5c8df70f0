/** Browser journeys of the supervision area. */
import { assert, BASE, login } from '../lib.js';
import type { Harness } from './harness.js';

interface Progress { districts: { id: number; name: string }[]; schools: { id: number; name: string }[] }

export function registerSupervisionJourneys(h: Harness): void {
  const { test, withPage, apiInPage } = h;

  test('supervision: city.admin sets a target bound to a metric; district.admin opens its progress, sees only the own district, drills down to a school and its records; a school of another district is not reachable', async (browser) => {
    const year = new Date(Date.now() + 8 * 3600000).getUTCFullYear();
    const task = `浏览器测试：合格心理辅导室占比不低于60% ${String(Date.now()).slice(-6)}`;

    // 1. the city bureau adds the target to list 1 with the metric picker, and sees it with its progress bar
    const { targetId, otherSchool } = await withPage(browser, {}, async (page) => {
      await login(page, 'city.admin');
      await page.goto(`${BASE}/supervision/targets?year=${year}&list=1`);
      await page.getByTestId('targets-page').waitFor();
      await page.getByTestId('target-add').click();
      await page.getByTestId('target-task').fill(task);
      // a click on an option while the dropdown is still sliding in can miss it (seen once): pick again until the metric's definition shows
      const definition = page.getByText('口径：').first();
      for (let attempt = 0; attempt < 3; attempt++) {
        if (!(await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').count())) {
          await page.getByTestId('target-metric').click();
          await page.keyboard.type('达标心理辅导室');
        }
        const option = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').filter({ hasText: '达标心理辅导室学校占比' }).first();
        await option.waitFor();
        await option.click();
        if (await definition.waitFor({ timeout: 4000 }).then(() => true, () => false)) break;
      }
      await definition.waitFor();
      await page.locator('[data-testid="target-value"] input, input[data-testid="target-value"]').first().fill('60');
      await page.getByTestId('target-save').click();
      const row = page.getByTestId('targets-table').locator('tr').filter({ hasText: task });
      await row.waitFor();
      await row.locator('.ant-progress').first().waitFor();
      const list = await apiInPage<{ items: { id: string; task: string }[] }>(page, 'GET', `/api/v1/supervision/targets?year=${year}`);
      const id = list.items.find((x) => x.task === task)?.id;
      assert(id, 'the new target is listed');
      // a school of another district, as the city sees it
      const p = await apiInPage<Progress>(page, 'GET', `/api/v1/supervision/targets/${id}/progress`);
      const other = p.districts.find((d) => d.name !== '江城区');
      assert(other, 'the city has another district');
      const q = await apiInPage<Progress>(page, 'GET', `/api/v1/supervision/targets/${id}/progress?districtId=${other.id}`);
      assert(q.schools[0], 'the other district has a school');
      return { targetId: id, otherSchool: q.schools[0].id };
    });

    // 2. the district bureau opens the progress: its own district only, then a school, then the records behind the figure
    await withPage(browser, {}, async (page) => {
      await login(page, 'district.admin');
      await page.goto(`${BASE}/supervision/targets?year=${year}&list=1`);
      await page.getByTestId(`target-progress-${targetId}`).click();
      await page.getByTestId('target-progress-page').waitFor();
      await page.getByTestId('progress-chart').waitFor();
      const districts = page.getByTestId('progress-districts').locator('tbody tr.ant-table-row');
      await districts.first().waitFor();
      assert((await districts.count()) === 1, 'the district bureau sees one district');
      assert((await districts.first().innerText()).includes('江城区'), 'its own');
      const school = page.getByTestId('progress-schools').locator('tbody tr.ant-table-row').filter({ hasText: '江城区实验中学' });
      await school.click();
      await page.getByTestId('school-records-page').waitFor();
      await page.getByTestId('school-records').locator('tbody tr.ant-table-row').first().waitFor();
      const text = await page.getByTestId('school-records').innerText();
      assert(text.includes('心理辅导室') && (text.includes('达标') || text.includes('示范')), `the school's rooms and their rating are listed (${text.slice(0, 80)})`);
      // another district's school: not reachable, by the page or the API
      await page.goto(`${BASE}/supervision/targets/${targetId}/schools/${otherSchool}`);
      await page.getByTestId('error-box').waitFor();
      const res = await page.evaluate(async (url) => (await fetch(url)).status, `/api/v1/supervision/targets/${targetId}/schools/${otherSchool}/records`);
      assert(res === 404, `another district's school answers 404 (${res})`);
    });
  });
}
