// Real configurations from the Hugging Face hub, transcribed from each model's config.json.
// `hfParams` is what `AutoModelForCausalLM.from_pretrained(name).num_parameters()` prints; the
// unit tests require countParams(arch).total to equal it exactly.
import { homogeneous, type Arch } from './arch';

export interface Preset {
  name: string;
  hfId: string;
  arch: Arch;
  hfParams: number;
}

export const PRESETS: readonly Preset[] = [
  {
    name: 'gpt2',
    hfId: 'gpt2',
    hfParams: 124_439_808,
    arch: homogeneous({ family: 'gpt2', vocabSize: 50257, contextLength: 1024, dModel: 768, tieEmbeddings: true }, 12, {
      nHead: 12,
      dInner: 3072,
    }),
  },
  {
    name: 'gpt2-medium',
    hfId: 'gpt2-medium',
    hfParams: 354_823_168,
    arch: homogeneous({ family: 'gpt2', vocabSize: 50257, contextLength: 1024, dModel: 1024, tieEmbeddings: true }, 24, {
      nHead: 16,
      dInner: 4096,
    }),
  },
  {
    name: 'opt-125m',
    hfId: 'facebook/opt-125m',
    hfParams: 125_239_296,
    arch: homogeneous({ family: 'opt', vocabSize: 50272, contextLength: 2048, dModel: 768, tieEmbeddings: true }, 12, {
      nHead: 12,
      dInner: 3072,
    }),
  },
  {
    name: 'opt-350m',
    hfId: 'facebook/opt-350m',
    hfParams: 331_196_416,
    arch: homogeneous(
      {
        family: 'opt',
        vocabSize: 50272,
        contextLength: 2048,
        dModel: 1024,
        tieEmbeddings: true,
        embedDim: 512,
        normPosition: 'post',
      },
      24,
      { nHead: 16, dInner: 4096 },
    ),
  },
  {
    name: 'tinyllama-1.1b',
    hfId: 'TinyLlama/TinyLlama-1.1B-intermediate-step-1431k-3T',
    hfParams: 1_100_048_384,
    arch: homogeneous({ family: 'llama', vocabSize: 32000, contextLength: 2048, dModel: 2048, tieEmbeddings: false }, 22, {
      nHead: 32,
      nKvHead: 4,
      dInner: 5632,
    }),
  },
  {
    name: 'smollm-135m',
    hfId: 'HuggingFaceTB/SmolLM-135M',
    hfParams: 134_515_008,
    arch: homogeneous({ family: 'llama', vocabSize: 49152, contextLength: 2048, dModel: 576, tieEmbeddings: true }, 30, {
      nHead: 9,
      nKvHead: 3,
      dInner: 1536,
    }),
  },
  {
    name: 'qwen2.5-0.5b',
    hfId: 'Qwen/Qwen2.5-0.5B',
    hfParams: 494_032_768,
    arch: homogeneous({ family: 'llama', vocabSize: 151936, contextLength: 32768, dModel: 896, tieEmbeddings: true, qkvBias: true }, 24, {
      nHead: 14,
      nKvHead: 2,
      dInner: 4864,
    }),
  },
  {
    name: 'pythia-70m',
    hfId: 'EleutherAI/pythia-70m',
    hfParams: 70_426_624,
    arch: homogeneous({ family: 'neox', vocabSize: 50304, contextLength: 2048, dModel: 512, tieEmbeddings: false }, 6, {
      nHead: 8,
      dInner: 2048,
    }),
  },
  {
    name: 'pythia-160m',
    hfId: 'EleutherAI/pythia-160m',
    hfParams: 162_322_944,
    arch: homogeneous({ family: 'neox', vocabSize: 50304, contextLength: 2048, dModel: 768, tieEmbeddings: false }, 12, {
      nHead: 12,
      dInner: 3072,
    }),
  },
];

export function findPreset(name: string): Preset | undefined {
  const n = name.toLowerCase();
  return PRESETS.find((p) => p.name === n || p.hfId.toLowerCase() === n);
}
