// Training-free quality proxies. Higher is better for all three.
import type { Arch } from './arch';
import { detLn } from './detMath';

export type ProxyId = 'decoder-params' | 'entropy' | 'flops';
export const PROXY_IDS: readonly ProxyId[] = ['decoder-params', 'entropy', 'flops'];

export interface EntropyParams {
  /** Weight of the attention maps' entropy. */
  aAtt: number;
  /** Weight of the FFN maps' entropy. */
  aFfn: number;
  /** Effectiveness threshold rho0 on nLayer / dModel. */
  rho0: number;
}
export const DEFAULT_ENTROPY: EntropyParams = { aAtt: 1, aFfn: 1, rho0: 1 / 16 };

/** Values a proxy may read that the evaluator has already computed. */
export interface ProxyInputs {
  decoderParams: number;
  prefillFlops: number;
}

export interface ProxyDef {
  id: ProxyId;
  label: string;
  /** Shown in the UI next to the proxy. */
  formula: string;
  source: string;
  higherIsBetter: true;
  compute(arch: Arch, inputs: ProxyInputs, entropy: EntropyParams): number;
}

/**
 * MeRino-style entropy, OUR RECONSTRUCTION (MeRino, Zhao et al., AAAI 2025, has no public code).
 * After DeepMAD (Shen et al., CVPR 2023): the differential entropy of a deep linear network under
 * unit-Gaussian initialisation grows with the sum over its linear maps of log(fan-in width).
 *   H = sum_l [ aAtt*(log d [QKV] + log d [out proj]) + aFfn*(log d [up] + log dInner_l [down]) ]
 *       (+ aFfn*log d for SwiGLU's gate)
 * Effectiveness rho = nLayer / dModel; when rho > rho0, H is multiplied by rho0 / rho
 * (MeRino's depth/width constraint; it reports beta = 1/16).
 */
export function entropyScore(arch: Arch, p: EntropyParams = DEFAULT_ENTROPY): number {
  const logD = detLn(arch.dModel);
  const gate = arch.family === 'llama' ? logD : 0;
  let h = 0;
  for (const layer of arch.layers) {
    h += p.aAtt * 2 * logD + p.aFfn * (logD + detLn(layer.dInner) + gate);
  }
  const rho = arch.layers.length / arch.dModel;
  return rho > p.rho0 ? (h * p.rho0) / rho : h;
}

export const PROXIES: Record<ProxyId, ProxyDef> = {
  'decoder-params': {
    id: 'decoder-params',
    label: 'Decoder params',
    formula: 'N_decoder = Σ_l (attention_l + FFN_l + norms_l) + final norm',
    source: 'LiteTransformerSearch (Javaheripi et al., NeurIPS 2022)',
    higherIsBetter: true,
    compute: (_arch, inputs) => inputs.decoderParams,
  },
  entropy: {
    id: 'entropy',
    label: 'Entropy (MeRino-style)',
    formula:
      'H = Σ_l [a_att·(ln d + ln d) + a_ffn·(ln d + ln d_inner,l) (+ a_ffn·ln d, SwiGLU gate)] · min(1, ρ0/ρ), ' +
      'ρ = n_layer/d (our reconstruction)',
    source: 'MeRino (Zhao et al., AAAI 2025), reconstructed after DeepMAD',
    higherIsBetter: true,
    compute: (arch, _inputs, entropy) => entropyScore(arch, entropy),
  },
  flops: {
    id: 'flops',
    label: 'Prefill FLOPs (naive baseline)',
    formula: 'FLOPs of a prefill of T tokens (2 × multiply-adds)',
    source: 'baseline for comparison',
    higherIsBetter: true,
    compute: (_arch, inputs) => inputs.prefillFlops,
  },
};

export function computeProxies(arch: Arch, inputs: ProxyInputs, entropy: EntropyParams): Record<ProxyId, number> {
  return {
    'decoder-params': inputs.decoderParams,
    entropy: entropyScore(arch, entropy),
    flops: inputs.prefillFlops,
  };
}
