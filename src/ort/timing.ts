// The timing protocol on ONNX Runtime Web (docs/architecture.md, Measuring), the same as tfjs's
// (src/measure/timing.ts) run by run through core/timingLoop.ts: for one arch on the backend
// selectOrtBackend started,
//   1. memory guard, then the model: core/onnx exports both Optimum graphs with the tfjs builder's
//      seeded weights (the prefill graph with the last position's logits only, as the builder's
//      prefill computes them), and ORT makes a session of each (decoder_model for the prefill,
//      decoder_with_past_model for decode); "build" is the export plus both sessions;
//   2. prefill of T tokens, then one decode step with T cached: the present.* a prefill returned
//      are fed back as past_key_values, as a generation loop feeds each step's presents to the
//      next (on wasm they cross into the wasm heap and back every step, which ORT-web's users pay
//      too); every decode run sees the same past of T (static shapes, as tfjs rewrites slot T).
//      Each workload: a first run timed on its own, warm-up, then timed runs until count and time
//      are met. A run ends when ORT hands back the logits on the CPU (on webgpu the presents stay
//      on the GPU, as a generation loop keeps them);
//   3. release both sessions. ORT reports no memory figure: peakBytes is null and says so; leaked
//      tensors are outputs left on the device (webgpu) after they were disposed.
// No paired reference: the reference kernels are tfjs kernels (src/measure/referenceKernels.ts).
import { archKey, type Arch } from '../core/arch';
import { assertFits, type GuardOptions } from '../core/memoryGuard';
import { exportOnnx, onnxExportErrors } from '../core/onnx';
import { countParams } from '../core/params';
import { measureInRounds, type InRoundsOptions } from '../core/slices';
import { protocolOptions, sampleTokens, timeRuns, type MeasurePhase, type ProtocolOptions } from '../core/timingLoop';
import type { MeasureResult } from '../core/timingStats';
import { selectedOrt, type Ort, type OrtBackend } from './runtime';

export interface OrtMeasureOptions extends ProtocolOptions {
  /** User memory cap in bytes for the guard. */
  maxBytes?: number;
  /** navigator.deviceMemory in GB, tightening the guard's limit when known. */
  deviceMemoryGB?: number;
  /** 'build' 0 then 1 of 1; 'prefill' / 'decode' timed runs done of the expected count (0 during
   *  the first run and warm-ups). */
  onProgress?: (phase: MeasurePhase, run: number, of: number) => void;
  /** Checked between runs: abort stops the measurement (the sessions are still released). */
  signal?: AbortSignal;
}

export const ORT_MEMORY_NOTE = 'ONNX Runtime Web reports no memory use (no peak figure is given)';

/** The memory guard's question for ORT. Both sessions hold the weights (and the wasm provider
 *  packs its MatMul weights, as XNNPACK does for tfjs: the guard's two copies on wasm), so the
 *  second session's copy counts too. */
export const ortGuard = (
  arch: Arch,
  backend: OrtBackend,
  o: { tokens: number; maxBytes?: number; deviceMemoryGB?: number },
): GuardOptions => ({
  backend,
  tokens: o.tokens,
  capacity: o.tokens + 1,
  maxBytes: o.maxBytes,
  deviceMemoryGB: o.deviceMemoryGB,
  extraWeightBytes: 4 * countParams(arch).total,
  extraWeightLabel: 'the second session’s weights',
});

type Tensor = InstanceType<Ort['Tensor']>;
type Session = Awaited<ReturnType<Ort['InferenceSession']['create']>>;

