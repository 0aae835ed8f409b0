// ONNX export of a core `Arch`: the two graphs of a Hugging Face Optimum text-generation export
// (decoder_model.onnx and decoder_with_past_model.onnx, see decoderGraph.ts), opset 17, fp32 or
// fp16, with the tfjs builder's seeded random weights (core/weights.ts: same specs, same fill order,
// same seed give the same numbers), so ONNX Runtime and our tfjs model compute the same logits.
import { archKey, type Arch } from '../arch';
import { formatErrors, validateArch } from '../validate';
import { fillWeight, specParamCount, weightSpecs } from '../weights';
import { decoderGraph, graphErrors, type GraphOptions } from './decoderGraph';
import type { OnnxDtype } from '../onnxDtypes';
import { floatTensor, halfTensor, modelProto, OPSET, type GraphSpec } from './onnxProto';
import { concatBytes } from './protobuf';

export { DIMS, graphIO, type GraphOptions } from './decoderGraph';
export { ONNX_DTYPES, type OnnxDtype } from '../onnxDtypes';
export { OPSET } from './onnxProto';

export const ONNX_FILES = { decoder: 'decoder_model.onnx', decoderWithPast: 'decoder_with_past_model.onnx' } as const;

/** A protobuf message, so a whole .onnx file without external data, is at most 2 GiB - 1 bytes
 *  (protobuf's int32 sizes; ONNX Runtime refuses larger files). Weights plus graph must fit. */
export const MAX_ONNX_BYTES = 2 ** 31 - 1;
/** Room left under that limit for everything that is not a weight (nodes, names, shapes). */
const GRAPH_ALLOWANCE = 16 * 2 ** 20;

export interface OnnxExport<Bytes = Uint8Array> {
  decoder: Bytes;
  decoderWithPast: Bytes;
  /** Elements in each graph's initializers: the model's parameters, every weight once. */
  initializerParams: number;
}

/** Why `arch` cannot be exported in `dtype` (invalid, rotary without an even rotated width, over
 *  2 GiB of weights), or []. */
export function onnxExportErrors(arch: Arch, dtype: OnnxDtype = 'fp32'): string[] {
  const invalid = validateArch(arch);
  if (invalid.length) return [formatErrors(invalid)];
  const errors = graphErrors(arch);
  const weightBytes = BYTES_PER_VALUE[dtype] * specParamCount(weightSpecs(arch));
  if (weightBytes > MAX_ONNX_BYTES - GRAPH_ALLOWANCE) {
    errors.push(
      `${dtype} weights of ${(weightBytes / 2 ** 30).toFixed(2)} GiB do not fit a single .onnx file (2 GiB; external data is not written)` +
        (dtype === 'fp32' && weightBytes / 2 <= MAX_ONNX_BYTES - GRAPH_ALLOWANCE ? '; fp16 would fit' : ''),
    );
  }
  return errors;
}

const BYTES_PER_VALUE: Record<OnnxDtype, number> = { fp32: 4, fp16: 2 };

export interface ExportOptions extends GraphOptions {
  /** Seed of the weights (core/weights.ts), as the tfjs builder's. Default 1. */
  seed?: number;
}

/**
 * Both files as lists of consecutive chunks, the weights' chunks shared between them and not
 * copied: a caller writing files chunk by chunk holds the weights once (GPT-2's two files are
 * 1 GB, its weights 0.5 GB; fp16 files are half that, their weights rounded from the same fp32
 * values). Weights are filled as the tfjs builder fills them from `seed` (default 1).
 */
export function exportOnnxChunks(arch: Arch, options: ExportOptions = {}): OnnxExport<Uint8Array[]> {
  const dtype = options.dtype ?? 'fp32';
  const errors = onnxExportErrors(arch, dtype);
  if (errors.length) throw new RangeError(`cannot export to ONNX: ${errors.join('; ')}`);
  const seed = options.seed ?? 1;
  const state = { seed };
  // Each weight is encoded once and shared by both graphs (an fp32 initializer is a view of the
  // filled values; an fp16 one a rounded copy, after which the fp32 values can go).
  const encodeWeight = dtype === 'fp16' ? halfTensor : floatTensor;
  let initializerParams = 0;
  const weights = weightSpecs(arch).map((spec) => {
    const values = fillWeight(spec, state);
    initializerParams += values.length;
    return encodeWeight(values, spec.shape, spec.name);
  });
  const encode = (graph: GraphSpec) =>
    modelProto({
      graph,
      producerName: 'lm-frontier',
      docString: `${archKey(arch)}: random ${dtype} weights, seed ${seed}, opset ${OPSET}${options.lastLogits ? ', logits of the last position only' : ''}`,
      // archKey, not the arch's JSON: canonical (same model, same bytes, whatever the key order).
      metadata: { 'lm_frontier.arch': archKey(arch), 'lm_frontier.seed': String(seed) },
    }).parts();
  return {
    decoder: encode(decoderGraph(arch, weights, false, options)),
    decoderWithPast: encode(decoderGraph(arch, weights, true, options)),
    initializerParams,
  };
}

/** Both files, each as one array. */
export function exportOnnx(arch: Arch, options: ExportOptions = {}): OnnxExport {
  const { decoder, decoderWithPast, initializerParams } = exportOnnxChunks(arch, options);
  return { decoder: concatBytes(decoder), decoderWithPast: concatBytes(decoderWithPast), initializerParams };
}
