// Small form controls shared by the panels. Every input has a visible label that is also its
// accessible name; number inputs keep what the user types until it parses.
import { useId, useState, type ReactNode } from 'react';

export function Panel({ title, children, className }: { title: string; children: ReactNode; className?: string }) {
  const id = useId();
  return (
    <section className={`panel ${className ?? ''}`} aria-labelledby={id}>
      <h2 id={id} className="panel-title">
        {title}
      </h2>
      {children}
    </section>
  );
}

const show = (v: number | null) => (v === null || Number.isNaN(v) ? '' : String(v));

/**
 * A number input. `onChange` gets null for an empty field (allowed when `optional`) and NaN for
 * text that is not a number, so the store can report it instead of silently keeping the old value.
 */
export function NumberInput(props: {
  label: string;
  value: number | null;
  onChange: (v: number | null) => void;
  optional?: boolean;
  unit?: string;
  min?: number;
  step?: number | 'any';
  placeholder?: string;
  hideLabel?: boolean;
  disabled?: boolean;
  /** A "?" (ui/Help) beside the label; the label then sits beside the input, not around it. */
  help?: ReactNode;
}) {
  const id = useId();
  const [text, setText] = useState(show(props.value));
  // "64e" in a number input: the browser reports the value as '' and flags badInput. Empty would
  // read as "no limit" in an optional field; a typo must be an error on this field instead.
  const [bad, setBad] = useState(false);
  // Follow external changes (a preset) unless the field already shows that value; adjusted while
  // rendering, as React advises for state that follows a prop (Object.is: NaN equals itself).
  const [followed, setFollowed] = useState(props.value);
  if (!Object.is(followed, props.value)) {
    setFollowed(props.value);
    if (!(Number(text) === props.value || (text === '' && props.value === null))) setText(show(props.value));
  }
  const input = (
    <span className="field-input">
      <input
        id={id}
        type="number"
        inputMode="decimal"
        value={text}
        min={props.min}
        step={props.step ?? 'any'}
        placeholder={props.placeholder}
        disabled={props.disabled}
        aria-invalid={bad || Number.isNaN(props.value) ? true : undefined}
        aria-describedby={bad ? `${id}-error` : undefined}
        // onInput, not onChange: clearing "64e" changes the value React tracks from '' to '', so
        // React would drop that change event and the field would stay marked as a typo.
        onChange={() => undefined}
        onInput={(e) => {
          const el = e.currentTarget;
          setText(el.value);
          const t = el.value.trim();
          const typo = el.validity.badInput || (t !== '' && !Number.isFinite(Number(t)));
          setBad(typo);
          props.onChange(typo ? NaN : t === '' ? (props.optional ? null : NaN) : Number(t));
        }}
      />
      {props.unit ? <span className="unit">{props.unit}</span> : null}
      {bad ? (
        <span id={`${id}-error`} className="field-error" role="alert">
          Not a number: fix it or clear the field{props.optional ? ' (empty = no limit)' : ''}.
        </span>
      ) : null}
    </span>
  );
  if (props.help) {
    // A button inside a <label> would join the input's accessible name: label and "?" side by side.
    return (
      <div className="field">
        <span className="field-head">
          <label htmlFor={id} className={props.hideLabel ? 'visually-hidden' : 'field-label'}>
            {props.label}
          </label>
          {props.help}
        </span>
        {input}
      </div>
    );
  }
  return (
    <label className={`field ${props.hideLabel ? 'field-compact' : ''}`} htmlFor={id}>
      <span className={props.hideLabel ? 'visually-hidden' : 'field-label'}>{props.label}</span>
      {input}
    </label>
  );
}

export function TextInput(props: { label: string; value: string; onChange: (v: string) => void; hint?: string }) {
  const id = useId();
  return (
    <label className="field" htmlFor={id}>
      <span className="field-label">{props.label}</span>
      <span className="field-input">
        <input id={id} type="text" value={props.value} onChange={(e) => props.onChange(e.target.value)} spellCheck={false} />
      </span>
      {props.hint ? <span className="hint">{props.hint}</span> : null}
    </label>
  );
}

export function Select<T extends string>(props: {
  label: string;
  value: T;
  options: readonly { value: T; label: string; disabled?: boolean }[];
  onChange: (v: T) => void;
  hideLabel?: boolean;
  disabled?: boolean;
  /** A "?" (ui/Help) beside the label. */
  help?: ReactNode;
}) {
  const id = useId();
  // The label sits beside the select, not around it: a wrapping label's text would include the
  // selected option, and the select's accessible name must be the label alone ("Backend").
  const label = (
    <label htmlFor={id} className={props.hideLabel ? 'visually-hidden' : 'field-label'}>
      {props.label}
    </label>
  );
  return (
    <div className="field">
      {props.help ? (
        <span className="field-head">
          {label}
          {props.help}
        </span>
      ) : (
        label
      )}
      <span className="field-input">
        <select id={id} value={props.value} disabled={props.disabled} onChange={(e) => props.onChange(e.target.value as T)}>
          {props.options.map((o) => (
            <option key={o.value} value={o.value} disabled={o.disabled}>
              {o.label}
            </option>
          ))}
        </select>
      </span>
    </div>
  );
}

export function Checkbox(props: { label: ReactNode; checked: boolean; onChange: (v: boolean) => void; disabled?: boolean }) {
  return (
    <label className="check">
      <input type="checkbox" checked={props.checked} disabled={props.disabled} onChange={(e) => props.onChange(e.target.checked)} />
      <span>{props.label}</span>
    </label>
  );
}

/** A "from … to … step …" row of number inputs sharing one group label. */
export function RangeInputs(props: {
  label: string;
  from: number;
  to: number;
  step?: number;
  onChange: (patch: { from?: number; to?: number; step?: number }) => void;
}) {
  const num = (v: number | null) => (v === null ? NaN : v);
  return (
    <fieldset className="range">
      <legend className="field-label">{props.label}</legend>
      <NumberInput label={`${props.label} from`} hideLabel value={props.from} onChange={(v) => props.onChange({ from: num(v) })} step={1} />
      <span className="range-sep" aria-hidden="true">
        to
      </span>
      <NumberInput label={`${props.label} to`} hideLabel value={props.to} onChange={(v) => props.onChange({ to: num(v) })} step={1} />
      {props.step !== undefined ? (
        <>
          <span className="range-sep" aria-hidden="true">
            step
          </span>
          <NumberInput
            label={`${props.label} step`}
            hideLabel
            value={props.step}
            onChange={(v) => props.onChange({ step: num(v) })}
            step={1}
          />
        </>
      ) : null}
    </fieldset>
  );
}
