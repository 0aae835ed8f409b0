// The memory guard's estimate against what tfjs reports on webgl and webgpu (SwiftShader), and
// the Measure panel's progress in long phases. For each model, a measure link is opened in a
// fresh page and measured twice in its measure worker: the second time, as in the app's later
// slices and candidates, tfjs's pools hold the first run's textures or buffers (webgpu then
// uploads the weights through staging buffers). Before the second run the worker's tfjs is
// instrumented: after every tensor, kernel, upload, texture or buffer and read-back, the largest
// tf.memory() figures so far are kept (numBytes; numBytesInGPU and numBytesInGPUAllocated on
// webgl; numBytesInGPU and numBytesAllocatedInGPU on webgpu). The guard's estimate (core/memoryGuard
// checkMemory, with measureArch's options) must cover every one of them.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page, Worker } from 'playwright-core';
import { BASE_URL, launchBrowser, openPage } from './browser.ts';
import { homogeneous, type Arch } from '../../src/core/arch.ts';
import { encodeMeasureLink, linkHash } from '../../src/core/links.ts';
import { checkMemory } from '../../src/core/memoryGuard.ts';
import type { BackendName } from '../../src/core/backendNames.ts';

let browser: Browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

const T = 64;
const MODELS: Record<string, Arch> = {
  // Tied head: the token table is also gathered from (webgl keeps an unpacked copy).
  'gpt2 4L d256, vocabulary 8,000, tied': homogeneous(
    { family: 'gpt2', vocabSize: 8000, contextLength: 256, dModel: 256, tieEmbeddings: true },
    4,
    {
      nHead: 4,
      dInner: 1024,
    },
  ),
  // Grouped-query attention, rotary tables, an untied head and widths that are not even.
  'llama 3L d192 GQA 6/2, vocabulary 5,003, untied': homogeneous(
    { family: 'llama', vocabSize: 5003, contextLength: 512, dModel: 192, tieEmbeddings: false },
    3,
    { nHead: 6, nKvHead: 2, dInner: 520 },
  ),
};

/** Opens a measure link for `archs` on `backend` in a fresh page. */
async function openMeasureLink(archs: Arch[], backend: BackendName, workload: { runs: number; minTimeMs: number }) {
  const app = await openPage(browser);
  const payload = await encodeMeasureLink({ candidates: archs, tokens: T, rounds: 1, backends: [backend], ...workload });
  await app.page.goto(`${BASE_URL}${linkHash('m', payload)}`);
  return app;
}

const startButton = (p: Page) => p.getByRole('button', { name: 'Start', exact: true });

async function waitIdle(p: Page): Promise<void> {
  await p.waitForFunction(
    () => {
      const b = [...document.querySelectorAll('button')].find((x) => x.textContent?.trim() === 'Start');
      return !!b && !b.disabled && !!document.querySelector('[data-testid="measure-result"]:not([data-state="running"])');
    },
    null,
    { timeout: 300_000, polling: 200 },
  );
}

// Runs in the idle measure worker. Wraps the engine's tensor, kernel and read entry points and
// the backend's upload, program, texture and buffer entry points; after each, keeps the largest of
// every tf.memory() figure. Returns the tensors alive when it was installed (0 between runs), or
// -1 without a backend.
const INSTRUMENT = `(() => {
  const e = globalThis._tfengine;
  if (!e || !e.backendInstance) return -1;
  const peak = {};
  globalThis.__memoryPeak = peak;
  let patched = null;
  const wrap = (obj, name) => {
    const orig = obj && obj[name];
    if (typeof orig !== 'function') return;
    obj[name] = function (...args) {
      const r = orig.apply(this, args);
      note();
      return r;
    };
  };
  const note = () => {
    try {
      const b = e.backendInstance;
      if (b && patched !== b) {
        patched = b;
        for (const name of ['uploadToGPU', 'runWebGLProgram', 'runWebGPUProgram', 'acquireTexture']) wrap(b, name);
        wrap(b.textureManager, 'acquireTexture');
        wrap(b.bufferManager, 'acquireBuffer');
      }
      const m = Object.assign({ numBytes: e.state.numBytes }, b ? b.memory() : {});
      for (const k of Object.keys(m)) if (typeof m[k] === 'number') peak[k] = Math.max(peak[k] || 0, m[k]);
    } catch (err) {
      // never break the app's own call
    }
  };
  for (const name of ['makeTensor', 'runKernelFunc']) wrap(e, name);
  const read = e.read;
  e.read = function (...args) {
    const r = read.apply(this, args);
    Promise.resolve(r).then(note, () => {});
    return r;
  };
  note(); // what the pools hold from the first run
  return e.state.numTensors;
})()`;

