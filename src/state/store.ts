// The app's store instances and React hooks over them.
import { useStore } from 'zustand';
import { createAppMeasureRunner } from './measureClient';
import { createAppSearchRunner } from './searchClient';
import { createExplorerStore, type ExplorerActions, type ExplorerState } from './explorerStore';
import { createReferenceStore, type ReferenceState } from './referenceStore';
import { localStore } from './storage';

// The measure worker (and tfjs with it) loads on the first Measure or Calibrate, not at startup.
export const explorerStore = createExplorerStore(createAppSearchRunner(), undefined, {
  runner: createAppMeasureRunner(),
  storage: localStore(),
});
export const referenceStore = createReferenceStore();

export function useExplorer<T>(selector: (s: ExplorerState) => T): T {
  return useStore(explorerStore, selector);
}

/** Actions never change identity: components can take them without re-rendering. */
export const useActions = (): ExplorerActions => explorerStore.getState().actions;

export function useReference<T>(selector: (s: ReferenceState & { load(): Promise<void> }) => T): T {
  return useStore(referenceStore, selector);
}