/** Times prefill and decode of `arch` on the selected ORT backend; releases both sessions. */
export async function measureArchOrt(arch: Arch, options: OrtMeasureOptions = {}): Promise<MeasureResult> {
  const { tokens, runs, warmup, seed, minTimeMs } = protocolOptions(arch, options);
  const { backend, ort } = selectedOrt();
  const exportErrors = onnxExportErrors(arch);
  if (exportErrors.length) throw new Error(`cannot run on ONNX Runtime: ${exportErrors.join('; ')}`);
  const check = assertFits(arch, ortGuard(arch, backend, { tokens, maxBytes: options.maxBytes, deviceMemoryGB: options.deviceMemoryGB }));
  const progress = options.onProgress;
  const gpu = backend === 'webgpu';
  const sessions: Session[] = [];
  // Outputs ORT left on the device (webgpu presents): each is disposed, and checked at the end.
  const onDevice: Tensor[] = [];
  const disposeAll = (outputs: Record<string, Tensor>, keep?: (name: string) => boolean) => {
    for (const [name, t] of Object.entries(outputs)) if (!keep?.(name)) t.dispose();
  };
  let past: Record<string, Tensor> = {};
  try {
    progress?.('build', 0, 1);
    const buildStart = performance.now();
    const { decoder, decoderWithPast, initializerParams } = exportOnnx(arch, { seed, lastLogits: true });
    const presents = arch.layers.flatMap((_, i) => [`present.${i}.key`, `present.${i}.value`]);
    const sessionOptions = {
      executionProviders: [backend],
      // Errors only: ORT warns (on the console's error channel) that it puts shape ops on its CPU provider.
      logSeverityLevel: 3 as const,
      // Logits come back to the CPU (what a sampler reads); presents stay where they were made.
      ...(gpu
        ? { preferredOutputLocation: { logits: 'cpu' as const, ...Object.fromEntries(presents.map((n) => [n, 'gpu-buffer' as const])) } }
        : {}),
    };
    sessions.push(await ort.InferenceSession.create(decoder, sessionOptions));
    sessions.push(await ort.InferenceSession.create(decoderWithPast, sessionOptions));
    const [prefillSession, decodeSession] = sessions;
    const buildMs = performance.now() - buildStart;
    progress?.('build', 1, 1);

    const int64 = (values: ArrayLike<number>, dims: number[]) =>
      new ort.Tensor(
        'int64',
        BigInt64Array.from(values, (v) => BigInt(v)),
        dims,
      );
    const ids = sampleTokens(tokens, arch.vocabSize, seed + 1);
    const prefillFeeds = {
      input_ids: int64(ids, [1, tokens]),
      attention_mask: int64(new Array<number>(tokens).fill(1), [1, tokens]),
      position_ids: int64(
        Array.from({ length: tokens }, (_, i) => i),
        [1, tokens],
      ),
    };
    const decodeInputs = {
      input_ids: int64([ids[0]], [1, 1]), // the token tfjs decodes
      attention_mask: int64(new Array<number>(tokens + 1).fill(1), [1, tokens + 1]),
      position_ids: int64([tokens], [1, 1]),
    };
    const common = { runs, warmup, minTimeMs, maxRuns: options.maxRuns, signal: options.signal };
    const track = (outputs: Record<string, Tensor>) => {
      for (const t of Object.values(outputs)) if (t.location !== 'cpu') onDevice.push(t);
      return outputs;
    };
    /** One run: until the logits are on the CPU (ORT resolves run() once they are). */
    const timed = async (session: Session, feeds: Record<string, Tensor>): Promise<[number, Record<string, Tensor>]> => {
      const start = performance.now();
      const out = track((await session.run(feeds)) as Record<string, Tensor>);
      const logits = out.logits;
      if (logits.location !== 'cpu') await logits.getData(); // never, with logits preferred on the CPU
      return [performance.now() - start, out];
    };

    progress?.('prefill', 0, runs);
    const prefill = await timeRuns(
      async () => {
        const [ms, out] = await timed(prefillSession, prefillFeeds);
        // The last prefill's presents become the decode step's past.
        disposeAll(past);
        past = Object.fromEntries(presents.map((n) => [n.replace('present.', 'past_key_values.'), out[n]]));
        disposeAll(out, (n) => n !== 'logits' && presents.includes(n));
        return ms;
      },
      { ...common, onRun: (r, n) => progress?.('prefill', r, n) },
    );
    progress?.('decode', 0, runs);
    const decodeFeeds = { ...decodeInputs, ...past };
    const decode = await timeRuns(
      async () => {
        const [ms, out] = await timed(decodeSession, decodeFeeds);
        disposeAll(out);
        return ms;
      },
      { ...common, onRun: (r, n) => progress?.('decode', r, n) },
    );
    disposeAll(past);
    past = {};
    return {
      runtime: 'ort',
      backend,
      arch: archKey(arch),
      params: initializerParams,
      tokens,
      buildMs,
      prefill,
      decode,
      peakBytes: null,
      memoryNote: ORT_MEMORY_NOTE,
      estimatedBytes: check.neededBytes,
      leakedTensors: onDevice.filter((t) => t.location !== 'none').length,
    };
  } finally {
    // Idempotent on ORT's side; frees everything when a run threw or was aborted.
    disposeAll(past);
    await Promise.all(sessions.map((s) => s.release()));
  }
}

export interface OrtRoundsOptions extends Omit<OrtMeasureOptions, 'onProgress'>, InRoundsOptions {}

/** Round-robin in one process (the CLI, the benchmarks), as src/measure/rounds.ts for tfjs. */
export const measureRoundsOrt = (archs: readonly Arch[], options: OrtRoundsOptions): Promise<MeasureResult[]> =>
  measureInRounds(archs, options, measureArchOrt);
