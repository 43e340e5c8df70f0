import { randomBytes } from 'node:crypto';
import { decodeBase32IgnorePadding, encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';
import { createTOTPKeyURI, generateHOTP } from '@oslojs/otp';

const PERIOD = 30;
const DIGITS = 6;

export function newTotpSecret(): string {
  return encodeBase32UpperCaseNoPadding(randomBytes(20));
}

export function totpUri(secret: string, accountName: string): string {
  return createTOTPKeyURI('Xinyu 心育', accountName, decodeBase32IgnorePadding(secret), PERIOD, DIGITS);
}

export function totpStep(now: Date): number {
  return Math.floor(now.getTime() / 1000 / PERIOD);
}

export function totpCode(secret: string, step: number): string {
  return generateHOTP(decodeBase32IgnorePadding(secret), BigInt(step), DIGITS);
}

/**
 * Checks a code against the current step and one step either side (clock drift). Returns the step
 * it matched, or null. A step at or before `lastStep` is refused, so a code cannot be used twice.
 */
export function matchTotp(secret: string, code: string, now: Date, lastStep: number | null): number | null {
  const current = totpStep(now);
  for (const step of [current - 1, current, current + 1]) {
    if (lastStep !== null && step <= lastStep) continue;
    if (totpCode(secret, step) === code) return step;
  }
  return null;
}
