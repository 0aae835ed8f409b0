// Local storage, and the measured series in it (core/measurements holds their model and
// parser): one versioned key, read once at startup, written after every recorded measurement. A browser that
// refuses (privacy mode, quota) gets a sentence, and the measurements stay in memory. Saved data
// this app cannot read is kept aside under a backup key before anything can overwrite it, offered
// for download until the user deletes it; the user can dismiss its message (remembered).
import { emptyMeasurements, parseMeasurements, type MeasurementStore } from '../core/measurements';

export const MEASUREMENTS_KEY = 'lm-frontier.measurements';
/** Unreadable saved measurements, kept aside (UnreadableBackup). */
export const UNREADABLE_KEY = 'lm-frontier.measurements.unreadable';
/** The id (unreadableId) of the backup whose message the user dismissed. */
export const UNREADABLE_DISMISSED_KEY = 'lm-frontier.measurements.unreadable-dismissed';

export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  /** Absent in some test doubles: the key is then set to '' (read as nothing). */
  removeItem?(key: string): void;
}

/**
 * The backup of unreadable saved measurements. Appended, never overwritten: each distinct text
 * that could not be read is added with when and why (a later failure adds an entry and keeps the
 * earlier ones; the same text again, as on every reload until the next save replaces it, adds
 * nothing). Only "Delete unreadable data" (deleteUnreadable) removes it.
 */
export interface UnreadableBackup {
  kept: { at: string; reason: string; text: string }[];
}

/** The backup as the page offers it: its identity, the reasons, and the file to download. */
export interface UnreadableData {
  /** Changes whenever the backup does (a new entry): a dismissal is of this id only. */
  id: string;
  reasons: string[];
  file: { name: string; text: string; type: string };
  dismissed: boolean;
}

/** localStorage when the page may use it (it throws in some privacy modes). */
export function localStore(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** FNV-1a, 32 bits, with the length: a short identity of the backup's text. */
export function unreadableId(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return `${(h >>> 0).toString(16).padStart(8, '0')}-${text.length}`;
}

/** The stored backup; one that is not in this form (edited by hand) is itself kept, as text. */
function parseBackup(raw: string | null): UnreadableBackup {
  if (!raw) return { kept: [] };
  try {
    const o = JSON.parse(raw) as UnreadableBackup;
    if (
      Array.isArray(o?.kept) &&
      o.kept.every((e) => typeof e?.text === 'string' && typeof e.at === 'string' && typeof e.reason === 'string')
    )
      return { kept: o.kept };
  } catch {
    // kept as text below
  }
  return { kept: [{ at: '', reason: 'a backup in an unknown form', text: raw }] };
}

/** What to download: the one text kept, as it was stored; several, with their times and reasons. */
function backupFile(backup: UnreadableBackup): UnreadableData['file'] {
  const one = backup.kept.length === 1 ? backup.kept[0].text : null;
  let json = one === null;
  if (one !== null) {
    try {
      JSON.parse(one);
      json = true;
    } catch {
      json = false;
    }
  }
  return {
    name: `lm-frontier-unreadable-measurements.${json ? 'json' : 'txt'}`,
    text: one ?? JSON.stringify(backup, null, 2) + '\n',
    type: json ? 'application/json' : 'text/plain',
  };
}

export interface LoadedMeasurements {
  store: MeasurementStore;
  /** What was left out and why (also when it could not be kept aside), or a storage failure. */
  dropped?: string;
  /** The backup, with anything this load could not read added (null when there is none). */
  unreadable: UnreadableData | null;
}

/** Reads the saved measurements; anything unreadable is added to the backup first (even if it
 *  cannot be stored, it is returned, so this visit can still download it). */
export function loadMeasurements(storage: StorageLike | undefined, now: Date = new Date()): LoadedMeasurements {
  let parsed: ReturnType<typeof parseMeasurements>;
  let backup: UnreadableBackup;
  try {
    parsed = parseMeasurements(storage?.getItem(MEASUREMENTS_KEY) ?? null);
    backup = parseBackup(storage?.getItem(UNREADABLE_KEY) ?? null);
  } catch {
    return { store: emptyMeasurements(), dropped: 'local storage is not available', unreadable: null };
  }
  let { dropped } = parsed;
  if (parsed.unreadable !== undefined && !backup.kept.some((e) => e.text === parsed.unreadable)) {
    backup = { kept: [...backup.kept, { at: now.toISOString(), reason: dropped ?? '', text: parsed.unreadable }] };
    try {
      storage?.setItem(UNREADABLE_KEY, JSON.stringify(backup));
    } catch (e) {
      dropped += ` (it could not be kept aside in this browser: ${messageOf(e)}; download it before the next Measure replaces it)`;
    }
  }
  if (!backup.kept.length) return { store: parsed.store, dropped, unreadable: null };
  const id = unreadableId(JSON.stringify(backup));
  let dismissed = false;
  try {
    dismissed = storage?.getItem(UNREADABLE_DISMISSED_KEY) === id;
  } catch {
    // not dismissed
  }
  return {
    store: parsed.store,
    dropped,
    unreadable: { id, reasons: backup.kept.map((e) => e.reason), file: backupFile(backup), dismissed },
  };
}

/** Remembers that the user dismissed the message of backup `id`; an error message when the browser refuses. */
export function dismissUnreadable(storage: StorageLike | undefined, id: string): string | undefined {
  try {
    storage?.setItem(UNREADABLE_DISMISSED_KEY, id);
    return undefined;
  } catch (e) {
    return `the dismissal could not be saved: ${messageOf(e)}`;
  }
}

/** Deletes the backup (the user's "Delete unreadable data"); an error message when the browser refuses. */
export function deleteUnreadable(storage: StorageLike | undefined): string | undefined {
  try {
    for (const key of [UNREADABLE_KEY, UNREADABLE_DISMISSED_KEY]) {
      if (storage?.removeItem) storage.removeItem(key);
      else storage?.setItem(key, '');
    }
    return undefined;
  } catch (e) {
    return `the unreadable data could not be deleted: ${messageOf(e)}`;
  }
}

/** Returns an error message when the browser refuses to store (quota, private mode). */
export function saveMeasurements(storage: StorageLike | undefined, store: MeasurementStore): string | undefined {
  try {
    storage?.setItem(MEASUREMENTS_KEY, JSON.stringify(store));
    return undefined;
  } catch (e) {
    return `measurements could not be saved: ${messageOf(e)}`;
  }
}
