// Proxy validation lab benchmark: the `validate-train` command with its defaults (K = 12 archs of
// the default search space, scaled down, 300 Adam steps each, seed 1, Moby-Dick) on Node's tfjs
// wasm backend, run as a user runs it: `tsx src/cli/main.ts validate-train --backend wasm` in a
// child process. Target: the whole run within 10 minutes on 2 cores. Reports the wall time
// (process start-up included), each model's time and perplexity, and each proxy's Spearman and
// Kendall with -ppl and their 95 % bootstrap intervals, whatever they come out as.
import { spawn } from 'node:child_process';
import { archSummary } from '../src/core/arch';
import { median } from '../src/core/stats';
import type { ValidationReport } from '../src/core/validation';

export const TARGET_SECONDS = 600;
const ARGS = ['src/cli/main.ts', 'validate-train', '--backend', 'wasm'];

/** Runs the CLI; its progress lines (stderr) go to `log` as they come. */
function runCli(log: (s: string) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('node_modules/.bin/tsx', ARGS, { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let pending = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => {
      const lines = (pending + b).split('\n');
      pending = lines.pop() ?? '';
      lines.forEach((l) => log(l));
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (pending) log(pending);
      if (code === 0) resolve(stdout);
      else reject(new Error(`validate-train exited with ${code}`));
    });
  });
}

export async function runValidateTrainBench(log: (s: string) => void = () => {}) {
  const start = performance.now();
  const report = JSON.parse(await runCli(log)) as ValidationReport & { wallMs: number; device: Record<string, unknown> };
  const seconds = (performance.now() - start) / 1000;
  const models = report.models.map((m) => ({
    index: m.index,
    source: archSummary(m.source),
    trained: archSummary(m.arch),
    params: m.params,
    decoderParams: m.proxies['decoder-params'],
    ppl: m.ppl,
    firstLoss: m.losses[0],
    lastLoss: m.losses[m.losses.length - 1],
    seconds: m.ms / 1000,
    msPerStep: m.ms / report.settings.steps,
  }));
  const perModel = models.map((m) => m.seconds);
  return {
    bench: 'validate-train',
    command: `tsx ${ARGS.join(' ')}`,
    seconds,
    targetSeconds: TARGET_SECONDS,
    perModelSeconds: { median: median(perModel), min: Math.min(...perModel), max: Math.max(...perModel) },
    models,
    proxies: report.proxies,
    report,
  };
}
