// npm run bench [-- search|latency|interleave|drift|runtimes|validatetrain ...]: runs the benchmarks, writes bench/results/<name>.json and
// prints a table. Figures are ratios against targets measured in the same run where possible.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { runDriftBench } from './drift';
import { runLatencyBench } from './latency';
import { runLinksBench } from './links';
import { runMainThreadBench } from './mainThread';
import { runPredictBench } from './predict';
import { runInterleaveBench } from './interleave';
import { runRuntimesBench, SPEED_TARGET } from './runtimes';
import { runSearchBench } from './search';
import { runValidateTrainBench } from './validateTrain';

type Row = [string, string, string, string];

function table(rows: Row[]): string {
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ')).join('\n');
}

const ok = (pass: boolean) => (pass ? 'met' : 'NOT met');

function searchBench(): Row[] {
  const r = runSearchBench();
  const [nsga, rnd] = r.methods;
  const t = r.targets;
  save('search', r);
  return [
    ['search benchmark', 'NSGA-II', 'random', 'target'],
    ['space (homogeneous LTS GPT-2)', `${r.spaceSize} archs`, `front ${r.exhaustiveFrontSize}`, ''],
    ['evaluations per run', `${r.evaluationsPerRun} (${(100 * r.fractionEvaluated).toFixed(1)}%)`, `${r.evaluationsPerRun}`, '<= 5%'],
    [
      'hypervolume / exhaustive (median of 5)',
      nsga.hvRatioMedian.toFixed(4),
      rnd.hvRatioMedian.toFixed(4),
      `>= ${t.hvRatio} ${ok(nsga.hvRatioMedian >= t.hvRatio)}`,
    ],
    [
      'multiplicative epsilon (median of 5)',
      nsga.epsilonMedian.toFixed(3),
      rnd.epsilonMedian.toFixed(3),
      `<= ${t.epsilon} ${ok(nsga.epsilonMedian <= t.epsilon)}`,
    ],
    [
      'evaluations per second (1 core)',
      Math.round(r.evaluationsPerSecond).toLocaleString('en-US'),
      '',
      `>= 100,000 ${ok(r.evaluationsPerSecond >= t.evalsPerSecond)}`,
    ],
    [
      '20,000-eval default search (s, median of 5)',
      r.defaultSearch.secondsMedian.toFixed(2),
      '',
      `< 1 ${ok(r.defaultSearch.secondsMedian < t.searchSeconds)}`,
    ],
  ];
}

