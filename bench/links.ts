// Link sizes: the default share link (the default search done, its middle candidate selected,
// its fingerprint), a measure link of 20 candidates spread along that frontier with the default
// workload, and a results link answering it from a phone (one wasm series, every candidate
// measured; the figures are made up but of a phone's magnitude: their digits, not their values,
// set the length). Each with the QR version (error correction L) it needs. Lengths are of the
// whole URL behind the longest LAN origin `npm run preview:lan` prints.
import { archKey } from '../src/core/arch';
import { encodeMeasureLink, linkHash } from '../src/core/links';
import { encodeResultsLink, type ResultsLink } from '../src/core/resultsLink';
import { toMeasurement } from '../src/core/measurements';
import { packSnapshot } from '../src/core/packed';
import { makeRng } from '../src/core/random';
import { searchToEnd } from '../src/core/search';
import { capEvenly } from '../src/core/stats';
import type { MeasureResult } from '../src/core/timingStats';
import { settingsToConfig, defaultSettings } from '../src/state/settings';
import { encodeShareLink } from '../src/state/shareLink';
import { frontierFingerprint } from '../src/core/links';
import { qrVersion } from '../src/ui/qr';

export const LAN_ORIGIN = 'https://192.168.100.100:4173/';
const PHONE_UA = 'Mozilla/5.0 (Linux; Android 14; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';

export interface LinkFigure {
  link: string;
  characters: number;
  qrVersion: number | null;
}

export async function runLinksBench(): Promise<{ origin: string; links: LinkFigure[] }> {
  const settings = defaultSettings();
  const { config } = settingsToConfig(settings);
  const final = searchToEnd(config!);
  const snapshot = packSnapshot(final, config!.objectives.length);
  const byLatency = [...final.frontier].sort((a, b) => a.latency.decodeMs - b.latency.decodeMs || a.id - b.id);
  const middle = byLatency[Math.floor(byLatency.length / 2)];
  const share = await encodeShareLink({
    settings,
    view: { x: 'latency-decode', y: 'decoder-params', logX: false, logY: false, showDominated: true, showInfeasible: false },
    selectedId: middle.id,
    fingerprint: frontierFingerprint(snapshot, config!),
  });

  const candidates = capEvenly(byLatency, 20).map((c) => c.arch);
  const measure = linkHash(
    'm',
    await encodeMeasureLink({ candidates, tokens: 128, runs: 10, minTimeMs: 1000, rounds: 4, backends: ['wasm', 'webgl', 'webgpu'] }),
  );

  const rng = makeRng(1);
  const timing = (ms: number) => {
    const median = ms * (0.8 + 0.4 * rng());
    return {
      medianMs: median,
      p10Ms: median * (0.95 - 0.03 * rng()),
      p90Ms: median * (1.05 + 0.1 * rng()),
      cv: 0.02 + 0.08 * rng(),
      firstRunMs: median * 4,
      runs: 20 + Math.floor(200 * rng()),
      timesMs: [],
    };
  };
  const at = new Date('2026-11-30T12:00:00Z');
  const measurements = candidates.map((a, i) => {
    const r: MeasureResult = {
      backend: 'wasm',
      arch: archKey(a),
      params: 0,
      tokens: 128,
      buildMs: 100,
      prefill: timing(40 + 40 * i),
      decode: timing(3 + 2 * i),
      peakBytes: Math.round(4e7 + 2e7 * i * rng()),
      estimatedBytes: 0,
      leakedTensors: 0,
      slices: 4,
    };
    return toMeasurement(r, at);
  });
  const device = {
    backend: 'wasm',
    runtime: 'worker' as const,
    userAgent: PHONE_UA,
    hardwareConcurrency: 8,
    deviceMemoryGB: 8,
    crossOriginIsolated: true,
    wasmSimd: true,
    wasmThreads: true,
    wasmThreadCount: 4,
  };
  const results: ResultsLink = {
    candidates,
    series: [{ label: '', backend: 'wasm', device, thread: 'worker', tokens: 128, at: at.toISOString(), measurements }],
  };
  const back = linkHash('r', await encodeResultsLink(results));

  const figure = async (link: string, hash: string): Promise<LinkFigure> => {
    const url = LAN_ORIGIN + hash;
    return { link, characters: url.length, qrVersion: await qrVersion(url) };
  };
  return {
    origin: LAN_ORIGIN,
    links: [
      await figure('share: the default search', share.hash),
      await figure('measure: 20 candidates of the default frontier', measure),
      await figure('results: that measure link answered (wasm, 20 candidates)', back),
    ],
  };
}