/** Instruments the idle measure worker of `p` (see INSTRUMENT); returns it. */
async function instrumentMeasureWorker(p: Page): Promise<Worker> {
  for (const w of p.workers()) {
    const installed = await w.evaluate(`self.name === 'measure' ? ${INSTRUMENT} : -1`).catch(() => -1);
    if (installed === -1) continue;
    assert.equal(installed, 0, 'no tensor alive between runs');
    return w;
  }
  throw new Error('no measure worker with a tfjs backend');
}

const MB = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

for (const backend of ['webgl', 'webgpu'] as const) {
  for (const [name, arch] of Object.entries(MODELS)) {
    test(`${backend}, ${name}, T = ${T}: the guard's estimate covers every figure tf.memory() reports`, async () => {
      const { context, page, problems } = await openMeasureLink([arch], backend, { runs: 1, minTimeMs: 0 });
      try {
        await startButton(page).click();
        await waitIdle(page);
        const worker = await instrumentMeasureWorker(page);
        await startButton(page).click();
        await page.waitForFunction(() => document.querySelector('[data-testid="measure-result"][data-state="running"]'), null, {
          polling: 50,
        });
        await waitIdle(page);
        assert.equal(
          await page.getByTestId('measure-result').getAttribute('data-state'),
          'done',
          (await page.getByTestId('measure-result').textContent()) ?? '',
        );
        assert.equal(await page.getByTestId('measure-backend').textContent(), backend);
        const peak = (await worker.evaluate('globalThis.__memoryPeak')) as Record<string, number>;
        const { neededBytes } = checkMemory(arch, { backend, tokens: T, capacity: T + 1 });
        const keys = ['numBytes', 'numBytesInGPU', backend === 'webgl' ? 'numBytesInGPUAllocated' : 'numBytesAllocatedInGPU'];
        console.log(
          `# ${backend} ${name}: estimate ${MB(neededBytes)}; tf.memory() peaks ${keys.map((k) => `${k} ${MB(peak[k])}`).join(', ')}`,
        );
        for (const k of keys) {
          assert.ok(peak[k] > 0, `${k} was seen`);
          assert.ok(peak[k] <= neededBytes, `${k} ${MB(peak[k])} is over the estimate ${MB(neededBytes)}`);
        }
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });
  }
}

test('a long phase shows its progress: weights built of n, then a seconds counter that advances', async () => {
  // 70 M parameters on cpu: a build of about a second, and a prefill phase of at least 3 s.
  const big = homogeneous({ family: 'gpt2', vocabSize: 32000, contextLength: 256, dModel: 640, tieEmbeddings: true }, 10, {
    nHead: 10,
    dInner: 2560,
  });
  const { context, page, problems } = await openMeasureLink([big], 'cpu', { runs: 1, minTimeMs: 3000 });
  try {
    await startButton(page).click();
    const texts: string[] = [];
    for (let i = 0; i < 600 && !(await page.getByTestId('measure-result').textContent())?.includes('decode…'); i++) {
      const t = (await page.getByTestId('measure-result').textContent()) ?? '';
      if (t !== texts.at(-1)) texts.push(t);
      await page.waitForTimeout(50);
    }
    const building = texts.map((t) => /^build… weights (\d+) of (\d+)/.exec(t)).filter((m) => m !== null);
    assert.ok(
      building.some((m) => Number(m[1]) < Number(m[2])),
      `a "weights i of n" report before the last weight: ${texts.join(' | ')}`,
    );
    const seconds = texts.map((t) => /^prefill… .*· (\d+) s$/.exec(t)).flatMap((m) => (m ? [Number(m[1])] : []));
    assert.ok(seconds.length >= 2 && seconds.at(-1)! > seconds[0], `the prefill counter advances: ${texts.join(' | ')}`);
    await waitIdle(page);
    assert.equal(await page.getByTestId('measure-result').getAttribute('data-state'), 'done');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
