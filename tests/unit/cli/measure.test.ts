// The `measure` CLI command: documented JSON shape on cpu and wasm, on ONNX Runtime Web (--runtime
// ort), several models round-robin, one-line errors.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/cli/args';
import { measureCommand, parseMeasureArgs } from '../../../src/cli/measure';
import { archKey } from '../../../src/core/arch';
import { TINY } from '../measure/fixtures';

const dir = mkdtempSync(join(tmpdir(), 'lmf-measure-'));
const archFile = join(dir, 'tiny.json');
writeFileSync(archFile, JSON.stringify(TINY['llama-gqa-tied']));

function expectTiming(t: unknown): void {
  expect(t).toMatchObject({
    medianMs: expect.any(Number),
    p10Ms: expect.any(Number),
    p90Ms: expect.any(Number),
    cv: expect.any(Number),
  });
  const { medianMs, p10Ms, p90Ms } = t as Record<string, number>;
  expect(p10Ms).toBeGreaterThan(0);
  expect(p10Ms).toBeLessThanOrEqual(medianMs);
  expect(medianMs).toBeLessThanOrEqual(p90Ms);
}

async function measureOk(backend: string) {
  const out = (await measureCommand(['measure', archFile, '--backend', backend, '--runs', '2', '--tokens', '16'])) as Record<
    string,
    unknown
  >;
  expect(out.backend).toBe(backend);
  expect(out.device).toMatchObject({ backend, runtime: 'node' });
  expectTiming(out.prefill);
  expectTiming(out.decode);
  expect(out.peakBytes).toEqual(expect.any(Number));
  expect(out.peakBytes as number).toBeGreaterThan(0);
  expect(out.leakedTensors).toBe(0);
  expect(JSON.parse(JSON.stringify(out))).toEqual(out); // plain JSON
  return out;
}

