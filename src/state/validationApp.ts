// The proxy validation lab's store for the app, beside the explorer and reference stores of
// store.ts: the real train worker (started on the first "Validate proxies"), the explorer's
// search space as its form stands, the reference store's est. ppl fit, local storage.
import { useStore } from 'zustand';
import { formToSpace } from './settings';
import { explorerStore, referenceStore } from './store';
import { localStore } from './storage';
import { createAppValidationRunner } from './validationClient';
import { createValidationStore, type ValidationState } from './validationStore';

export const validationStore = createValidationStore({
  runner: createAppValidationRunner(),
  currentSpace: () => formToSpace(explorerStore.getState().settings.space),
  setEstFit: (fit) => referenceStore.getState().setEstFit(fit),
  storage: localStore(),
});

export function useValidation<T>(selector: (s: ValidationState) => T): T {
  return useStore(validationStore, selector);
}
