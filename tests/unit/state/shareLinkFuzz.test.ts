// Fuzzing the share link decoder: thousands of damaged, truncated, padded and made-up share links
// (with and without measured series). Each opens as settings that fit their rows (and measured
// series within the results bounds) or is refused with a LinkError, never another exception or a
// hang.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archKey } from '../../../src/core/arch';
import { checkProperty, decodePayload, LinkError } from '../../../src/core/linkCodec';
import { readLinkHash } from '../../../src/core/links';
import { toMeasurement, type MeasuredSeries } from '../../../src/core/measurements';
import { DEFAULT_SEARCH, searchToEnd } from '../../../src/core/search';
import { decodeShareLink, encodeShareLink, type DecodedShareLink } from '../../../src/state/shareLink';
import { defaultShareState, SHARE_TABLE } from '../../../src/state/shareTable';
import { expectResultsLink, payloadCase, payloadOf, settle, tally, type Seed, resultOf } from '../core/_linkMutations';

/** Share links fuzzed (random and mutated together); core/linkFuzz feeds 3 x 3,400 more to the others. */
const RUNS = 3400;
const TIME = 60_000;

const seeds: Seed[] = [];
const t = tally();

beforeAll(async () => {
  const archs = searchToEnd(DEFAULT_SEARCH)
    .frontier.slice(0, 8)
    .map((c) => c.arch);
  const series: MeasuredSeries = {
    id: 'phone',
    label: '<img src=x onerror=alert(1)>',
    runtime: 'tfjs',
    backend: 'wasm',
    device: { backend: 'wasm', runtime: 'worker', userAgent: 'Mozilla/5.0', hardwareConcurrency: 8 },
    thread: 'worker',
    tokens: 64,
    byArch: Object.fromEntries(archs.map((a, i) => [archKey(a), toMeasurement(resultOf(a, 1 + i), new Date('2026-11-30T12:00:00Z'))])),
  };
  const changed = defaultShareState();
  changed.view.logX = true;
  changed.selectedId = 1234;
  changed.fingerprint = '0a1b2c3d';
  changed.settings.seed = 2 ** 32 - 1;
  for (const [state, measured] of [
    [defaultShareState(), []],
    [changed, [series]],
  ] as const) {
    const { hash } = await encodeShareLink(state, measured);
    const text = readLinkHash(hash)!.payload;
    seeds.push({ text, bytes: await decodePayload(text) });
  }
}, TIME);

afterAll(() => console.info(`share link fuzz: ${t.inputs} inputs (${t.read} read, ${t.refused} refused)`));

function expectShareLink(l: DecodedShareLink): void {
  for (const p of SHARE_TABLE) {
    const checked = checkProperty(p, p.get(l.state));
    expect(checked.ok, `${p.name}: ${JSON.stringify(p.get(l.state))}`).toBe(true);
  }
  for (const problem of l.problems) expect(typeof problem).toBe('string');
  if (l.measured) expectResultsLink(l.measured);
}

describe('the share link decoder, fuzzed', () => {
  it(
    `answers ${RUNS} random and mutated links with settings in bounds or a LinkError`,
    async () => {
      await fc.assert(
        fc.asyncProperty(payloadCase(seeds.length), async (c) => {
          const payload = await payloadOf(c, seeds);
          const out = await settle(() => decodeShareLink(payload), t, `share link ${JSON.stringify(payload.slice(0, 80))}`);
          if (!(out instanceof LinkError)) expectShareLink(out);
        }),
        { numRuns: RUNS },
      );
      expect(t.inputs).toBeGreaterThanOrEqual(RUNS);
      expect(t.refused).toBeGreaterThan(RUNS / 4);
      expect(t.read).toBeGreaterThan(10);
    },
    TIME,
  );

  it('refuses a version it does not know with a LinkError, not a TypeError', async () => {
    for (const v of [0, -1, 1.5, 2, Number.NaN]) await expect(decodeShareLink(seeds[0].text, v)).rejects.toThrow(LinkError);
  });
});
