// What the export buttons save, built from the run on screen: full candidates are rebuilt from
// the packed frontier (exact, see core/packed), ordered by latency as the table shows them.
import type { Arch } from '../core/arch';
import type { Candidate } from '../core/archive';
import { archJson, frontierCsv, frontierJson } from '../core/export';
import { toHfConfig } from '../core/hfconfig';
import { rebuildCandidate, type PackedSnapshot } from '../core/packed';
import type { PowerLawFit } from '../core/reference';
import type { SearchConfig } from '../core/search';

export function frontierCandidates(snapshot: PackedSnapshot, config: SearchConfig): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < snapshot.frontier.count; i++) out.push(rebuildCandidate(snapshot.frontier, i, config));
  const prefill = config.eval.workload === 'prefill';
  return out.sort((a, b) =>
    prefill ? a.latency.prefillMs - b.latency.prefillMs : a.latency.decodeMs - b.latency.decodeMs,
  );
}

export const exportCsv = (snapshot: PackedSnapshot, config: SearchConfig, fit: PowerLawFit | null): string =>
  frontierCsv(frontierCandidates(snapshot, config), fit ?? undefined);

export function exportJson(snapshot: PackedSnapshot, config: SearchConfig, fit: PowerLawFit | null) {
  const { generation, evaluated, feasible, hypervolume, reference } = snapshot;
  return frontierJson(
    config,
    frontierCandidates(snapshot, config),
    { generation, evaluated, feasible, hypervolume, reference },
    fit ?? undefined,
  );
}

/** config.json for a homogeneous arch, else the arch JSON and why. */
export function archExport(arch: Arch): { filename: string; json: unknown; heterogeneous: boolean } {
  const hf = toHfConfig(arch);
  return hf.ok
    ? { filename: 'config.json', json: hf.config, heterogeneous: false }
    : { filename: 'arch.json', json: archJson(arch), heterogeneous: true };
}
