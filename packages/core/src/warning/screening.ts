/**
 * From a scored screening response to a warning record: which level, and whether it must be
 * told to the school at once. Pure; the server stores what these decide.
 */
import type { ScoreResult } from '../instruments/score.js';
import type { WarningLevel } from '../instruments/definition.js';

export type AlertLevel = Exclude<WarningLevel, 'none'>;

export interface ScreeningAlertDecision {
  level: AlertLevel;
  /** a critical item was answered (e.g. PHQ-9 item 9 > 0): counselor and leader are notified at once */
  critical: boolean;
  evidence: {
    instrument: string;
    scales: { id: string; raw: number | null; band: string | null; level: WarningLevel | null }[];
    criticalItems: { itemId: string; level: WarningLevel; value: string }[];
    valid: boolean;
  };
}

/**
 * A response raises a warning when a band or a critical item reaches yellow or above. An invalid
 * response (lie scale, too fast, straight-lining) still raises one for its critical items, because
 * a student who says they think of self-harm is never ignored; its band levels go to the re-test
 * list instead of raising a warning.
 */
export function screeningAlert(result: ScoreResult): ScreeningAlertDecision | null {
  const criticalLevel = result.critical.reduce<WarningLevel>((m, c) => (rank(c.level) > rank(m) ? c.level : m), 'none');
  const bandLevel = result.scales.reduce<WarningLevel>((m, s) => (s.band && rank(s.band.level) > rank(m) ? s.band.level : m), 'none');
  const level = result.validity.valid ? (rank(bandLevel) > rank(criticalLevel) ? bandLevel : criticalLevel) : criticalLevel;
  if (level === 'none') return null;
  return {
    level,
    critical: criticalLevel !== 'none',
    evidence: {
      instrument: `${result.instrument.id}@${result.instrument.version}`,
      scales: result.scales.map((s) => ({ id: s.id, raw: s.raw, band: s.band?.code ?? null, level: s.band?.level ?? null })),
      criticalItems: result.critical.map((c) => ({ itemId: c.itemId, level: c.level, value: c.value })),
      valid: result.validity.valid,
    },
  };
}

const RANKS: Record<WarningLevel, number> = { none: 0, yellow: 1, orange: 2, red: 3 };
export function rank(level: WarningLevel): number {
  return RANKS[level];
}

/** Outside a school, a count of fewer than this many students is not shown (it could name someone). */
export const SMALL_CELL = 5;

/** A count as shown: null (suppressed) when 1–4 and the reader is outside the school. Zero is shown. */
export function suppress(count: number, insideSchool: boolean): number | null {
  return !insideSchool && count > 0 && count < SMALL_CELL ? null : count;
}

/**
 * Suppresses a row of counts that add up to a shown total. When exactly one cell is hidden, the
 * smallest other non-zero cell is hidden too, or the hidden one could be found by subtraction.
 */
export function suppressRow<K extends string>(counts: Record<K, number>, insideSchool: boolean): Record<K, number | null> {
  const keys = Object.keys(counts) as K[];
  const out = {} as Record<K, number | null>;
  for (const k of keys) out[k] = suppress(counts[k], insideSchool);
  const hidden = keys.filter((k) => out[k] === null);
  if (hidden.length === 1) {
    const next = keys.filter((k) => out[k] !== null && counts[k] > 0).sort((a, b) => counts[a] - counts[b])[0];
    if (next !== undefined) out[next] = null;
  }
  return out;
}

export type RecheckDecision = 'confirm' | 'lower' | 'raise' | 'clear';

/**
 * Whether a re-check's decision agrees with the level it ends at: confirm keeps the level, lower
 * ends lower but still flagged, raise ends higher, clear ends at none.
 */
export function recheckDecisionFits(decision: RecheckDecision, initial: AlertLevel, final: WarningLevel): boolean {
  switch (decision) {
    case 'confirm':
      return final === initial;
    case 'lower':
      return rank(final) < rank(initial) && final !== 'none';
    case 'raise':
      return rank(final) > rank(initial);
    case 'clear':
      return final === 'none';
  }
}
