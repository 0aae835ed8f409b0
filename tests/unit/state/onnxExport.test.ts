// "Export ONNX": the onnx worker's api called directly in Node (the zip holds both files byte for
// byte as core's exportOnnx writes them, the configs and a README; refusals are answers, not
// errors), then the store over the real api exposed on a MessageChannel (done hands the Blob to
// save; Stop and a second export terminate the worker; out of memory and a crashed worker are
// sentences), and the page's static imports, which must not reach the writer.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { archKey, type Arch } from '../../../src/core/arch';
import { archJson } from '../../../src/core/export';
import { toHfConfig } from '../../../src/core/hfconfig';
import { exportOnnx, ONNX_FILES } from '../../../src/core/onnx';
import { countParams } from '../../../src/core/params';
import { findPreset } from '../../../src/core/presets';
import {
  createOnnxExportStore,
  createOnnxRunner,
  exportFailureMessage,
  onnxZipName,
  type OnnxExportState,
  type OnnxExportStatus,
} from '../../../src/state/onnxExport';
import { api, type OnnxExportResult, type OnnxProgress } from '../../../src/workers/onnx.worker';
import { readZip } from '../core/_zipReader';
import { resolveModule, ROOT, valueImports } from '../imports';
import { fakeWorker, type FakeWorker } from './fakeWorker';

const gpt2: Arch = {
  family: 'gpt2',
  vocabSize: 211,
  contextLength: 48,
  dModel: 48,
  tieEmbeddings: true,
  layers: [
    { nHead: 4, dInner: 96 },
    { nHead: 4, dInner: 96 },
    { nHead: 4, dInner: 96 },
  ],
};
/** Heterogeneous: no Hugging Face config.json can hold it. */
const llama: Arch = {
  family: 'llama',
  vocabSize: 301,
  contextLength: 48,
  dModel: 64,
  tieEmbeddings: true,
  layers: [
    { nHead: 4, nKvHead: 2, dInner: 96 },
    { nHead: 8, nKvHead: 2, dInner: 128 },
  ],
};
/** TinyLlama: 1.1 B parameters, 4.1 GiB of fp32 weights, over the 2 GiB of one .onnx file. */
const tooBig = findPreset('tinyllama-1.1b')!.arch;

const unzip = async (r: OnnxExportResult) => {
  if (!r.ok) throw new Error(r.reason);
  return readZip(new Uint8Array(await r.zip.arrayBuffer()));
};
const text = (data: Uint8Array) => new TextDecoder().decode(data);