describe('measureCommand', () => {
  it('returns the documented shape on cpu', async () => {
    const out = await measureOk('cpu');
    expect((out.prefill as { runs: number }).runs).toBe(2);
  });

  it('returns the documented shape on wasm (the Node default)', async () => {
    const out = await measureOk('wasm');
    expect(out.device).toMatchObject({ wasmSimd: expect.any(Boolean), wasmThreads: false });
    expect(out.wasmHeapBytes as number).toBeGreaterThanOrEqual(out.peakBytes as number);
    expect(parseMeasureArgs(['gpt2']).backend).toBe('wasm');
  });

  it('--min-time-ms keeps timing until the runs add up to it', async () => {
    const out = (await measureCommand([archFile, '--backend', 'cpu', '--runs', '2', '--tokens', '8', '--min-time-ms', '150'])) as Record<
      string,
      { runs: number; timesMs: number[] }
    >;
    for (const w of [out.prefill, out.decode]) {
      expect(w.runs).toBeGreaterThan(2);
      expect(w.timesMs).toHaveLength(w.runs);
      const total = w.timesMs.reduce((a, b) => a + b, 0);
      // The loop stops at the first run that takes the total past 150 ms: at least 150 ms, and
      // without the last run still short of it. The output rounds each run to 3 decimals, so the
      // printed sum may be off by up to 0.0005 ms a run.
      const rounding = 0.0005 * w.runs;
      expect(total).toBeGreaterThanOrEqual(150 - rounding);
      expect(total - w.timesMs[w.runs - 1]).toBeLessThan(150 + rounding);
    }
    expect(parseMeasureArgs(['gpt2']).minTimeMs).toBe(0);
  });

  it('--paired on adds the reference kernel and the per-run ratio to each workload', async () => {
    const out = (await measureCommand([archFile, '--backend', 'cpu', '--runs', '3', '--tokens', '8', '--paired', 'on'])) as Record<
      string,
      Record<string, unknown>
    >;
    expect(out.prefill.paired).toMatchObject({ reference: expect.stringMatching(/^matmul \[32 x 128\]/), ratioMedian: expect.any(Number) });
    expect(out.decode.paired).toMatchObject({ reference: expect.stringMatching(/^GEMV \[1 x 256\] x \[256 x 1024\], 2 matrices/) });
    const p = out.decode.paired as Record<string, number>;
    expect(p.ratioP10).toBeLessThanOrEqual(p.ratioMedian);
    expect(p.ratioMedian).toBeLessThanOrEqual(p.ratioP90);
    expect(p.referenceMedianMs).toBeGreaterThan(0);
    expect(out.leakedTensors).toBe(0);
    expect(parseMeasureArgs(['gpt2']).paired).toBe(false);
    const plain = (await measureCommand([archFile, '--backend', 'cpu', '--runs', '1', '--tokens', '8'])) as Record<
      string,
      Record<string, unknown>
    >;
    expect(plain.decode.paired).toBeUndefined();
  });

  it('several models: round-robin slices, each model pooled, in the order given', async () => {
    const argv = [archFile, JSON.stringify(TINY.gpt2), '--backend', 'cpu', '--runs', '3', '--tokens', '8', '--rounds', '2'];
    const out = (await measureCommand(argv)) as { backend: string; rounds: number; models: Record<string, unknown>[] };
    expect(out.backend).toBe('cpu');
    expect(out.rounds).toBe(2);
    expect(out.models.map((m) => m.arch)).toEqual([archKey(TINY['llama-gqa-tied']), archKey(TINY.gpt2)]);
    for (const m of out.models) {
      expect(m.slices).toBe(2);
      // Each slice times ceil(3 / 2) = 2 runs: 4 pooled.
      expect((m.prefill as { runs: number; timesMs: number[] }).timesMs).toHaveLength(4);
      expect((m.decode as { runs: number }).runs).toBe(4);
      expectTiming(m.prefill);
      expect(m.leakedTensors).toBe(0);
    }
    expect(parseMeasureArgs([archFile, archFile]).rounds).toBe(4); // the default with several
    expect(parseMeasureArgs([archFile]).rounds).toBe(1);
  });

  it('--runtime ort: ONNX Runtime Web on wasm, the same JSON, no made-up memory figure; several models round-robin', async () => {
    const out = (await measureCommand([archFile, '--runtime', 'ort', '--runs', '2', '--tokens', '16'])) as Record<string, unknown>;
    expect(out).toMatchObject({ runtime: 'ort', backend: 'wasm', arch: archKey(TINY['llama-gqa-tied']), tokens: 16, leakedTensors: 0 });
    expect(out.device).toMatchObject({ backend: 'wasm', runtime: 'node', wasmSimd: true, wasmThreadCount: 1 });
    expectTiming(out.prefill);
    expectTiming(out.decode);
    expect((out.decode as { runs: number }).runs).toBe(2);
    expect(out.peakBytes).toBeNull();
    expect(out.memoryNote).toMatch(/ONNX Runtime Web reports no memory use/);
    expect(JSON.parse(JSON.stringify(out))).toEqual(out);
    const tfjs = (await measureCommand([archFile, '--backend', 'cpu', '--runs', '1', '--tokens', '8'])) as Record<string, unknown>;
    expect(tfjs.runtime).toBe('tfjs'); // the default
    const several = (await measureCommand([
      archFile,
      JSON.stringify(TINY.gpt2),
      '--runtime=ort',
      '--runs',
      '2',
      '--tokens',
      '8',
      '--rounds',
      '2',
    ])) as {
      runtime: string;
      models: { arch: string; slices: number; decode: { runs: number } }[];
    };
    expect(several.runtime).toBe('ort');
    expect(several.models.map((m) => [m.arch, m.slices, m.decode.runs])).toEqual([
      [archKey(TINY['llama-gqa-tied']), 2, 2],
      [archKey(TINY.gpt2), 2, 2],
    ]);
  });

  it('accepts an inline JSON arch and the measure word in argv', async () => {
    const out = (await measureCommand([JSON.stringify(TINY.gpt2), '--backend=cpu', '--runs=1', '--tokens=4'])) as Record<string, unknown>;
    expect(out.tokens).toBe(4);
  });

  it.each([
    [['nope'], /'nope' is neither a preset .* nor an arch JSON file/],
    [[], /missing the model to measure/],
    [['gpt2', '--backend', 'webgpu'], /--backend webgpu needs a browser/],
    [['gpt2', '--backend', 'tpu'], /--backend must be one of wasm, cpu, got tpu/],
    [['gpt2', '--runs', '0'], /--runs must be an integer/],
    [['gpt2', '--min-time-ms', '-1'], /--min-time-ms must be/],
    [['gpt2', '--paired', 'yes'], /--paired must be one of off, on, got yes/],
    [['gpt2', '--frobnicate', '1'], /unknown option --frobnicate/],
    [['{"family":"gpt2"'], /the arch is not valid JSON/],
    [[JSON.stringify({ ...TINY.gpt2, dModel: 50 })], /invalid arch: .*does not divide dModel 50/],
    [['tinyllama-1.1b'], /needs 8\.8 GB .*limit 3\.5 GB on wasm/],
    [['gpt2', '--max-mb', '100', '--backend', 'cpu'], /limit 100 MB on the user cap on cpu/],
    [[archFile, '--tokens', '48'], /no room for a decode step/],
    [['gpt2', '--rounds', '3'], /--rounds interleaves several models; give two or more/],
    [['gpt2', 'gpt2', '--rounds', '0'], /--rounds must be an integer/],
    [[archFile, 'nope', '--tokens', '8'], /'nope' is neither a preset/],
    [[archFile, 'tinyllama-1.1b', '--tokens', '8'], /^tinyllama-1\.1b: .*needs 8\.8 GB/],
    [['gpt2', '--runtime', 'onnx'], /--runtime must be one of tfjs, ort, got onnx/],
    [['gpt2', '--runtime', 'ort', '--backend', 'cpu'], /--runtime ort runs on wasm in Node/],
    [['gpt2', '--runtime', 'ort', '--paired', 'on'], /--paired on times tfjs reference kernels .* not available with --runtime ort/],
    [
      ['gpt2', '--runtime', 'ort', '--max-mb', '600'],
      /needs [\d.]+ [GM]B \(weights .* x2 \(packed copy\) .* \+ the second session’s weights .*limit 600 MB on the user cap on wasm/,
    ],
    [['tinyllama-1.1b', '--runtime', 'ort'], /cannot run on ONNX Runtime: fp32 weights of 4\.\d\d GiB do not fit a single \.onnx file/],
    [
      [JSON.stringify({ ...TINY['neox-tied'], dModel: 40, layers: [{ nHead: 2, dInner: 64 }] }), '--runtime', 'ort', '--tokens', '8'],
      /cannot run on ONNX Runtime: .*rotated dims/,
    ],
  ])('bad input %j throws a one-line UsageError', async (argv, message) => {
    const err = await measureCommand(argv).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('\n');
  });
});
