// One link to hand on: a read-only text box with its label ("Share link", "Measure link",
// "Results link"), Copy, the system share sheet where the browser has one (navigator.share: a
// phone sends the link by any app), and optionally a QR code to scan off the screen.
import { useId, useState } from 'react';
import { QrCode } from './QrCode';

export function LinkBox(props: { label: string; url: string | null; qr?: boolean; shareTitle?: string; children?: React.ReactNode }) {
  const id = useId();
  const [copied, setCopied] = useState<string | null>(null);
  const { url } = props;
  const canShare = typeof navigator !== 'undefined' && typeof navigator.share === 'function';
  const copy = async () => {
    if (!url) return;
    try {
      await navigator.clipboard.writeText(url);
      setCopied('Copied.');
    } catch {
      // No clipboard permission (an insecure page, a denied prompt): select it for Ctrl+C instead.
      (document.getElementById(id) as HTMLInputElement | null)?.select();
      setCopied('Select and copy it by hand: this page may not write to the clipboard.');
    }
  };
  const share = async () => {
    if (!url) return;
    try {
      await navigator.share({ title: props.shareTitle ?? 'LM Frontier', url });
    } catch (e) {
      if ((e as Error).name !== 'AbortError') setCopied(`The share sheet failed: ${(e as Error).message}`);
    }
  };
  return (
    <div className="link-box">
      <label htmlFor={id} className="field-label">
        {props.label}
      </label>
      <div className="link-row">
        <input id={id} type="text" readOnly value={url ?? ''} placeholder="making the link…" onFocus={(e) => e.target.select()} />
        <button type="button" onClick={() => void copy()} disabled={!url}>
          Copy
        </button>
        {canShare ? (
          <button type="button" onClick={() => void share()} disabled={!url}>
            Share…
          </button>
        ) : null}
      </div>
      <p className="hint" role="status">
        {url ? `${url.length.toLocaleString('en-US')} characters. ` : ''}
        {copied}
      </p>
      {props.qr && url ? <QrCode text={url} label={props.label} /> : null}
      {props.children}
    </div>
  );
}