describe('onnx worker api', () => {
  it('zips both files byte for byte as core writes them, with config.json, arch.json and a README', async () => {
    const progress: OnnxProgress[] = [];
    const r = await api.exportOnnx(gpt2, { seed: 7, dtype: 'fp32' }, (p) => progress.push(p), 0);
    const entries = await unzip(r);
    expect(entries.map((e) => e.name)).toEqual([ONNX_FILES.decoder, ONNX_FILES.decoderWithPast, 'config.json', 'arch.json', 'README.txt']);
    const want = exportOnnx(gpt2, { seed: 7 });
    const [decoder, withPast, config, arch, readme] = entries;
    expect(Buffer.compare(decoder.data, want.decoder)).toBe(0);
    expect(Buffer.compare(withPast.data, want.decoderWithPast)).toBe(0);
    for (const e of entries) expect(e.crc, e.name).toBe(zlib.crc32(e.data));
    const hf = toHfConfig(gpt2);
    expect(JSON.parse(text(config.data))).toEqual(hf.ok ? hf.config : 'homogeneous: has a config');
    expect(JSON.parse(text(arch.data))).toEqual(archJson(gpt2));
    if (!r.ok) return;
    expect(r.params).toBe(countParams(gpt2).total);
    expect(r.bytes).toBe(r.zip.size);
    expect(r.files.map((f) => [f.name, f.bytes])).toEqual(entries.map((e) => [e.name, e.size]));

    const notes = text(readme.data);
    expect(notes).toContain(`arch key: ${archKey(gpt2)}`);
    expect(notes).toContain(`parameters: ${countParams(gpt2).total} `);
    expect(notes).toContain('seed 7');
    expect(notes).toContain('    input_ids: int64 [batch_size, sequence_length]');
    expect(notes).toContain('    logits: float32 [batch_size, sequence_length, 211]');
    // Per-layer names of one shape are one line.
    expect(notes).toContain('    past_key_values.{i}.key: float32 [batch_size, 4, past_sequence_length, 12]  (i = 0..2)');
    expect(notes).toContain('docs/onnx.md');

    // Progress: weights first, then bytes written, rising to 1 (intervalMs 0: every MiB slice).
    expect(progress[0]).toEqual({ stage: 'weights', fraction: 0 });
    expect(progress.at(-1)).toEqual({ stage: 'zip', fraction: 1 });
    const fractions = progress.slice(1).map((p) => p.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
  });

  it('a heterogeneous arch gets arch.json and the reason there is no config.json; per-layer shapes stay apart', async () => {
    const entries = await unzip(await api.exportOnnx(llama, { seed: 1, dtype: 'fp32' }));
    expect(entries.map((e) => e.name)).toEqual([ONNX_FILES.decoder, ONNX_FILES.decoderWithPast, 'arch.json', 'README.txt']);
    const notes = text(entries[3].data);
    expect(notes).toContain('no config.json: Hugging Face configs cannot express per-layer shapes');
    expect(notes).toContain('    present.0.key: float32 [batch_size, 2, sequence_length, 16]');
    expect(notes).toContain('    present.1.key: float32 [batch_size, 2, sequence_length, 8]');
  });

  it('fp16: the files are core’s fp16 export, and the README says float16 and how the weights were rounded', async () => {
    const entries = await unzip(await api.exportOnnx(gpt2, { seed: 3, dtype: 'fp16' }));
    const want = exportOnnx(gpt2, { seed: 3, dtype: 'fp16' });
    expect(Buffer.compare(entries[0].data, want.decoder)).toBe(0);
    expect(Buffer.compare(entries[1].data, want.decoderWithPast)).toBe(0);
    const notes = text(entries.at(-1)!.data);
    expect(notes).toContain('weights: random fp16, seed 3 (the fp32 numbers');
    expect(notes).toContain('    logits: float16 [batch_size, sequence_length, 211]');
    expect(notes).toContain('    past_key_values.{i}.key: float16 [batch_size, 4, past_sequence_length, 12]  (i = 0..2)');
  });

  it('refuses a model over 2 GiB, and an invalid arch, with the reason and before any work', async () => {
    const progress: OnnxProgress[] = [];
    const started = performance.now();
    const r = await api.exportOnnx(tooBig, { seed: 1, dtype: 'fp32' }, (p) => progress.push(p));
    expect(r).toEqual({
      ok: false,
      reason: expect.stringMatching(
        /^Cannot export to ONNX: fp32 weights of 4\.\d\d GiB do not fit a single \.onnx file \(2 GiB; external data is not written\)\.$/,
      ),
    });
    expect(performance.now() - started).toBeLessThan(500); // filling 1.1 B weights would take seconds
    expect(progress).toEqual([]);
    const invalid = await api.exportOnnx({ ...gpt2, dModel: 50 }, { seed: 1, dtype: 'fp32' });
    expect(invalid.ok).toBe(false);
    expect(!invalid.ok && invalid.reason).toMatch(/^Cannot export to ONNX: layers\[0\]\.nHead 4 does not divide dModel 50; /);
  });
});

describe('onnx export store', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  function setup() {
    const workers: FakeWorker[] = [];
    const runner = createOnnxRunner(() => {
      const w = fakeWorker(api);
      workers.push(w);
      return w;
    });
    const store = createOnnxExportStore(runner);
    const saved: { zip: Blob; filename: string }[] = [];
    const save = (zip: Blob, filename: string) => saved.push({ zip, filename });
    const settled = () =>
      new Promise<OnnxExportStatus>((resolve) => {
        const check = (s: OnnxExportState) => {
          if (s.status.kind !== 'building') {
            unsubscribe();
            resolve(s.status);
          }
        };
        const unsubscribe = store.subscribe(check);
        check(store.getState());
      });
    return { workers, store, saved, save, settled };
  }

  it('builds in the worker, hands the zip to save under the arch’s name, and keeps the worker', async () => {
    const { workers, store, saved, save, settled } = setup();
    store.getState().actions.start(gpt2, save);
    expect(store.getState()).toMatchObject({ key: archKey(gpt2), status: { kind: 'building', stage: 'weights', fraction: 0 } });
    const status = await settled();
    expect(status).toEqual({
      kind: 'done',
      filename: 'gpt2-3L-d48-h4-ffn96-onnx.zip',
      bytes: saved[0].zip.size,
      params: countParams(gpt2).total,
    });
    expect(saved.map((s) => s.filename)).toEqual(['gpt2-3L-d48-h4-ffn96-onnx.zip']);
    const [decoder] = readZip(new Uint8Array(await saved[0].zip.arrayBuffer()));
    expect(Buffer.compare(decoder.data, exportOnnx(gpt2, { seed: 1 }).decoder)).toBe(0); // seed 1, the builder's default
    expect(workers.map((w) => w.terminated)).toEqual([false]);
  });

  it('exports fp16 once chosen, under a name that says so', async () => {
    const { store, saved, save, settled } = setup();
    expect(store.getState().dtype).toBe('fp32');
    store.getState().actions.setDtype('fp16');
    store.getState().actions.start(gpt2, save);
    expect((await settled()).kind).toBe('done');
    expect(saved.map((s) => s.filename)).toEqual(['gpt2-3L-d48-h4-ffn96-onnx-fp16.zip']);
    const [decoder] = readZip(new Uint8Array(await saved[0].zip.arrayBuffer()));
    expect(Buffer.compare(decoder.data, exportOnnx(gpt2, { seed: 1, dtype: 'fp16' }).decoder)).toBe(0);
  });

  it('a refusal is a message at the button; nothing is saved', async () => {
    const { store, saved, save, settled } = setup();
    store.getState().actions.start(tooBig, save);
    expect(await settled()).toEqual({
      kind: 'failed',
      message: expect.stringMatching(/^Cannot export to ONNX: fp32 weights of 4\.\d\d GiB/),
    });
    expect(saved).toEqual([]);
  });

  it('Stop terminates the worker and goes back to idle; a late answer changes nothing', async () => {
    const { workers, store, saved, save, settled } = setup();
    store.getState().actions.start(gpt2, save);
    store.getState().actions.stop();
    expect(await settled()).toEqual({ kind: 'idle' });
    expect(workers[0].terminated).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(store.getState().status).toEqual({ kind: 'idle' });
    expect(saved).toEqual([]);
  });

  it('a second export stops the first: one worker terminated, one zip saved, the status is the second arch’s', async () => {
    const { workers, store, saved, save, settled } = setup();
    store.getState().actions.start(gpt2, save);
    store.getState().actions.start(llama, save);
    expect(store.getState().key).toBe(archKey(llama));
    expect((await settled()).kind).toBe('done');
    expect(saved.map((s) => s.filename)).toEqual([onnxZipName(llama)]);
    expect(workers.map((w) => w.terminated)).toEqual([true, false]);
  });

  it('running out of memory is a sentence with the memory the export needs', async () => {
    const { store, save, settled, workers } = setup();
    vi.stubGlobal(
      'Blob',
      class {
        constructor() {
          throw new RangeError('Array buffer allocation failed');
        }
      },
    );
    store.getState().actions.start(gpt2, save);
    const status = await settled();
    expect(status).toEqual({
      kind: 'failed',
      message: expect.stringMatching(
        /^Out of memory building the ONNX files: this export holds about 0\.00 GiB at once .*Array buffer allocation failed/,
      ),
    });
    expect(workers[0].terminated).toBe(true); // a failed call drops its worker (and what it held)
  });

  it('a worker that crashes mid-export is named, with the likely cause', async () => {
    const { store, save, settled, workers } = setup();
    store.getState().actions.start(gpt2, save);
    workers[0].crash('Out of memory');
    expect(await settled()).toEqual({
      kind: 'failed',
      message:
        "The ONNX export stopped: onnx worker crashed: Out of memory. A model this large may not fit in this tab's memory; try a smaller candidate, or the CLI (npm run cli -- export-onnx).",
    });
  });
});

