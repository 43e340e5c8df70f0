import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';

/** Filter and page state kept in the URL, so back/forward and reload keep the list as it was. */
export function useQueryState<K extends string>(keys: readonly K[]): [Record<K, string | undefined>, (patch: Partial<Record<K, string | number | undefined | null>>) => void] {
  const [params, setParams] = useSearchParams();
  const values = useMemo(() => {
    const out = {} as Record<K, string | undefined>;
    for (const k of keys) out[k] = params.get(k) ?? undefined;
    return out;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [params, keys.join(',')]);
  const update = useCallback(
    (patch: Partial<Record<K, string | number | undefined | null>>) => {
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          for (const [k, v] of Object.entries(patch) as [K, string | number | undefined | null][]) {
            if (v === undefined || v === null || v === '') next.delete(k);
            else next.set(k, String(v));
          }
          return next;
        },
        { replace: true },
      );
    },
    [setParams],
  );
  return [values, update];
}