async function latencyBench(): Promise<Row[]> {
  const r = await runLatencyBench((s) => console.log(`  ${s}`));
  save('latency', r);
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const rows: Row[] = [
    ['latency benchmark (wasm, headless Chromium)', 'measured', 'ratio', 'target'],
    ['matmul (device profile at the start)', `${r.profile.gflops.toFixed(1)} GFLOP/s`, '', ''],
    ['bandwidth (device profile at the start)', `${r.profile.gbps.toFixed(1)} GB/s`, '', ''],
  ];
  for (const e of r.efficiency) {
    const t = e.prefillTarget;
    rows.push([
      `prefill ${e.name}`,
      `${e.prefillMs.toFixed(1)} ms, ${e.prefillGflops.toFixed(1)} GFLOP/s`,
      e.prefillRatio.toFixed(2),
      t ? `>= ${t} ${ok(e.prefillRatio >= t)}` : '',
    ]);
    rows.push([`  vs the matmul measured once at the start`, '', e.prefillRatioStart.toFixed(2), '']);
    rows.push([`decode ${e.name}`, `${e.decodeMs.toFixed(2)} ms (limit ${e.decodeLimitMs.toFixed(2)})`, e.decodeRatio.toFixed(2), '']);
    rows.push([`  vs the GEMV reference timed after each step`, '', e.decodeRatioPaired.toFixed(2), '']);
    const cv = Math.max(e.prefillCvOfMedians, e.decodeCvOfMedians);
    rows.push([
      `CV of medians, 5 repeats, ${e.name}`,
      `prefill ${pct(e.prefillCvOfMedians)}, decode ${pct(e.decodeCvOfMedians)}`,
      '',
      `<= 5% ${ok(cv <= 0.05)}`,
    ]);
    rows.push([`  the control's CV over them (matmul, GEMV)`, `${pct(e.controlGflopsCv)}, ${pct(e.controlGbpsCv)}`, '', '']);
  }
  const dc = r.driftCorrected;
  rows.push([
    `drift removed run by run (to the run's median reference: ${dc.atReferenceMs.prefill.toFixed(2)} ms matmul, ${dc.atReferenceMs.decode.toFixed(2)} ms GEMV)`,
    '',
    '',
    '',
  ]);
  for (const s of dc.stability) {
    const cv = Math.max(s.prefillCv, s.decodeCv);
    rows.push([
      `  CV of medians, 5 repeats, ${s.name}`,
      `prefill ${pct(s.prefillCv)}, decode ${pct(s.decodeCv)}`,
      '',
      `(<= 5% ${cv <= 0.05 ? 'yes' : 'no'})`,
    ]);
  }
  for (const a of dc.agreement) {
    rows.push([
      `  ${a.workload}: Spearman pass 1 vs pass 2 (10 archs, all 20)`,
      `${a.passSpearman.toFixed(3)}, ${a.passSpearmanAll.toFixed(3)}`,
      '',
      `(>= 0.95 ${a.passSpearman >= 0.95 ? 'yes' : 'no'})`,
    ]);
  }
  const c = r.calibrated;
  rows.push([
    'analytic calibrated with (median of controls)',
    `${c.gflops.toFixed(1)} GFLOP/s, ${c.gbps.toFixed(1)} GB/s, ${(c.overheadMsPerKernel * 1000).toFixed(0)} µs/kernel`,
    '',
    '',
  ]);
  for (const a of r.agreement) {
    rows.push([
      `${a.workload}: Spearman pass 1 vs pass 2 (10 archs)`,
      a.passSpearman.toFixed(3),
      '',
      `>= 0.95 ${ok(a.passSpearman >= 0.95)}`,
    ]);
    rows.push([`${a.workload}: Spearman pass 1 vs pass 2 (all 20)`, a.passSpearmanAll.toFixed(3), '', '']);
    rows.push([`${a.workload}: analytic vs measured Spearman`, a.analyticSpearman.toFixed(3), '', '']);
    rows.push([`${a.workload}: analytic vs measured median APE`, pct(a.analyticMape), '', '']);
  }
  rows.push([
    'leak check: 50 cycles, tensors before -> after',
    `${r.leak.tensorsBefore} -> ${r.leak.tensorsAfter}`,
    '',
    `unchanged ${ok(r.leak.tensorsBefore === r.leak.tensorsAfter)}`,
  ]);
  return rows;
}

async function driftBench(): Promise<Row[]> {
  const r = await runDriftBench((s) => console.log(`  ${s}`));
  save('drift', r);
  const row = (label: string, x: { median: number; cv: number; maxOverMin: number }, unit: string): Row => [
    `  ${label}`,
    `${x.median.toFixed(unit === '' ? 3 : 2)}${unit}`,
    `CV ${(100 * x.cv).toFixed(1)}%`,
    `max/min ${x.maxOverMin.toFixed(2)}`,
  ];
  const rows: Row[] = [
    [
      `drift: models built once, ${r.protocol.seconds} s of ${r.protocol.windowMs / 1000}-s windows (wasm)`,
      'median',
      'spread',
      'of window medians',
    ],
  ];
  for (const m of r.models) {
    rows.push(
      [m.arch, '', '', ''],
      row('decode step', m.spread.decodeMs, ' ms'),
      row('GEMV reference right after each step', m.spread.referenceMs, ' ms'),
      row('decode / reference, step by step', m.spread.ratio, ''),
      row(`decode moved to the median reference (share ${m.share.toFixed(2)})`, m.spread.correctedMs, ' ms'),
      row('fixed JS loop, once per window', m.spread.loopMs, ' ms'),
      ['  decode ms per reference ms: fitted, from byte counts', `${m.fittedShare.toFixed(2)}, ${m.share.toFixed(2)}`, '', ''],
    );
  }
  const { nodeWasm, native } = r.outsideBrowser;
  rows.push(['the GEMV alone, outside the browser, afterwards', '', '', ''], row("in Node's tfjs-backend-wasm", nodeWasm.spread, ' ms'));
  rows.push('skipped' in native ? ['  in C', `skipped: ${native.skipped}`, '', ''] : row('in C, -O3 -march=native', native.spread, ' ms'));
  return rows;
}