describe('onnx export helpers', () => {
  it('names the zip after the family and summary, safe as a file name', () => {
    expect(onnxZipName(gpt2)).toBe('gpt2-3L-d48-h4-ffn96-onnx.zip');
    expect(onnxZipName(llama)).toBe('llama-2L-d64-h4-8-kv2-ffn96-128-onnx.zip');
  });

  it('words failures: other errors keep their message', () => {
    expect(exportFailureMessage(new Error('onnx worker stopped (closed or killed by the browser)'))).toMatch(
      /^The ONNX export stopped: onnx worker stopped .* may not fit in this tab's memory/,
    );
    expect(exportFailureMessage(new TypeError('x is undefined'))).toBe('The ONNX export failed: x is undefined');
  });
});

describe("the page's first chunk", () => {
  /** Every source file src/main.tsx loads statically (as the bundler does: no type-only imports,
   *  no import(), no worker URLs). */
  function pageModules(): Set<string> {
    const seen = new Set<string>();
    const queue = [join(ROOT, 'src/main.tsx')];
    while (queue.length) {
      const file = queue.shift()!;
      for (const spec of valueImports(readFileSync(file, 'utf8'))) {
        const target = resolveModule(file, spec);
        if (target && !seen.has(target)) {
          seen.add(target);
          queue.push(target);
        }
      }
    }
    return new Set([...seen].map((f) => relative(ROOT, f)));
  }

  it('holds the button and the client, not the ONNX writer, the zip writer or the worker', () => {
    const page = pageModules();
    expect(page.has('src/ui/OnnxExport.tsx')).toBe(true); // the walk does reach the button
    expect(page.has('src/state/onnxExport.ts')).toBe(true);
    expect([...page].filter((f) => f.startsWith('src/core/onnx/') || f === 'src/core/zip.ts' || f.startsWith('src/workers/onnx'))).toEqual(
      [],
    );
  });
});
