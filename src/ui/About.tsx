// The About view (top bar → About): what is searched, why no training is needed (with the proxy
// check's figures computed live from the LTS data, loaded lazily as the Proxy check tab does),
// what is measured and how, what is estimated, and the references. Plain text links only: the
// page fetches nothing from elsewhere.
import { useEffect, useRef } from 'react';
import { DEFAULT_BUDGETS } from '../core/budgets';
import { DEFAULT_EVAL } from '../core/evaluate';
import { DEFAULT_PROFILE } from '../core/latency';
import { MIN_SAMPLES } from '../core/predictor';
import { SPACE_PRESETS } from '../core/space';
import { MAX_FRONTIER_MEASURE, MEASURE_WARMUP } from '../state/measureForm';
import { referenceStore, useActions, useExplorer, useReference } from '../state/store';
import { formatCount } from '../view/format';
import { REFERENCES } from '../view/glossary';

export const ABOUT_BUTTON_ID = 'about-button';

/** Each proxy's Spearman and Kendall against trained perplexity, and the est. ppl fit, computed here. */
function LiveProxyCheck() {
  const state = useReference((s) => s);
  useEffect(() => {
    void referenceStore.getState().load();
  }, []);
  if (state.status === 'error')
    return (
      <p role="alert" className="message error">
        {state.error}
      </p>
    );
  if (state.status !== 'ready') return <p className="muted">Loading the LTS reference data to compute the figures…</p>;
  const a = state.analysis;
  return (
    <div data-testid="about-proxy-check">
      <p>
        Our own check, computed live in this browser from the {a.n} GPT-2 models LTS trained on WikiText-103 and released: how well each
        proxy ranks their validation perplexity (1 means a higher proxy always goes with a lower perplexity).
      </p>
      <table className="proxy-table" aria-label="Proxy check on the LTS models">
        <thead>
          <tr>
            <th scope="col">Proxy</th>
            <th scope="col">Spearman ρ</th>
            <th scope="col">Kendall τ</th>
            <th scope="col">n</th>
          </tr>
        </thead>
        <tbody>
          {a.correlations.map((c) => (
            <tr key={c.proxy}>
              <th scope="row">{c.label}</th>
              <td className="num">{c.spearman.toFixed(3)}</td>
              <td className="num">{c.kendall.toFixed(3)}</td>
              <td className="num">{c.n}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        The “est. ppl” fit on the same models: ln ppl = {a.fit.a.toFixed(3)} {a.fit.b < 0 ? '−' : '+'} {Math.abs(a.fit.b).toFixed(4)} · ln N
        <sub>decoder</sub>, RMSE {a.fit.rmse.toFixed(2)} ppl. The Proxy check tab plots every model.
      </p>
    </div>
  );
}

export function About() {
  const { setTab } = useActions();
  const form = useExplorer((s) => s.measure.form);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const back = () => {
    setTab('explorer');
    document.getElementById(ABOUT_BUTTON_ID)?.focus();
  };
  const T = DEFAULT_EVAL.tokens;
  const p = DEFAULT_PROFILE;
  return (
    <article className="card about" aria-labelledby="about-title">
      <div className="about-head">
        <h2 id="about-title" ref={heading} tabIndex={-1}>
          About LM Frontier
        </h2>
        <button type="button" onClick={back}>
          Back to the explorer
        </button>
      </div>
      <p>
        LM Frontier looks for small generative language models that run well on phones and other small devices, without training any of
        them. You set budgets; the search scores thousands of architectures in seconds and draws the Pareto frontier: the ones no other
        beats on both quality and speed. Any of them can then be built in your browser and timed on this device.
      </p>

      <section aria-labelledby="about-searched">
        <h3 id="about-searched">What is searched</h3>
        <p>
          Decoder-only transformers, the shape of GPT-style language models, in four families: GPT-2, OPT, Llama (SwiGLU feed-forward,
          RMSNorm, rotary positions, grouped-query attention; with q/k/v biases it is Qwen2) and GPT-NeoX (Pythia: parallel residual, rotary
          on a quarter of each head). A candidate is a choice of depth (number of layers), width (d_model), attention heads and feed-forward
          width (d_inner); in LTS’s heterogeneous spaces every layer picks its own heads and d_inner. The presets are{' '}
          {SPACE_PRESETS.map((s) => s.label).join(', ')}; every choice list can be edited. The default search keeps models of at most{' '}
          {formatCount(DEFAULT_BUDGETS.paramsTotal ?? 0)} total parameters (MeRino’s budget) and runs NSGA-II, an evolutionary search for
          many objectives at once.
        </p>
      </section>

      <section aria-labelledby="about-training">
        <h3 id="about-training">Why no training is needed</h3>
        <ul>
          <li>
            <strong>LTS</strong> found that the decoder parameter count (the weights in the transformer blocks, embeddings left out) ranks
            the perplexity that decoder-only transformers reach after training almost as well as training them: a Spearman rank correlation
            of about 0.97–0.99 on their GPT-2 and Transformer-XL models, whatever the mix of depth, width and heads.
          </li>
          <li>
            <strong>MeRino</strong> scores a network by an entropy of its linear maps, under a constraint that keeps depth in proportion to
            width (a model too deep for its width trains badly). It published no code: the app’s entropy proxy is our reconstruction, after
            DeepMAD.
          </li>
          <li>
            <strong>Prefill FLOPs</strong> is there as a naive baseline to compare the two against.
          </li>
        </ul>
        <LiveProxyCheck />
      </section>

      <section aria-labelledby="about-measured">
        <h3 id="about-measured">What is measured, and how</h3>
        <p>
          “Measure on this device” builds the candidates in TensorFlow.js with random weights (the time a model takes does not depend on its
          weights’ values) and times them where the page runs, on the backend you choose (webgpu, webgl, wasm or cpu; an unavailable one is
          an error, never a silent fallback). The frontier mode takes at most {MAX_FRONTIER_MEASURE} candidates spread along it.
        </p>
        <ul>
          <li>
            Two workloads at batch 1: a prefill of T tokens (now {form.tokens}) and one decode step with T tokens in the key/value cache.
          </li>
          <li>
            A first run timed on its own (compilation), {MEASURE_WARMUP} warm-up runs, then at least {form.runs} timed runs, more until they
            add up to {form.minTimeMs} ms per workload; the median is the figure, p10–p90 its spread.
          </li>
          <li>
            Several candidates are timed in {form.rounds} round-robin rounds (A, B, C, A, B, C…), so a slow stretch of the device (heat,
            another tab) lands on every candidate alike and keeps their order.
          </li>
          <li>
            A model over the memory limit is refused before anything is allocated; every run counts the tensors left behind (must be 0).
          </li>
        </ul>
        <p>
          Timings are kept in this browser and labelled with backend, device and T; a measure link lets a phone time the same candidates.
        </p>
      </section>

      <section aria-labelledby="about-estimated">
        <h3 id="about-estimated">What is estimated</h3>
        <ul>
          <li>
            <strong>est. ppl</strong>: the perplexity a candidate might reach after training, from a power law in its decoder parameter
            count fitted to LTS’s released GPT-2 models (WikiText-103). Outside that family and data set it is an extrapolation, and it is
            always labelled “est.”.
          </li>
          <li>
            <strong>Analytic latency</strong>: a roofline per kernel (the longer of arithmetic at the device’s peak rate and memory traffic
            at its bandwidth, plus a launch overhead), our own model. Uncalibrated it uses a stated default ({p.gflops} GFLOP/s, {p.gbps}{' '}
            GB/s, {p.overheadMsPerKernel * 1000} µs per kernel); Calibrate measures these on this device.
          </li>
          <li>
            <strong>Predicted latency</strong>: a small linear model of one device’s latency learned from at least {MIN_SAMPLES} of its
            measured candidates, labelled with the device, the number of measurements and its leave-one-out error.
          </li>
          <li>Memory is exact for weights and key/value cache, estimated for the activation peak of a prefill of {T} tokens.</li>
        </ul>
        <p>Every number on screen says which it is: exact, estimated, analytic, predicted or measured.</p>
      </section>

      <section aria-labelledby="about-references">
        <h3 id="about-references">References</h3>
        <ul>
          <li>
            {REFERENCES.lts}: <a href="https://arxiv.org/abs/2203.02094">arxiv.org/abs/2203.02094</a>. Its released data (microsoft/archai,
            MIT) ships with this app.
          </li>
          <li>
            {REFERENCES.merino}: <a href="https://arxiv.org/abs/2403.07921">arxiv.org/abs/2403.07921</a>
          </li>
          <li>
            {REFERENCES.deepmad}: <a href="https://arxiv.org/abs/2303.02165">arxiv.org/abs/2303.02165</a>
          </li>
          <li>
            {REFERENCES.kaplan} (non-embedding parameters): <a href="https://arxiv.org/abs/2001.08361">arxiv.org/abs/2001.08361</a>
          </li>
        </ul>
      </section>
    </article>
  );
}