async function interleaveBench(): Promise<Row[]> {
  const r = await runInterleaveBench((s) => console.log(`  ${s}`));
  save('interleave', r);
  const rows: Row[] = [
    [
      `interleave: three passes over ${r.protocol.archs} sampled archs per protocol (wasm)`,
      'Spearman of each pair of passes',
      'median CV across passes',
      's per pass',
    ],
  ];
  const f = (xs: number[]) => xs.map((x) => x.toFixed(3)).join(', ');
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  for (const [label, p] of [
    ['one arch after the other', r.sequential],
    [`${r.roundRobin.rounds} round-robin slices per arch`, r.roundRobin],
  ] as const) {
    rows.push([`  ${label}`, '', '', p.secondsPerPass.toFixed(0)]);
    rows.push(['    prefill', f(p.prefillSpearmans), pct(p.prefillCvAcrossPasses), '']);
    rows.push(['    decode', f(p.decodeSpearmans), pct(p.decodeCvAcrossPasses), '']);
  }
  return rows;
}

async function runtimesBench(): Promise<Row[]> {
  const r = await runRuntimesBench((s) => console.log(`  ${s}`));
  save('runtimes', r);
  const f = (x: number) => x.toFixed(3);
  const rows: Row[] = [
    [`runtimes: tfjs vs ORT-web, wasm, ${r.protocol.archs} archs, two passes (${r.protocol.order.join(', ')})`, 'Spearman', '', ''],
  ];
  for (const a of r.agreement) {
    rows.push([
      `  ${a.workload}: tfjs vs ORT (pass 1, pass 2, means)`,
      `${f(a.betweenRuntimesPass1)}, ${f(a.betweenRuntimesPass2)}, ${f(a.betweenRuntimesMeans)}`,
      '',
      '',
    ]);
    rows.push([`  ${a.workload}: pass 1 vs pass 2 (tfjs, ORT)`, `${f(a.tfjsPassToPass)}, ${f(a.ortPassToPass)}`, '', '']);
  }
  rows.push([
    'per arch (dModel, layers, M params)',
    'prefill ms tfjs / ORT',
    'decode ms tfjs / ORT',
    `tfjs speed vs ORT (>= ${SPEED_TARGET})`,
  ]);
  for (const a of r.perArch) {
    const ms = (x: { tfjsMs: number; ortMs: number }) => `${x.tfjsMs.toFixed(1)} / ${x.ortMs.toFixed(1)}`;
    const speed = (x: { tfjsSpeedVsOrt: number }) => x.tfjsSpeedVsOrt.toFixed(2);
    rows.push([
      `  d${a.dModel}, ${a.layers}L, ${(a.params / 1e6).toFixed(1)}M`,
      ms(a.prefill),
      ms(a.decode),
      `prefill ${speed(a.prefill)}, decode ${speed(a.decode)}`,
    ]);
  }
  for (const s of r.summary) {
    rows.push([
      `  ${s.workload}: tfjs speed vs ORT, min / median / max`,
      `${s.minSpeed.toFixed(2)} / ${s.medianSpeed.toFixed(2)} / ${s.maxSpeed.toFixed(2)}`,
      '',
      `${s.archsAtTarget} of ${r.perArch.length} archs at ${SPEED_TARGET}: target ${ok(s.archsAtTarget === r.perArch.length)}`,
    ]);
  }
  rows.push(['matmuls alone, y = xW + b (M, K, N)', 'ms tfjs / ORT', 'GFLOP/s tfjs / ORT', 'tfjs speed vs ORT']);
  for (const g of r.gemm.shapes) {
    rows.push([
      `  ${g.shape.join(' x ')}`,
      `${g.tfjsMs.toFixed(2)} / ${g.ortMs.toFixed(2)}`,
      `${g.tfjsGflops.toFixed(1)} / ${g.ortGflops.toFixed(1)}`,
      g.tfjsSpeedVsOrt.toFixed(2),
    ]);
  }
  rows.push([
    '  matmuls: tfjs speed vs ORT, min / median / max',
    `${r.gemm.minSpeed.toFixed(2)} / ${r.gemm.medianSpeed.toFixed(2)} / ${r.gemm.maxSpeed.toFixed(2)}`,
    '',
    '',
  ]);
  return rows;
}

async function predictBench(): Promise<Row[]> {
  const r = await runPredictBench((s) => console.log(`  ${s}`));
  save('predict', r);
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const rows: Row[] = [
    ['predicted latency: fit on 20 archs, predict 20 (wasm)', 'predicted', 'calibrated analytic', 'pass 2 vs pass 1 (floor)'],
  ];
  for (const rt of r.runtimes) {
    rows.push([`${rt.runtime} (fit ${rt.fitMs.toFixed(0)} ms, run ${rt.seconds.toFixed(0)} s)`, '', '', '']);
    for (const w of ['prefill', 'decode'] as const) {
      const f = rt[w];
      const cell = (x: { medianApe: number; within10: number; spearman: number }) =>
        `${pct(x.medianApe)}, ${pct(x.within10)} in ±10%, ρ ${x.spearman.toFixed(3)}`;
      rows.push([`  ${w} (${f.model}; LOO ${pct(f.looMedianApe)})`, cell(f.predicted), cell(f.analytic), cell(f.floor)]);
    }
  }
  rows.push(["targets: median error <= 8% and <= half the analytic's; >= 80% within ±10%; Spearman >= 0.97", '', '', '']);
  return rows;
}

