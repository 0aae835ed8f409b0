// Page side of the measure worker, over the worker bridge. One worker, created on demand;
// `useBackend` selects a runtime's backend in it (tfjs, or ONNX Runtime Web), and if that backend cannot start in a worker (e.g. no
// OffscreenCanvas WebGL) but can on the main thread, measuring moves to the main thread and says
// so. Abort terminates the worker (the pending call rejects at once); the next call starts a
// fresh worker and selects the same backend again.
import { proxy, type Remote } from 'comlink';
import type { Arch } from '../core/arch';
import { backendLabel, type BackendName, type RuntimeName } from '../core/backendNames';
import type { DeviceInfo } from '../core/deviceInfo';
import type { MeasuredProfile, ProfileOptions } from '../measure/profile';
import { cancellable, createWorkerHost, type AbortableRun, type WorkerLike } from '../workers/bridge';
import type { MeasureApi, MeasureOutcome, MeasureProgress, MeasureRequest } from '../workers/measure.worker';

export type MeasureThread = 'worker' | 'main';

export interface BackendSession {
  runtime: RuntimeName;
  backend: BackendName;
  device: DeviceInfo;
  thread: MeasureThread;
  /** Set when measuring fell back to the main thread: why. */
  note?: string;
}

export type MeasureRun = AbortableRun<MeasureOutcome[]>;

export interface MeasureRunner {
  /** Default runtime: tfjs. */
  useBackend(name: BackendName, runtime?: RuntimeName): Promise<BackendSession>;
  measure(archs: Arch[], options: MeasureRequest, onProgress: MeasureProgress): MeasureRun;
  /** Device-profile micro-benchmarks on the selected backend (calibration). */
  profile(options?: Omit<ProfileOptions, 'signal'>): AbortableRun<MeasuredProfile>;
}

type Api = Pick<MeasureApi, 'useBackend' | 'measure' | 'profile'>;

export function createMeasureRunner(createWorker: () => WorkerLike, loadMainThreadApi: () => Promise<Api>): MeasureRunner {
  const host = createWorkerHost<MeasureApi>(createWorker, 'measure');
  let session: BackendSession | undefined;

  async function useBackend(name: BackendName, runtime: RuntimeName = 'tfjs'): Promise<BackendSession> {
    try {
      const device = await host.run((api) => api.useBackend(name, runtime));
      session = { runtime, backend: name, device, thread: 'worker' };
      return session;
    } catch (workerError) {
      host.drop(); // a worker whose backend failed may be half-initialised
      const reason = workerError instanceof Error ? workerError.message : String(workerError);
      let device: DeviceInfo;
      try {
        device = await (await loadMainThreadApi()).useBackend(name, runtime);
      } catch {
        session = undefined;
        throw new Error(reason); // unavailable everywhere: the worker's message says why
      }
      session = {
        runtime,
        backend: name,
        device,
        thread: 'main',
        note: `${backendLabel(name, runtime)} could not start in a worker (${reason}); measuring on the main thread`,
      };
      return session;
    }
  }

  /** Runs one call on the session's thread; abort terminates the worker (or signals the main thread). */
  function call<T>(
    inWorker: (api: Remote<MeasureApi>) => Promise<T>,
    onMain: (api: Api, signal: AbortSignal) => Promise<T>,
  ): AbortableRun<T> {
    return cancellable(
      async (signal) => {
        if (!session) throw new Error('pick a backend first');
        if (session.thread === 'main') return onMain(await loadMainThreadApi(), signal);
        if (!host.started) await useBackend(session.backend, session.runtime); // the worker was stopped: start it again
        return host.run(inWorker);
      },
      () => {
        if (session?.thread === 'worker') host.drop();
      },
    );
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
export const createAppMeasureRunner = (): MeasureRunner =>
  createMeasureRunner(
    () => new Worker(new URL('../workers/measure.worker.ts', import.meta.url), { type: 'module', name: 'measure' }),
    async () => (await import('../workers/measure.worker')).api,
  );
