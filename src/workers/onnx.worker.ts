// Thin comlink shell over core's ONNX writer for "Export ONNX" on the selected candidate: builds
// both files piece by piece (core/onnx: the weights are held once, shared by the two files) and
// stores them with a README and the arch's configs in a zip (core/zip), returned as a Blob: a Blob
// crosses to the page as a handle, not a copy, and the browser may keep a large one on disk.
// Progress is the fraction of the files' bytes written (checksummed), at most every intervalMs;
// filling the weights before that has no progress to report. A model core refuses (over 2 GiB,
// invalid) is an answer, not an error. Cancellation is the client terminating this worker.
import type { Arch } from '../core/arch';
import { archKey, archSummary } from '../core/arch';
import { archJson } from '../core/export';
import { toHfConfig } from '../core/hfconfig';
import { exportOnnxChunks, graphIO, ONNX_FILES, onnxExportErrors, OPSET, type ExportOptions, type OnnxDtype } from '../core/onnx';
import type { ValueInfo } from '../core/onnx/onnxProto';
import { specParamCount, weightSpecs } from '../core/weights';
import { ZipTooLargeError, zipStore, type ZipEntry } from '../core/zip';
import { exposeInWorker, releaseCallback } from './bridge';

export interface OnnxProgress {
  /** 'weights': filling them from the seed (no fraction known); 'zip': writing the files. */
  stage: 'weights' | 'zip';
  /** Of the files' bytes written, 0 to 1 (0 while filling weights). */
  fraction: number;
}

export type OnnxProgressCallback = (p: OnnxProgress) => void;

export type OnnxExportResult =
  | {
      ok: true;
      zip: Blob;
      /** The zip's bytes. */
      bytes: number;
      /** Parameters in each file's initializers (core's exact count). */
      params: number;
      /** The entries, in the zip's order. */
      files: { name: string; bytes: number }[];
    }
  | { ok: false; reason: string };

const ELEM_TYPES: Record<number, string> = { 1: 'float32', 7: 'int64', 9: 'bool', 10: 'float16' };

/** What an export writes: the weights' seed and the float type of weights, cache and logits
 *  (core/onnx's options, both given). */
export type OnnxExportOptions = Required<Pick<ExportOptions, 'seed' | 'dtype'>>;

/** Inputs or outputs, one per line; per-layer names whose shape is the same for every layer
 *  become one line ("present.{i}.key ... (i = 0..11)"), so a deep model's README stays short. */
function ioLines(values: readonly ValueInfo[]): string[] {
  const groups: { pattern: string; type: string; layers: number[] }[] = [];
  for (const v of values) {
    const layer = /\.(\d+)\./.exec(v.name);
    const type = `${ELEM_TYPES[v.elemType] ?? `type ${v.elemType}`} [${v.dims.join(', ')}]`;
    const pattern = layer ? v.name.replace(layer[0], '.{i}.') : v.name;
    const same = groups.find((g) => g.pattern === pattern && g.type === type);
    if (layer && same) same.layers.push(Number(layer[1]));
    else groups.push({ pattern, type, layers: layer ? [Number(layer[1])] : [] });
  }
  return groups.map(({ pattern, type, layers }) => {
    if (layers.length <= 1) return `    ${pattern.replace('{i}', String(layers[0]))}: ${type}`;
    const consecutive = layers.every((l, k) => k === 0 || l === layers[k - 1] + 1);
    return `    ${pattern}: ${type}  (i = ${consecutive ? `${layers[0]}..${layers[layers.length - 1]}` : layers.join(', ')})`;
  });
}

/** README.txt of the zip: what the model is and how the files are fed. */
export function onnxReadme(arch: Arch, { seed, dtype }: OnnxExportOptions, params: number, config: string): string {
  const graph = (file: string, what: string, withPast: boolean) => {
    const { inputs, outputs } = graphIO(arch, withPast, { dtype });
    return [`${file}: ${what}`, '  inputs:', ...ioLines(inputs), '  outputs:', ...ioLines(outputs)];
  };
  return [
    `LM Frontier: ONNX export of ${arch.family} ${archSummary(arch)}`,
    '',
    `arch key: ${archKey(arch)}`,
    `parameters: ${params} (exact; each file's initializers hold every weight once)`,
    dtype === 'fp16'
      ? `weights: random fp16, seed ${seed} (the fp32 numbers the app's TensorFlow.js builder makes from that seed, rounded to fp16); activations, KV cache and logits fp16`
      : `weights: random fp32, seed ${seed} (the numbers the app's TensorFlow.js builder makes from that seed)`,
    `ONNX opset ${OPSET}, IR version 8, standard ops only; one file per graph, no external data`,
    '',
    ...graph(ONNX_FILES.decoder, 'the prefill', false),
    '',
    ...graph(ONNX_FILES.decoderWithPast, 'one decode step (or a few tokens) against the KV cache', true),
    '',
    config,
    'arch.json: the arch as the app and its CLI read it (npm run cli -- export-onnx arch.json --out DIR)',
    '',
    'Time it with ONNX Runtime: see docs/onnx.md in the LM Frontier repository.',
    '',
  ].join('\n');
}

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

