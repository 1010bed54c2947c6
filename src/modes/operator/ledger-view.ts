/**
 * A view of the ledger that shows the engine only the entries the run may act on. Prune deletes
 * every owned object whose declaration is absent, but in the operator an absent declaration is
 * not always a delete: an object whose custom resource is invalid, or whose Secret is missing,
 * must be left alone. Its entry is hidden from the run and written back unchanged.
 */
import type { LedgerEntry, LedgerState } from '../../core/ledger.js';
import type { LedgerStore } from '../../engine/ports.js';

/** A ledger store whose loads leave out the entries `isVisible` rejects, and whose saves keep them. */
export function ledgerView(store: LedgerStore, isVisible: (entry: LedgerEntry) => boolean): LedgerStore {
  let hidden: Record<string, LedgerEntry> = {};
  return {
    load: async () => {
      const state = await store.load();
      if (state === undefined) return undefined;
      const visible: Record<string, LedgerEntry> = {};
      hidden = {};
      for (const [key, entry] of Object.entries(state.entries)) (isVisible(entry) ? visible : hidden)[key] = entry;
      return { ...state, entries: visible };
    },
    save: (state: LedgerState) => store.save({ ...state, entries: { ...hidden, ...state.entries } }),
    lock: () => store.lock(),
  };
}
