// What the export buttons save, built from the run on screen: full candidates are rebuilt from
// the packed frontier (exact, see core/packed), ordered by latency as the table shows them.
import type { Arch } from '../core/arch';
import type { Candidate } from '../core/archive';
import { archJson, frontierCsv, frontierJson, type MeasuredByKey, type MeasuredExport } from '../core/export';
import { toHfConfig } from '../core/hfconfig';
import { rebuildCandidate, type PackedSnapshot } from '../core/packed';
import type { PowerLawFit } from '../core/referenceModels';
import type { SearchConfig } from '../core/search';
import type { MeasuredSeries, MeasurementStore } from '../core/measurements';

export function frontierCandidates(snapshot: PackedSnapshot, config: SearchConfig): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < snapshot.frontier.count; i++) out.push(rebuildCandidate(snapshot.frontier, i, config));
  const prefill = config.eval.workload === 'prefill';
  return out.sort((a, b) => (prefill ? a.latency.prefillMs - b.latency.prefillMs : a.latency.decodeMs - b.latency.decodeMs));
}

/** What `series` measured of each arch key, as the exports write it. */
function measuredBy(series: readonly MeasuredSeries[]): MeasuredByKey {
  return (key) =>
    series.flatMap((s): MeasuredExport[] => {
      const m = s.byArch[key];
      if (!m) return [];
      const stats = ({ medianMs, p10Ms, p90Ms, runs }: MeasuredExport['prefill']) => ({
        medianMs,
        p10Ms,
        p90Ms,
        ...(runs === undefined ? {} : { runs }),
      });
      return [
        {
          on: s.label,
          tokens: m.tokens,
          prefill: stats(m.prefill),
          decode: stats(m.decode),
          ...(m.slices ? { slices: m.slices } : {}),
          at: m.at,
        },
      ];
    });
}

/** CSV of the frontier; its measured columns hold the series the table shows. */
export const exportCsv = (
  snapshot: PackedSnapshot,
  config: SearchConfig,
  fit: PowerLawFit | null,
  measurements: MeasurementStore,
  shownSeriesId: string | null,
): string =>
  frontierCsv(
    frontierCandidates(snapshot, config),
    fit ?? undefined,
    measuredBy(measurements.series.filter((s) => s.id === shownSeriesId)),
  );

/** JSON of the frontier; each candidate lists what every measured series timed of it. */
export function exportJson(snapshot: PackedSnapshot, config: SearchConfig, fit: PowerLawFit | null, measurements: MeasurementStore) {
  const { generation, evaluated, feasible, hypervolume, reference } = snapshot;
  return {
    ...frontierJson(
      config,
      frontierCandidates(snapshot, config),
      { generation, evaluated, feasible, hypervolume, reference },
      fit ?? undefined,
      measuredBy(measurements.series),
    ),
    devices: measurements.series.map(({ label, backend, device, thread, tokens }) => ({ label, backend, thread, tokens, device })),
  };
}

/** config.json for a homogeneous arch, else the arch JSON and why. */
export function archExport(arch: Arch): { filename: string; json: unknown; heterogeneous: boolean } {
  const hf = toHfConfig(arch);
  return hf.ok
    ? { filename: 'config.json', json: hf.config, heterogeneous: false }
    : { filename: 'arch.json', json: archJson(arch), heterogeneous: true };
}
