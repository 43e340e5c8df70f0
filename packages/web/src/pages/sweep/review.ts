import { useEffect, useState } from 'react';
import { ApiError, errorMessage } from '../../api/client';
import type { SweepAction } from '../../api/types';
import { useSendOnce } from '../../app/useSendOnce';
import { sweepState } from './shared';

/**
 * The review of a whole group at once ("不漏一人"), shared by the head teacher's class (摸底排查) and
 * the staff sweep's groups: per person 无 or the categories found, what it means for the register
 * (add, keep, propose removal) and a reason where the register changes; submit once all are reviewed.
 */
export interface ReviewRow {
  /** ticked 无: reviewed, nothing found */
  none: boolean;
  categories: string[];
  action: SweepAction;
  reason: string;
}

export const reviewed = (r: ReviewRow) => r.none || r.categories.length > 0;
export const needsReason = (r: ReviewRow) => r.action === 'add' || r.action === 'remove';

/** Why the group cannot be submitted yet; the pages say it with their own `…review.blocked.<kind>`. */
export type ReviewBlock = { kind: 'period'; start: string; end: string } | { kind: 'pending'; n: number } | { kind: 'categories' | 'reason'; names: string };

interface GroupReviewOptions<S, R extends ReviewRow> {
  /** The group as loaded (its rows start from what is stored), and as shown now (after a submit, as saved). */
  loaded: readonly S[] | undefined;
  subjects: readonly S[];
  /** The sweep's dates: outside them nothing is submitted. */
  sweep: { start: string; end: string } | undefined;
  idOf: (s: S) => string;
  nameOf: (s: S) => string;
  initialRow: (s: S) => R;
  /** A row nobody has touched. */
  blank: R;
}

/**
 * Each person's row of the review, the problems of a refused submit (by row and above), the bulk 无,
 * the progress and what blocks the submit. `submit` sends once however often it is called while a
 * submit is on its way.
 */
export function useGroupReview<S, R extends ReviewRow>({ loaded, subjects, sweep, idOf, nameOf, initialRow, blank }: GroupReviewOptions<S, R>) {
  const [rows, setRows] = useState<Record<string, R>>({});
  const [rowErrors, setRowErrors] = useState<Record<string, string>>({});
  const { busy, problem, send } = useSendOnce();

  const reset = (ss: readonly S[]) => setRows(Object.fromEntries(ss.map((s) => [idOf(s), initialRow(s)])));
  useEffect(() => {
    if (loaded) setRows(Object.fromEntries(loaded.map((s) => [idOf(s), initialRow(s)])));
  }, [loaded, idOf, initialRow]);

  const rowOf = (id: string): R => rows[id] ?? blank;

  function change(id: string, patch: Partial<R>) {
    setRows((prev) => ({ ...prev, [id]: { ...rowOf(id), ...prev[id], ...patch } }));
    setRowErrors((prev) => (id in prev ? Object.fromEntries(Object.entries(prev).filter(([k]) => k !== id)) : prev));
  }

  /** 无 for these people at once. */
  function markNone(ids: readonly string[]) {
    setRows((prev) => {
      const next = { ...prev };
      for (const id of ids) next[id] = { ...(prev[id] ?? rowOf(id)), none: true, categories: [] };
      return next;
    });
  }

  const pending = subjects.filter((s) => !reviewed(rowOf(idOf(s))));
  const done = subjects.length - pending.length;
  const names = (list: S[]) => list.slice(0, 5).map(nameOf).join('、') + (list.length > 5 ? ' …' : '');
  const addWithout = subjects.filter((s) => rowOf(idOf(s)).action === 'add' && rowOf(idOf(s)).categories.length === 0);
  const missingReason = subjects.filter((s) => needsReason(rowOf(idOf(s))) && !rowOf(idOf(s)).reason.trim());
  const block: ReviewBlock | null = !sweep
    ? null
    : sweepState(sweep) !== 'open'
      ? { kind: 'period', start: sweep.start, end: sweep.end }
      : pending.length
        ? { kind: 'pending', n: pending.length }
        : addWithout.length
          ? { kind: 'categories', names: names(addWithout) }
          : missingReason.length
            ? { kind: 'reason', names: names(missingReason) }
            : null;

  /**
   * Sends the entries (`ids` in the order sent). The server names each problem by entry
   * (entries.3.reason …): those go on the person's row, the rest after the message above.
   */
  function submit(ids: readonly string[], put: () => Promise<void>) {
    void send(
      async () => {
        setRowErrors({});
        await put();
      },
      (e) => {
        const byRow: Record<string, string> = {};
        const rest: string[] = [];
        for (const [name, msg] of Object.entries(e instanceof ApiError && e.fields ? e.fields : {})) {
          const m = /^entries\.(\d+)\./.exec(name);
          const id = m ? ids[Number(m[1])] : undefined;
          if (id) byRow[id] = msg;
          else rest.push(msg);
        }
        setRowErrors(byRow);
        return [errorMessage(e), ...rest].join('：');
      },
    );
  }

  return { rowOf, change, markNone, reset, pending, done, block, rowErrors, problem, busy, submit };
}
