// "Share" and "Measure on another device": the two links the explorer hands out. The share link
// reproduces this search and view (and carries the device series that fit); the measure link
// carries the candidates and the workload to a phone, which times them and sends results back.
import { useEffect, useState } from 'react';
import type { Arch } from '../core/arch';
import { runtimeBackends } from '../core/backendNames';
import { encodeMeasureLink, linkHash } from '../core/links';
import { REFINE_BATCH, refineBatch } from '../state/explorerStore';
import { explorerStore, useExplorer } from '../state/store';
import { shareLinkOf } from '../state/urlState';
import { LinkBox } from './LinkBox';
import { measureTargets } from '../state/measureForm';

/** The page's address without its hash: what every link starts with. */
export const pageBase = (): string => location.href.replace(/#.*$/, '');

function ShareBox({ onDownloadJson }: { onDownloadJson: () => void }) {
  const [link, setLink] = useState<{ url: string; leftOut: string[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    shareLinkOf(explorerStore.getState(), pageBase()).then(setLink, (e: Error) =>
      setError(`The share link could not be made: ${e.message}`),
    );
  }, []);
  return (
    <LinkBox label="Share link" url={link?.url ?? null} shareTitle="LM Frontier search">
      <p className="hint">Opening it runs the same search (same seed) and shows the same frontier, view and selected candidate.</p>
      {link?.leftOut.length ? (
        <p className="note" role="note">
          Left out of the link: {link.leftOut.join('; ')}.{' '}
          <button type="button" className="link-button" onClick={onDownloadJson}>
            Download JSON
          </button>{' '}
          holds every series.
        </p>
      ) : null}
      {error ? <p className="inline-error">{error}</p> : null}
    </LinkBox>
  );
}

/** The candidates a measure link carries: while refining another device's predictor, the next
 *  batch its series lacks; else the selection, or up to 20 spread along the frontier. */
function linkCandidates(): { archs: Arch[]; what: string } | { error: string } {
  const s = explorerStore.getState();
  const shown = s.measure.measurements.series.find((x) => x.id === s.measure.shownSeriesId);
  if (s.settings.predictor && shown && shown.label === s.settings.predictor.device && shown.device.userAgent !== navigator.userAgent) {
    const archs = refineBatch(s, shown.id, REFINE_BATCH);
    if (archs.length) {
      return {
        archs,
        what: `the next ${archs.length} frontier candidates ${shown.label} has not measured (refining its predictor: import the results, then Predict again)`,
      };
    }
  }
  if (s.measure.form.mode === 'selected' && s.selection) return { archs: [s.selection.arch], what: 'the selected candidate' };
  const { archs, error } = measureTargets(s, 'frontier');
  if (error) return { error };
  const n = archs.length;
  return { archs, what: `${n} candidate${n === 1 ? '' : 's'} spread along the frontier` };
}

function MeasureLinkBox() {
  const [picked] = useState(linkCandidates); // what is selected when the panel opens
  const [link, setLink] = useState<{ url: string; what: string } | null>(null);
  const [failure, setError] = useState<string | null>(null);
  const error = 'error' in picked ? picked.error : failure;
  useEffect(() => {
    if ('error' in picked) return;
    const { form } = explorerStore.getState().measure;
    encodeMeasureLink({
      candidates: picked.archs,
      tokens: form.tokens,
      runs: form.runs,
      minTimeMs: form.minTimeMs,
      rounds: form.rounds,
      // The phone picks among these on the panel's runtime (ORT: wasm and webgpu).
      backends: (['wasm', 'webgl', 'webgpu'] as const).filter((b) => runtimeBackends(form.runtime).includes(b)),
      ...(form.withBaselines ? { baselines: explorerStore.getState().settings.baselines } : {}),
      ...(form.runtime === 'tfjs' ? {} : { runtime: form.runtime }),
    }).then(
      (payload) => {
        const b = form.withBaselines ? explorerStore.getState().settings.baselines.length : 0;
        const what = b ? `${picked.what} and ${b} baseline${b === 1 ? '' : 's'}` : picked.what;
        setLink({ url: pageBase() + linkHash('m', payload), what });
      },
      (e: Error) => setError(`The measure link could not be made: ${e.message}`),
    );
  }, [picked]);
  return (
    <LinkBox label="Measure link" url={link?.url ?? null} qr shareTitle="Measure on this device (LM Frontier)">
      {link ? (
        <p className="hint">
          Open it on the phone (scan the code): it times {link.what} there with the workload of this panel (T, runs, time, rounds) and sends
          the figures back as a results link. Phones need HTTPS for WebGPU and WASM threads: see the README, “Measuring on a phone”.
        </p>
      ) : null}
      {error ? <p className="inline-error">{error}</p> : null}
    </LinkBox>
  );
}

export function LinksPanel({ onDownloadJson }: { onDownloadJson: () => void }) {
  const [open, setOpen] = useState<'share' | 'measure' | null>(null);
  const hasFrontier = useExplorer((s) => (s.results?.snapshot.frontier.count ?? 0) > 0);
  // A new link whenever the panel opens (the state may have moved on since).
  const toggle = (which: 'share' | 'measure') => setOpen((o) => (o === which ? null : which));
  return (
    <div className="links-panel">
      <div className="buttons">
        <button type="button" aria-expanded={open === 'share'} onClick={() => toggle('share')}>
          Share
        </button>
        <button type="button" aria-expanded={open === 'measure'} disabled={!hasFrontier} onClick={() => toggle('measure')}>
          Measure on another device
        </button>
      </div>
      {open === 'share' ? <ShareBox onDownloadJson={onDownloadJson} /> : null}
      {open === 'measure' ? <MeasureLinkBox /> : null}
    </div>
  );
}
