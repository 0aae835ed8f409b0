// The real search worker, for the app (unit tests give the store a MessagePort-backed fake).
import { createSearchRunner, type SearchRunner } from './searchClient';

export const createWorkerSearchRunner = (): SearchRunner =>
  createSearchRunner(() => new Worker(new URL('../workers/search.worker.ts', import.meta.url), { type: 'module', name: 'search' }));
