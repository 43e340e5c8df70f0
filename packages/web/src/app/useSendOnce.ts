import { useCallback, useRef, useState } from 'react';
import { errorMessage } from '../api/client';

/**
 * Sends a write once: while one is on its way a second call does nothing (a double click, a second
 * tap), the caller is `busy`, and a failure leaves `problem` (the error's message unless `problemOf`
 * says otherwise, e.g. after putting the server's messages on the form's fields; null shows nothing).
 */
export function useSendOnce() {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const sending = useRef(false);
  const send = useCallback(async (fn: () => Promise<void>, problemOf: (e: unknown) => string | null | undefined = errorMessage) => {
    if (sending.current) return;
    sending.current = true;
    setBusy(true);
    setProblem(null);
    try {
      await fn();
    } catch (e) {
      setProblem(problemOf(e) ?? null);
    } finally {
      sending.current = false;
      setBusy(false);
    }
  }, []);
  return { busy, problem, setProblem, send };
}
