// Product name and the device badge: the backend in use, "ORT-web" before it on ONNX Runtime
// (after the first Measure or Calibrate: neither runtime is loaded before), the GPU it runs on or
// the core count, WASM SIMD and threads, and cross-origin isolation. "About" opens the About view
// and goes back from it.
import { useMemo } from 'react';
import { useActions, useExplorer } from '../state/store';
import { wasmSupport } from '../state/wasmSupport';
import { ABOUT_BUTTON_ID } from './About';

function DeviceBadge() {
  const session = useExplorer((s) => s.measure.session);
  const loaded = useExplorer((s) => s.measure.tfjsLoaded);
  const probe = useMemo(() => wasmSupport(), []);
  const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency : undefined;
  const d = session?.device;
  const gpu = d?.webgpuAdapter ?? d?.webglRenderer;
  const wasm =
    d?.backend === 'wasm'
      ? `WASM ${d.wasmSimd ? 'SIMD' : 'no SIMD'}, ${d.wasmThreadCount ?? 1} thread${(d.wasmThreadCount ?? 1) === 1 ? '' : 's'}`
      : `WASM ${probe.simd ? 'SIMD' : 'no SIMD'}, ${probe.threads ? 'threads available' : 'no threads'}`;
  return (
    <div className="device-badge" role="group" aria-label="Device">
      <span title={session?.note ?? 'The runtime and backend measurements run on'} data-testid="badge-backend">
        {d ? (
          <>
            {session.runtime === 'ort' ? 'ORT-web ' : ''}
            <strong>{d.backend}</strong>
            {session.thread === 'main' ? ' (main thread)' : ''}
          </>
        ) : loaded ? (
          'no backend running'
        ) : (
          'tfjs not loaded'
        )}
      </span>
      <span title={gpu ? 'GPU (WebGL renderer or WebGPU adapter)' : 'Logical CPU cores (browsers do not name the CPU)'}>
        {gpu ?? (
          <>
            <strong>{cores ?? '?'}</strong> cores
          </>
        )}
      </span>
      <span title="WebAssembly features for the wasm backend (threads need cross-origin isolation)">{wasm}</span>
      <span
        className={probe.crossOriginIsolated ? 'ok' : 'warn'}
        title="Cross-origin isolation allows threaded WebAssembly (SharedArrayBuffer)"
      >
        {probe.crossOriginIsolated ? 'cross-origin isolated' : 'not cross-origin isolated'}
      </span>
    </div>
  );
}

export function TopBar() {
  return (
    <header className="topbar">
      <div className="brand">
        <span className="logo" aria-hidden="true">
          <svg viewBox="0 0 24 24" width="22" height="22">
            <path d="M3 20 L8 20 L8 13 L13 13 L13 8 L18 8 L18 4" fill="none" stroke="currentColor" strokeWidth="2.2" />
            <circle cx="8" cy="13" r="2" fill="currentColor" />
            <circle cx="13" cy="8" r="2" fill="currentColor" />
            <circle cx="18" cy="4" r="2" fill="currentColor" />
          </svg>
        </span>
        <h1>LM Frontier</h1>
        <span className="tagline">efficient small language models for phones, found without training</span>
      </div>
      <div className="topbar-end">
        <DeviceBadge />
        <AboutButton />
      </div>
    </header>
  );
}

function AboutButton() {
  const about = useExplorer((s) => s.tab === 'about');
  const { setTab } = useActions();
  return (
    <button
      type="button"
      id={ABOUT_BUTTON_ID}
      className="about-button"
      aria-pressed={about}
      onClick={() => setTab(about ? 'explorer' : 'about')}
    >
      About
    </button>
  );
}
