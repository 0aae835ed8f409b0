// `npm run cli -- export-onnx <preset | arch.json> --out DIR [--seed 1] [--dtype fp32 | fp16]`
// Writes DIR/decoder_model.onnx and DIR/decoder_with_past_model.onnx (a Hugging Face Optimum
// text-generation-with-past layout, fp32 or fp16, opset 17, the tfjs builder's seeded random weights; see
// src/core/onnx and docs/onnx.md for timing them with ONNX Runtime) and returns a JSON summary.
// Bad input (arguments, arch, a model too big for one .onnx file, a directory that cannot be made)
// is a UsageError; a failed write is a plain Error.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { archKey } from '../core/arch';
import { exportOnnxChunks, ONNX_DTYPES, ONNX_FILES, onnxExportErrors, OPSET, type OnnxDtype } from '../core/onnx';
import { numberFlag, parseArgs, UsageError } from './args';
import { loadArchs } from './commands';

const USAGE = 'usage: export-onnx <preset | arch.json> --out DIR [--seed 1] [--dtype fp32 | fp16]';

export interface ExportOnnxSummary {
  arch: string;
  seed: number;
  dtype: OnnxDtype;
  opset: number;
  /** Parameters in each file's initializers (core's exact count). */
  params: number;
  files: { path: string; bytes: number }[];
}

export function exportOnnxCommand(argv: readonly string[]): ExportOnnxSummary {
  const { positionals, flags } = parseArgs(argv, ['out', 'seed', 'dtype']);
  if (positionals.length !== 1) throw new UsageError(`give one preset or arch JSON file; ${USAGE}`);
  const dir = flags.get('out');
  if (!dir) throw new UsageError(`--out DIR is required; ${USAGE}`);
  const seed = numberFlag(flags, 'seed', 1, { int: true, min: 0, max: 2 ** 32 - 1 });
  const dtype = (flags.get('dtype') ?? 'fp32') as OnnxDtype;
  if (!ONNX_DTYPES.includes(dtype))
    throw new UsageError(`--dtype must be ${ONNX_DTYPES.join(' or ')}, got "${flags.get('dtype')}"; ${USAGE}`);
  const { archs, many } = loadArchs(positionals[0]);
  if (many) throw new UsageError(`${positionals[0]} holds a list of archs; export-onnx takes one`);
  const arch = archs[0];
  const errors = onnxExportErrors(arch, dtype);
  if (errors.length) throw new UsageError(`cannot export to ONNX: ${errors.join('; ')}`);

  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new UsageError(`cannot create ${dir}: ${(e as Error).message}`);
  }
  const model = exportOnnxChunks(arch, { seed, dtype });
  const files = [
    { path: join(dir, ONNX_FILES.decoder), bytes: writeChunks(join(dir, ONNX_FILES.decoder), model.decoder) },
    { path: join(dir, ONNX_FILES.decoderWithPast), bytes: writeChunks(join(dir, ONNX_FILES.decoderWithPast), model.decoderWithPast) },
  ];
  return { arch: archKey(arch), seed, dtype, opset: OPSET, params: model.initializerParams, files };
}

/** Writes the chunks in order (the weights are never copied into one buffer); returns the bytes written. */
function writeChunks(path: string, chunks: readonly Uint8Array[]): number {
  const fd = openSync(path, 'w');
  let total = 0;
  try {
    for (const chunk of chunks) {
      for (let at = 0; at < chunk.length;) at += writeSync(fd, chunk, at, chunk.length - at);
      total += chunk.length;
    }
  } finally {
    closeSync(fd);
  }
  return total;
}
