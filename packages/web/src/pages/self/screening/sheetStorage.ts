/**
 * What one browser keeps about an answer sheet between reloads: the submit's client id (so a
 * reload, a retry or a double click sends the same one) and when the student first opened it.
 * Keyed by account as well as campaign and instrument: computer-room PCs are shared by a class.
 * Answers are never kept here (the server keeps the draft).
 */
import { uuid } from '../../../app/uuid';

const PREFIX = 'xinyu.screening';

function storageKey(accountId: string, campaignId: string, key: string, what: 'clientId' | 'openedAt'): string {
  return `${PREFIX}.${what}.${accountId}.${campaignId}.${key}`;
}

function read(k: string): string | null {
  try {
    return localStorage.getItem(k);
  } catch {
    return null;
  }
}

function write(k: string, v: string): void {
  try {
    localStorage.setItem(k, v);
  } catch {
    // storage unavailable (private mode): the id still lives for this page
  }
}

function remove(k: string): void {
  try {
    localStorage.removeItem(k);
  } catch {
    // storage unavailable
  }
}

const memory = new Map<string, string>();

function keep(k: string, make: () => string): string {
  const found = read(k) ?? memory.get(k);
  if (found) return found;
  const v = make();
  memory.set(k, v);
  write(k, v);
  return v;
}

export interface SheetStore {
  /** The submit's client id, generated once and then reused until `clear()`. */
  clientId(): string;
  /** When the student first opened this sheet on this browser (ISO), kept from the first call. */
  openedAt(): string;
  /** After the thank-you page is shown. */
  clear(): void;
}

export function sheetStore(accountId: string, campaignId: string, key: string): SheetStore {
  const idKey = storageKey(accountId, campaignId, key, 'clientId');
  const openedKey = storageKey(accountId, campaignId, key, 'openedAt');
  return {
    clientId: () => keep(idKey, uuid),
    openedAt: () => keep(openedKey, () => new Date().toISOString()),
    clear: () => {
      memory.delete(idKey);
      memory.delete(openedKey);
      remove(idKey);
      remove(openedKey);
    },
  };
}