/** Exported for unit tests, which call it in Node. */
export const api = {
  async exportOnnx(arch: Arch, options: OnnxExportOptions, onProgress?: OnnxProgressCallback, intervalMs = 100): Promise<OnnxExportResult> {
    try {
      const errors = onnxExportErrors(arch, options.dtype);
      if (errors.length) return { ok: false, reason: `Cannot export to ONNX: ${errors.join('; ')}.` };
      // Not awaited: the page must not hold up the writing; one port keeps the calls in order.
      void onProgress?.({ stage: 'weights', fraction: 0 });
      const model = allocating(arch, options.dtype, () => exportOnnxChunks(arch, options));
      const hf = toHfConfig(arch);
      const entries: ZipEntry[] = [
        { name: ONNX_FILES.decoder, data: model.decoder },
        { name: ONNX_FILES.decoderWithPast, data: model.decoderWithPast },
        ...(hf.ok ? [{ name: 'config.json', data: JSON.stringify(hf.config, null, 2) + '\n' }] : []),
        { name: 'arch.json', data: JSON.stringify(archJson(arch), null, 2) + '\n' },
        {
          name: 'README.txt',
          data: onnxReadme(
            arch,
            options,
            model.initializerParams,
            hf.ok
              ? 'config.json: the Hugging Face config (Optimum and transformers.js read it beside the .onnx files)'
              : `no config.json: ${hf.reason}`,
          ),
        },
      ];
      let last = -Infinity;
      let parts: Uint8Array[];
      try {
        parts = zipStore(entries, {
          modified: new Date(),
          onProgress: (done, total) => {
            const now = performance.now();
            if (now - last < intervalMs && done < total) return;
            last = now;
            void onProgress?.({ stage: 'zip', fraction: total ? done / total : 1 });
          },
        });
      } catch (e) {
        if (e instanceof ZipTooLargeError) return { ok: false, reason: `Cannot export to ONNX: ${e.message}.` };
        throw e;
      }
      const zip = allocating(arch, options.dtype, () => new Blob(parts as Uint8Array<ArrayBuffer>[], { type: 'application/zip' }));
      const files = entries.map((e) => ({ name: e.name, bytes: dataBytes(e.data) }));
      return { ok: true, zip, bytes: zip.size, params: model.initializerParams, files };
    } finally {
      releaseCallback(onProgress);
    }
  },
};

const dataBytes = (data: ZipEntry['data']): number =>
  typeof data === 'string'
    ? new TextEncoder().encode(data).length
    : data instanceof Uint8Array
      ? data.length
      : data.reduce((n, c) => n + c.length, 0);

/** Runs `allocate`; an allocation that fails (V8's RangeError "Array buffer allocation failed",
 *  a Blob the browser cannot hold) becomes a sentence with the memory the export needs: the fp32
 *  weights, then a copy of both files in the Blob. */
function allocating<T>(arch: Arch, dtype: OnnxDtype, allocate: () => T): T {
  try {
    return allocate();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (!/allocat|out of memory|invalid (typed )?array length/i.test(message)) throw e;
    const params = specParamCount(weightSpecs(arch));
    // The fp32 weights, their fp16 copy (an fp32 initializer is a view), then both files in the zip.
    const bytes = params * (dtype === 'fp16' ? 4 + 2 + 2 * 2 : 4 + 2 * 4);
    throw new Error(
      `Out of memory building the ONNX files: this export holds about ${gib(bytes)} at once (the weights, ` +
        `then both files in the zip). Close other tabs, choose a smaller candidate, or use the CLI (npm run cli -- export-onnx). ` +
        `(${message})`,
    );
  }
}

export type OnnxApi = typeof api;

exposeInWorker(api);
