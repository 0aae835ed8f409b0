// "What is this" buttons: a small "?" beside a proxy, latency source, estimate or budget opens a
// popover with a plain paragraph, the formula and the source (view/glossary). Opens by click,
// Enter or Space; Escape closes it and puts focus back on the button; a click outside closes it;
// one popover is open at a time. The popover is drawn in document.body at a fixed position
// clamped to the viewport, so neither a panel's overflow nor a phone's width cuts it.
import {
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useSyncExternalStore,
  type KeyboardEvent as ReactKeyboardEvent,
  type RefObject,
} from 'react';
import { createPortal } from 'react-dom';
import type { AxisMetric } from '../view/axes';
import { GLOSSARY, glossaryIdForAxis, type GlossaryEntry, type GlossaryId } from '../view/glossary';
import './help.css';

// The one open popover, by the key of its Help (local view state shared by every Help).
let openKey: string | null = null;
const listeners = new Set<() => void>();
function setOpenKey(key: string | null): void {
  if (openKey === key) return;
  openKey = key;
  for (const l of listeners) l();
}
const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => void listeners.delete(l);
};
const getOpenKey = () => openKey;
const getServerKey = () => null;

const MARGIN = 8;
const GAP = 6;
const MAX_WIDTH = 380;

/** Puts `pop` below `anchor` (above when there is no room below), inside the viewport. */
function place(pop: HTMLElement, anchor: HTMLElement): void {
  const vw = document.documentElement.clientWidth || window.innerWidth;
  const vh = window.innerHeight;
  const width = Math.min(MAX_WIDTH, vw - 2 * MARGIN);
  pop.style.width = `${width}px`;
  pop.style.maxHeight = `${vh - 2 * MARGIN}px`;
  const a = anchor.getBoundingClientRect();
  const h = pop.offsetHeight;
  const left = Math.min(Math.max(a.left + a.width / 2 - width / 2, MARGIN), vw - width - MARGIN);
  const below = a.bottom + GAP;
  const above = a.top - GAP - h;
  const top = below + h <= vh - MARGIN ? below : above >= MARGIN ? above : Math.max(MARGIN, vh - MARGIN - h);
  pop.style.left = `${Math.round(left)}px`;
  pop.style.top = `${Math.round(top)}px`;
}

const TABBABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]';

/** The element Tab reaches after `el` in the page (null at the end). */
function nextTabbable(el: HTMLElement): HTMLElement | null {
  const all = [...document.querySelectorAll<HTMLElement>(TABBABLE)].filter(
    (e) => e.tabIndex >= 0 && e.getClientRects().length > 0 && !e.closest('[role="dialog"].help-popover'),
  );
  const i = all.indexOf(el);
  return i >= 0 ? (all[i + 1] ?? null) : null;
}

function Popover({
  entry,
  id,
  titleId,
  anchorRef,
  onClose,
}: {
  entry: GlossaryEntry;
  id: string;
  titleId: string;
  anchorRef: RefObject<HTMLButtonElement | null>;
  onClose: (refocus: boolean) => void;
}) {
  const ref = useRef<HTMLDivElement>(null);

  useLayoutEffect(() => {
    const pop = ref.current!;
    const update = () => {
      if (anchorRef.current) place(pop, anchorRef.current);
    };
    update();
    window.addEventListener('resize', update);
    window.addEventListener('scroll', update, true);
    return () => {
      window.removeEventListener('resize', update);
      window.removeEventListener('scroll', update, true);
    };
  }, [anchorRef, entry]);

  useEffect(() => {
    ref.current?.focus({ preventScroll: true });
    const onPointer = (e: PointerEvent) => {
      const t = e.target as Node;
      if (!ref.current?.contains(t) && !anchorRef.current?.contains(t)) onClose(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        onClose(true);
      }
    };
    document.addEventListener('pointerdown', onPointer, true);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer, true);
      document.removeEventListener('keydown', onKey);
    };
  }, [anchorRef, onClose]);

  // Tab leaves the popover to where it would have gone from the button; Shift+Tab to the button.
  const onKeyDown = (e: ReactKeyboardEvent) => {
    const anchor = anchorRef.current;
    if (e.key !== 'Tab' || !anchor) return;
    e.preventDefault();
    const next = e.shiftKey ? anchor : (nextTabbable(anchor) ?? anchor);
    onClose(false);
    next.focus();
  };

  return (
    <div ref={ref} id={id} role="dialog" aria-labelledby={titleId} tabIndex={-1} className="help-popover" onKeyDown={onKeyDown}>
      <h3 id={titleId} className="help-title">
        {entry.title}
      </h3>
      <p className="help-body">{entry.body}</p>
      {entry.notes?.map((n) => (
        <p key={n} className="help-body">
          {n}
        </p>
      ))}
      <p className="help-row">
        <span className="help-label">Formula</span>
        <code className="help-formula" data-testid="help-formula">
          {entry.formula}
        </code>
      </p>
      <p className="help-row">
        <span className="help-label">Source</span>
        <span className="help-source">{entry.source}</span>
      </p>
    </div>
  );
}

/**
 * A "?" button that explains glossary entry `id` (or `entry`, for texts with live figures such as
 * the measured-latency one): `<Help id="entropy" />`.
 */
/** `where` tells two buttons for the same entry apart ("What is Decoder params? (vertical axis)"). */
export function Help({ id, entry, where }: { id: GlossaryId; entry?: GlossaryEntry; where?: string }) {
  const e = entry ?? GLOSSARY[id];
  const key = useId();
  const open = useSyncExternalStore(subscribe, getOpenKey, getServerKey) === key;
  const button = useRef<HTMLButtonElement>(null);
  const popId = `${key}help`;
  const titleId = `${key}help-title`;

  // A Help that leaves the page (the proxy changed, say) takes its popover with it.
  useEffect(
    () => () => {
      if (openKey === key) setOpenKey(null);
    },
    [key],
  );

  const close = useCallback(
    (refocus: boolean) => {
      if (openKey === key) setOpenKey(null);
      if (refocus) button.current?.focus();
    },
    [key],
  );

  return (
    <>
      <button
        ref={button}
        type="button"
        className="help-button"
        aria-label={`What is ${e.title}?${where ? ` (${where})` : ''}`}
        aria-expanded={open}
        aria-controls={popId}
        onClick={() => setOpenKey(open ? null : key)}
      >
        <span className="help-mark" aria-hidden="true">
          ?
        </span>
      </button>
      {open ? createPortal(<Popover entry={e} id={popId} titleId={titleId} anchorRef={button} onClose={close} />, document.body) : null}
    </>
  );
}

/** The "?" for a chart axis metric (latency axes by the run's source: analytic or predicted). */
export function HelpFor({ metric, latencyWord, where }: { metric: AxisMetric; latencyWord?: 'analytic' | 'predicted'; where?: string }) {
  return <Help id={glossaryIdForAxis(metric, latencyWord)} where={where} />;
}