async function linksBench(): Promise<Row[]> {
  const r = await runLinksBench();
  save('links', r);
  const rows: Row[] = [[`link sizes (behind ${r.origin})`, 'characters', 'QR version (EC L)', 'target']];
  for (const l of r.links) {
    const target = l.link.startsWith('measure') ? `< 1,000, QR <= 25 ${ok(l.characters < 1000 && (l.qrVersion ?? 99) <= 25)}` : '';
    rows.push([l.link, l.characters.toLocaleString('en-US'), String(l.qrVersion ?? 'too long'), target]);
  }
  return rows;
}

async function mainThreadBench(): Promise<Row[]> {
  const r = await runMainThreadBench((s) => console.log(`  ${s}`));
  save('mainthread', r);
  const rows: Row[] = [['main-thread long tasks (> 50 ms), built app', 'CPU', 'long tasks (ms), per repeat', 'target']];
  for (const s of r.situations) {
    const all = s.longTasks.flat();
    rows.push([
      `${s.name} (${s.repeats}x)`,
      s.throttle === 1 ? 'as is' : `${s.throttle}x throttled`,
      s.longTasks.map((l) => (l.length ? l.join(' ') : '-')).join(' | '),
      s.throttle === 1 ? `none ${ok(all.length === 0)}` : '',
    ]);
  }
  return rows;
}

async function validateTrainBench(): Promise<Row[]> {
  const r = await runValidateTrainBench((s) => console.log(`  ${s}`));
  save('validatetrain', r);
  const s = r.report.settings;
  const ci = ([lo, hi]: [number, number]) => `[${lo.toFixed(2)}, ${hi.toFixed(2)}]`;
  const rows: Row[] = [
    [
      `validate-train: K ${s.k}, ${s.steps} steps, batch ${s.batchSize} x ${s.seqLen} bytes, seed ${s.seed} (wasm, Node)`,
      'Spearman [95 % CI]',
      'Kendall [95 % CI]',
      'target',
    ],
    ['wall time', `${r.seconds.toFixed(0)} s`, '', `<= ${r.targetSeconds} s ${ok(r.seconds <= r.targetSeconds)}`],
    [
      'per model (median, min-max)',
      `${r.perModelSeconds.median.toFixed(1)} s, ${r.perModelSeconds.min.toFixed(1)}-${r.perModelSeconds.max.toFixed(1)} s`,
      '',
      '',
    ],
    [
      'held-out ppl (bytes), min-max',
      `${Math.min(...r.models.map((m) => m.ppl)).toFixed(2)}-${Math.max(...r.models.map((m) => m.ppl)).toFixed(2)}`,
      '',
      '',
    ],
  ];
  for (const p of r.proxies)
    rows.push([`  ${p.label}`, `${p.spearman.toFixed(3)} ${ci(p.spearmanCi)}`, `${p.kendall.toFixed(3)} ${ci(p.kendallCi)}`, '']);
  return rows;
}

function save(name: string, data: object) {
  mkdirSync('bench/results', { recursive: true });
  const meta = { date: new Date().toISOString(), node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model };
  writeFileSync(`bench/results/${name}.json`, JSON.stringify({ ...meta, ...data }, null, 2) + '\n');
}

const BENCHES: Record<string, () => Row[] | Promise<Row[]>> = {
  search: searchBench,
  latency: latencyBench,
  drift: driftBench,
  interleave: interleaveBench,
  runtimes: runtimesBench,
  links: linksBench,
  mainthread: mainThreadBench,
  predict: predictBench,
  validatetrain: validateTrainBench,
};

async function main() {
  const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(BENCHES);
  for (const name of names) {
    const bench = BENCHES[name];
    if (!bench) {
      console.error(`unknown benchmark ${name} (known: ${Object.keys(BENCHES).join(', ')})`);
      process.exit(2);
    }
    console.log(table(await bench()) + `\n(results: bench/results/${name}.json)\n`);
  }
}

main();
