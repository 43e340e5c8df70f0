/**
 * Demo homeschool data: parent-school courses, enrolments and parent sessions.
 * Called inside seedDemo's transaction after the accounts and the counseling demo exist. `full` is
 * the full demo city (npm start); tests seed a trimmed city and should stay fast (a few inserts).
 */
import type { Db } from '../db/client.js';

export async function seedDemoHomeschool(tx: Db, opts: { now: Date; full: boolean }): Promise<Record<string, number>> {
  void tx;
  void opts;
  return {};
}
