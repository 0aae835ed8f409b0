// "Export ONNX" on the selected candidate: the page side of the onnx worker (over the worker
// bridge) and a small store of its own, as the validation lab has. The worker builds the zip; the
// page imports the worker's types only, so the ONNX writer stays out of the first page chunk and
// loads with the first export. One export at a time, for the arch it was started on: Stop (or an
// export of another candidate) terminates the worker, which frees the weights at once. A refused
// model, running out of memory or a crashed worker is a sentence at the button; nothing else in
// the app changes.
import { proxy } from 'comlink';
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { archKey, archSummary, type Arch } from '../core/arch';
import { cancellable, createWorkerHost, isAbortError, type AbortableRun, type WorkerLike } from '../workers/bridge';
import type { OnnxDtype } from '../core/onnxDtypes';
import type { OnnxApi, OnnxExportOptions, OnnxExportResult, OnnxProgress } from '../workers/onnx.worker';

/** The weights' seed: the tfjs builder's and the CLI's default, so the files hold the numbers
 *  a measurement in the app ran on. */
export const ONNX_SEED = 1;

export type OnnxRun = AbortableRun<OnnxExportResult>;

export interface OnnxRunner {
  /** A new export stops the one under way. */
  exportOnnx(arch: Arch, options: OnnxExportOptions, onProgress: (p: OnnxProgress) => void): OnnxRun;
}

export function createOnnxRunner(createWorker: () => WorkerLike): OnnxRunner {
  const host = createWorkerHost<OnnxApi>(createWorker, 'onnx');
  let current: OnnxRun | undefined;
  return {
    exportOnnx(arch, options, onProgress) {
      current?.abort(); // two exports would hold two models' weights
      const run = cancellable(() => host.run<OnnxExportResult>((api) => api.exportOnnx(arch, options, proxy(onProgress))), host.drop);
      current = run;
      return run;
    },
  };
}

/** The real onnx worker, for the app (unit tests give the store a MessagePort-backed one). */
export const createAppOnnxRunner = (): OnnxRunner =>
  createOnnxRunner(() => new Worker(new URL('../workers/onnx.worker.ts', import.meta.url), { type: 'module', name: 'onnx' }));

/** "gpt2-1L-d64-h2-ffn128-onnx.zip" ("...-onnx-fp16.zip" for fp16): the family and arch
 *  summary, safe as a file name. */
export const onnxZipName = (arch: Arch, dtype: OnnxDtype = 'fp32'): string =>
  `${arch.family}-${archSummary(arch)
    .replace(/[^A-Za-z0-9.-]+/g, '-')
    .replace(/^-+|-+$/g, '')}-onnx${dtype === 'fp16' ? '-fp16' : ''}.zip`;

/** A failed export in words for the button: a worker that died mid-export has most likely run out
 *  of memory (a tab's worker is killed, not given a RangeError, when the browser's own limit hits). */
export function exportFailureMessage(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  if (/^onnx worker (crashed|stopped)/.test(message))
    return `The ONNX export stopped: ${message}. A model this large may not fit in this tab's memory; try a smaller candidate, or the CLI (npm run cli -- export-onnx).`;
  return message.startsWith('Out of memory') ? message : `The ONNX export failed: ${message}`;
}

export type OnnxExportStatus =
  | { kind: 'idle' }
  | { kind: 'building'; stage: OnnxProgress['stage']; fraction: number }
  | { kind: 'done'; filename: string; bytes: number; params: number }
  | { kind: 'failed'; message: string };

export interface OnnxExportState {
  /** archKey of the candidate the status is about (null before the first export). */
  key: string | null;
  status: OnnxExportStatus;
  /** The float type the next export writes (fp32 by default). */
  dtype: OnnxDtype;
  actions: {
    setDtype(dtype: OnnxDtype): void;
    /** Builds the zip of `arch` in the worker and hands it to `save` (the page's download). */
    start(arch: Arch, save: (zip: Blob, filename: string) => void): void;
    /** Terminates the worker; the status goes back to idle. */
    stop(): void;
  };
}

export type OnnxExportStore = StoreApi<OnnxExportState>;

export function createOnnxExportStore(runner: OnnxRunner, seed = ONNX_SEED): OnnxExportStore {
  return createStore<OnnxExportState>()((set, get) => {
    let active: OnnxRun | null = null;
    let seq = 0;
    return {
      key: null,
      status: { kind: 'idle' },
      dtype: 'fp32',
      actions: {
        setDtype(dtype) {
          set({ dtype });
        },
        start(arch, save) {
          const id = ++seq;
          const current = () => id === seq; // a stopped or replaced export's late messages are dropped
          const { dtype } = get();
          const filename = onnxZipName(arch, dtype);
          set({ key: archKey(arch), status: { kind: 'building', stage: 'weights', fraction: 0 } });
          active = runner.exportOnnx(arch, { seed, dtype }, (p) => {
            if (current() && get().status.kind === 'building') set({ status: { kind: 'building', ...p } });
          });
          active.result.then(
            (r) => {
              if (!current()) return;
              active = null;
              if (!r.ok) return set({ status: { kind: 'failed', message: r.reason } });
              try {
                save(r.zip, filename);
              } catch (e) {
                return set({
                  status: { kind: 'failed', message: `The ONNX zip was built but could not be saved: ${(e as Error).message}` },
                });
              }
              set({ status: { kind: 'done', filename, bytes: r.bytes, params: r.params } });
            },
            (e: unknown) => {
              if (!current()) return;
              active = null;
              set({ status: isAbortError(e) ? { kind: 'idle' } : { kind: 'failed', message: exportFailureMessage(e) } });
            },
          );
        },
        stop() {
          active?.abort(); // rejects with an AbortError: back to idle above
        },
      },
    };
  });
}

export const onnxExportStore = createOnnxExportStore(createAppOnnxRunner());

export function useOnnxExport<T>(selector: (s: OnnxExportState) => T): T {
  return useStore(onnxExportStore, selector);
}
