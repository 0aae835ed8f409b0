// Product name and the device badge (cores, cross-origin isolation; the tfjs backend joins it
// when on-device timing lands).
export function TopBar() {
  const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency : undefined;
  const isolated = typeof globalThis.crossOriginIsolated === 'boolean' ? globalThis.crossOriginIsolated : false;
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
      <div className="device-badge" aria-label="Device">
        <span>
          <strong>{cores ?? '?'}</strong> cores
        </span>
        <span className={isolated ? 'ok' : 'warn'} title="Cross-origin isolation allows threaded WebAssembly (SharedArrayBuffer)">
          {isolated ? 'cross-origin isolated' : 'not cross-origin isolated'}
        </span>
      </div>
    </header>
  );
}
