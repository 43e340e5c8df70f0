import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { generateTOTP } from '@oslojs/otp';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';

export const BASE = process.env.E2E_BASE ?? 'http://127.0.0.1:3000';
export const PASSWORD = 'Xinyu@demo1';
const secrets = JSON.parse(process.env.E2E_TOTP_SECRETS ?? '{}') as Record<string, string>;

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/lib/chromium/chromium', '/usr/bin/chromium', '/usr/bin/chromium-browser'];

export async function launch(): Promise<Browser> {
  const executablePath = CANDIDATES.find((p): p is string => !!p && fs.existsSync(p));
  if (!executablePath) throw new Error('chromium not found (install Debian chromium or set CHROMIUM_PATH)');
  return chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-background-networking', '--headless', '--disable-dev-shm-usage'] });
}

export function totpFor(secret: string): string {
  return generateTOTP(decodeBase32IgnorePadding(secret), 30, 6);
}

const lastStep = new Map<string, number>();

/** A fresh code for a demo account; the server refuses a code twice, so wait for the next step. */
export async function totp(user: string): Promise<string> {
  const secret = secrets[user];
  if (!secret) throw new Error(`no TOTP secret printed for ${user}`);
  let step = Math.floor(Date.now() / 30000);
  if (lastStep.get(user) === step) {
    await new Promise((r) => setTimeout(r, (step + 1) * 30000 - Date.now() + 500));
    step = Math.floor(Date.now() / 30000);
  }
  lastStep.set(user, step);
  return totpFor(secret);
}

/** Signs in through the login form (and the TOTP step when the account needs it). */
export async function login(page: Page, user: string, password = PASSWORD): Promise<void> {
  await page.goto(`${BASE}/login`);
  await page.getByTestId('login-username').fill(user);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  const totpBox = page.getByTestId('login-totp');
  const done = page.locator('[data-testid="home-page"], [data-testid="mobile-home"], [data-testid="forced-password"], [data-testid="forced-totp"]');
  await Promise.race([totpBox.waitFor({ timeout: 15000 }), done.first().waitFor({ timeout: 15000 })]);
  if (await totpBox.isVisible()) {
    await totpBox.locator('input').first().click();
    await page.keyboard.type(await totp(user));
    await done.first().waitFor({ timeout: 15000 });
  }
}

export function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}
