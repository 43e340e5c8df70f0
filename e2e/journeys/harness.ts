/** What suite.ts hands to the journeys kept in their own files (one file per area). */
import type { Browser, Page } from 'playwright-core';

export interface Harness {
  /** register a journey (runs in file order, after suite.ts's own) */
  test: (name: string, run: (browser: Browser) => Promise<void>) => void;
  /** a fresh browser context and page (viewport default 1366×860); a failure prints the page's last events and a screenshot path */
  withPage: <T>(browser: Browser, opts: { width?: number; height?: number }, fn: (page: Page) => Promise<T>) => Promise<T>;
  /** a request from inside the signed-in page (cookie and CSRF header set) */
  apiInPage: <T>(page: Page, method: string, url: string, body?: unknown) => Promise<T>;
  /** open the Ant Design select with this test id and pick the option containing text (or the first) */
  pickOption: (page: Page, testId: string, text?: string) => Promise<void>;
}
