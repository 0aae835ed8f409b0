// Main-thread side of the bench worker. One worker, created on demand; `useBackend` selects a
// backend in it, and if that backend cannot start in a worker (e.g. no OffscreenCanvas WebGL)
// but can on the main thread, measuring moves to the main thread and says so. Abort terminates
// the worker (the pending call rejects at once); the next call starts a fresh worker and
// selects the same backend again.
import { proxy, wrap, type Remote } from 'comlink';
import type { Arch } from '../core/arch';
import type { BackendName } from '../bench/backends';
import type { DeviceInfo } from '../bench/device';
import type { MeasuredProfile, ProfileOptions } from '../bench/profile';
import type { BenchApi, MeasureOptions, MeasureOutcome, MeasureProgress } from '../workers/bench.worker';
import { abortable, workerErrorMessage, type WorkerLike } from './searchClient';

export type BenchThread = 'worker' | 'main';

export interface BackendSession {
  backend: BackendName;
  device: DeviceInfo;
  thread: BenchThread;
  /** Set when measuring fell back to the main thread: why. */
  note?: string;
}

/** A cancellable call: `result` rejects with an AbortError at once on abort. */
export interface BenchRun<T> {
  result: Promise<T>;
  abort(): void;
}

export type MeasureRun = BenchRun<MeasureOutcome[]>;

export interface BenchRunner {
  useBackend(name: BackendName): Promise<BackendSession>;
  measure(archs: Arch[], options: MeasureOptions, onProgress: MeasureProgress): MeasureRun;
  /** Device-profile micro-benchmarks on the selected backend (calibration). */
  profile(options?: Omit<ProfileOptions, 'signal'>): BenchRun<MeasuredProfile>;
}

type Api = Pick<BenchApi, 'useBackend' | 'measure' | 'profile'>;

export function createBenchRunner(createWorker: () => WorkerLike, loadMainThreadApi: () => Promise<Api>): BenchRunner {
  let worker: WorkerLike | undefined;
  let remote: Remote<BenchApi> | undefined;
  let session: BackendSession | undefined;

  /** Rejects when the current worker fails to load or crashes (else a call would wait forever). */
  let died: Promise<never> = new Promise<never>(() => {});

  const drop = () => {
    worker?.terminate();
    worker = undefined;
    remote = undefined;
  };
  const workerApi = (): Remote<BenchApi> => {
    if (!remote) {
      const w = createWorker();
      worker = w;
      remote = wrap<BenchApi>(w);
      died = new Promise<never>((_, reject) => {
        const onDeath = (ev: Event) => reject(new Error(workerErrorMessage(ev, 'bench')));
        w.addEventListener('error', onDeath);
        w.addEventListener('messageerror', onDeath);
      });
      died.catch(() => {}); // observed through the races below
    }
    return remote;
  };
  const onWorker = <T>(work: (api: Remote<BenchApi>) => Promise<T>): Promise<T> => {
    const api = workerApi();
    return Promise.race([work(api), died]);
  };

  async function useBackend(name: BackendName): Promise<BackendSession> {
    try {
      const device = await onWorker((api) => api.useBackend(name));
      session = { backend: name, device, thread: 'worker' };
      return session;
    } catch (workerError) {
      drop(); // a worker whose backend failed may be half-initialised
      const reason = workerError instanceof Error ? workerError.message : String(workerError);
      let device: DeviceInfo;
      try {
        device = await (await loadMainThreadApi()).useBackend(name);
      } catch {
        session = undefined;
        throw new Error(reason); // unavailable everywhere: the worker's message says why
      }
      session = { backend: name, device, thread: 'main', note: `${name} could not start in a worker (${reason}); measuring on the main thread` };
      return session;
    }
  }

  /** Runs one call on the session's thread; abort terminates the worker (or signals the main thread). */
  function call<T>(inWorker: (api: Remote<BenchApi>) => Promise<T>, onMain: (api: Api, signal: AbortSignal) => Promise<T>): BenchRun<T> {
    const controller = new AbortController();
    const run = async (): Promise<T> => {
      if (!session) throw new Error('pick a backend first');
      if (session.thread === 'main') return onMain(await loadMainThreadApi(), controller.signal);
      if (!remote) await useBackend(session.backend); // the worker was stopped: start it again
      return onWorker(inWorker);
    };
    controller.signal.addEventListener(
      'abort',
      () => {
        if (session?.thread === 'worker') drop();
      },
      { once: true },
    );
    const result = abortable(controller.signal, run()).catch((e: unknown) => {
      if (session?.thread === 'worker' && !controller.signal.aborted) drop();
      throw e instanceof Error ? e : new Error(String(e));
    });
    return { result, abort: () => controller.abort() };
  }

  return {
    useBackend,
    measure: (archs, options, onProgress) =>
      call(
        (api) => api.measure(archs, options, proxy(onProgress)),
        (api, signal) => api.measure(archs, options, onProgress, signal),
      ),
    profile: (options = {}) =>
      call(
        (api) => api.profile(options),
        (api, signal) => api.profile({ ...options, signal }),
      ),
  };
}

/** The real worker and the main-thread fallback, for the app. */
export const createAppBenchRunner = (): BenchRunner =>
  createBenchRunner(
    () => new Worker(new URL('../workers/bench.worker.ts', import.meta.url), { type: 'module', name: 'bench' }),
    async () => (await import('../workers/bench.worker')).api,
  );
