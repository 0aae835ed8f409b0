// The float types an ONNX export writes (weights, activations, KV cache and logits), in a file of
// their own so the page can offer the choice without loading the ONNX writer (src/core/onnx).
export type OnnxDtype = 'fp32' | 'fp16';
export const ONNX_DTYPES: readonly OnnxDtype[] = ['fp32', 'fp16'];
