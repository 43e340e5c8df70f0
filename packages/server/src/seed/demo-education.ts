/**
 * Demo education data: lessons, activities and clubs of the demo schools.
 * Called inside seedDemo's transaction after the accounts and the counseling demo exist. `full` is
 * the full demo city (npm start); tests seed a trimmed city and should stay fast (a few inserts).
 */
import type { Db } from '../db/client.js';

export async function seedDemoEducation(tx: Db, opts: { now: Date; full: boolean }): Promise<Record<string, number>> {
  void tx;
  void opts;
  return {};
}
