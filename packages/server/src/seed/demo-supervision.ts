/**
 * Demo supervision data: the year's target lists, funding records and rating criteria.
 * Called inside seedDemo's transaction after the accounts and the counseling demo exist. `full` is
 * the full demo city (npm start); tests seed a trimmed city and should stay fast (a few inserts).
 */
import type { Db } from '../db/client.js';

export async function seedDemoSupervision(tx: Db, opts: { now: Date; full: boolean }): Promise<Record<string, number>> {
  void tx;
  void opts;
  return {};
}
