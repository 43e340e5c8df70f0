import { useCallback, useRef, useState } from 'react';
import { errorMessage } from '../api/client';

type ProblemOf = (e: unknown) => string | null | undefined;

/**
 * Sends a write once, for one of several things on a page (a candidate, an offer): while one is on
 * its way another call does nothing (a double click, a second tap), `busyKey` says which thing it
 * is for, and a failure leaves `problem` (the error's message unless `problemOf` says otherwise,
 * e.g. after putting the server's messages on the form's fields; null shows nothing).
 */
export function useSendOnceFor() {
  const [busyKey, setBusyKey] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const sending = useRef(false);
  const send = useCallback(async (key: string, fn: () => Promise<void>, problemOf: ProblemOf = errorMessage) => {
    if (sending.current) return;
    sending.current = true;
    setBusyKey(key);
    setProblem(null);
    try {
      await fn();
    } catch (e) {
      setProblem(problemOf(e) ?? null);
    } finally {
      sending.current = false;
      setBusyKey(null);
    }
  }, []);
  return { busyKey, problem, setProblem, send };
}

/** The same for a form or a dialog with one thing to send: `busy` while it is on its way. */
export function useSendOnce() {
  const { busyKey, problem, setProblem, send: sendFor } = useSendOnceFor();
  const send = useCallback((fn: () => Promise<void>, problemOf?: ProblemOf) => sendFor('', fn, problemOf), [sendFor]);
  return { busy: busyKey !== null, problem, setProblem, send };
}
