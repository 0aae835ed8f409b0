// Frontier as CSV for the CLI: one row per candidate, numbers in base units.
import type { Candidate } from '../core/archive';
import { PROXY_IDS } from '../core/proxies';

const list = (xs: number[]) => (xs.every((x) => x === xs[0]) ? String(xs[0]) : xs.join(';'));

export function candidatesCsv(cs: readonly Candidate[]): string {
  const header = [
    'key', 'family', 'n_layer', 'd_model', 'n_head', 'n_kv_head', 'd_inner',
    'params_total', 'params_embedding', 'params_decoder', 'flops_prefill', 'flops_decode_step', 'memory_bytes',
    ...PROXY_IDS.map((p) => `score_${p}`), 'latency_prefill_ms', 'latency_decode_ms', 'latency_source',
  ];
  const rows = cs.map((c) => [
    `"${c.key}"`, c.arch.family, c.arch.layers.length, c.arch.dModel,
    list(c.arch.layers.map((l) => l.nHead)), list(c.arch.layers.map((l) => l.nKvHead ?? l.nHead)),
    list(c.arch.layers.map((l) => l.dInner)),
    c.params.total, c.params.embedding, c.params.decoder, c.flops.prefill, c.flops.decodeStep, c.memory.total,
    ...PROXY_IDS.map((p) => c.scores[p]), c.latency.prefillMs, c.latency.decodeMs, c.latency.source,
  ].join(','));
  return [header.join(','), ...rows].join('\n');
}
