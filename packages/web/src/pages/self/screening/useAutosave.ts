/**
 * Autosave of an answer sheet's draft: PUT …/draft a moment after each answer (debounced), one
 * request at a time (the latest answers win), at once when the page is hidden or unloaded (with
 * `keepalive`, so the browser still sends it), and again a little later after a network error.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError, apiUrl } from '../../../api/client';
import type { Answers } from './skipLogic';

export type SaveStatus = 'idle' | 'saving' | 'saved' | 'error';

const DEBOUNCE_MS = 800;
const RETRY_MS = 5000;

interface Options {
  /** API path of the sheet, e.g. /my/screenings/<campaign>/<key> */
  path: string;
  startedAt: string;
  csrfToken: string;
  /** A refusal that ends answering (409: submitted elsewhere, consent withdrawn, window closed). */
  onRefused: (err: ApiError) => void;
}

export function useAutosave({ path, startedAt, csrfToken, onRefused }: Options) {
  const [status, setStatus] = useState<SaveStatus>('idle');
  const pending = useRef<Answers | null>(null);
  const inFlight = useRef(false);
  const stopped = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const opts = useRef({ path, startedAt, csrfToken, onRefused });
  opts.current = { path, startedAt, csrfToken, onRefused };

  const clearTimer = () => {
    if (timer.current !== undefined) clearTimeout(timer.current);
    timer.current = undefined;
  };

  const save = useCallback(async (): Promise<void> => {
    if (stopped.current || inFlight.current || !pending.current) return;
    const answers = pending.current;
    pending.current = null;
    inFlight.current = true;
    setStatus('saving');
    try {
      await api.put(`${opts.current.path}/draft`, { answers, startedAt: opts.current.startedAt });
      if (!stopped.current) setStatus(pending.current ? 'saving' : 'saved');
    } catch (e) {
      if (stopped.current) return;
      if (e instanceof ApiError && e.status === 409) {
        stopped.current = true;
        opts.current.onRefused(e);
        return;
      }
      // keep the answers for the next attempt unless newer ones came meanwhile
      pending.current ??= answers;
      setStatus('error');
      clearTimer();
      // a network or server failure may pass; a refusal of these answers (4xx) waits for the next change
      if (!(e instanceof ApiError) || e.status === 0 || e.status >= 500) timer.current = setTimeout(() => void save(), RETRY_MS);
      return;
    } finally {
      inFlight.current = false;
    }
    if (pending.current) void save();
  }, []);

  /** Saves these answers a moment from now (a newer call replaces them). */
  const schedule = useCallback(
    (answers: Answers) => {
      if (stopped.current) return;
      pending.current = answers;
      clearTimer();
      timer.current = setTimeout(() => void save(), DEBOUNCE_MS);
    },
    [save],
  );

  /** Sends what is pending now, with keepalive (the page is going away). */
  const flushOnLeave = useCallback(() => {
    if (stopped.current || !pending.current) return;
    clearTimer();
    const answers = pending.current;
    pending.current = null;
    const { path: p, startedAt: s, csrfToken: token } = opts.current;
    fetch(apiUrl(`${p}/draft`), {
      method: 'PUT',
      keepalive: true,
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': token },
      body: JSON.stringify({ answers, startedAt: s }),
    })
      .then((res) => {
        if (!stopped.current) {
          if (res.ok) setStatus('saved');
          else {
            pending.current ??= answers;
            setStatus('error');
          }
        }
      })
      .catch(() => {
        if (!stopped.current) {
          pending.current ??= answers;
          setStatus('error');
        }
      });
  }, []);

  /** Stops saving (before a submit, or once the sheet is done); returns what was still pending. */
  const stop = useCallback(() => {
    stopped.current = true;
    clearTimer();
    const left = pending.current;
    pending.current = null;
    return left;
  }, []);

  /** Starts saving again (a submit that failed). */
  const resume = useCallback(() => {
    stopped.current = false;
  }, []);

  useEffect(() => {
    const onHide = () => {
      if (document.visibilityState === 'hidden') flushOnLeave();
    };
    document.addEventListener('visibilitychange', onHide);
    window.addEventListener('pagehide', flushOnLeave);
    return () => {
      document.removeEventListener('visibilitychange', onHide);
      window.removeEventListener('pagehide', flushOnLeave);
      // leaving the page inside the app (back to the list): send what is pending
      flushOnLeave();
      clearTimer();
    };
  }, [flushOnLeave]);

  return { status, schedule, stop, resume };
}
