import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadModel } from '../../../src/models/artifact/flavors.js';
import { saveModel } from '../../../src/models/artifact/manifest.js';
import {
  Ets,
  type Forecast,
  type Forecaster,
  fitPooledFleet,
  forecasterFromJSON,
  GaussianProcess,
  GruForecaster,
  registerForecasterFlavor,
  SeasonalNaive,
  saveForecaster,
} from '../../../src/models/forecast/index.js';
import { tempDir } from '../../helpers/services.js';
import { additiveHoltWinters, multiplicativeSeasonal, sineSeason } from './synthetic.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const source = (path: string) => JSON.stringify(join(repo, path));

let dir: { path: string; remove: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.remove());

/** Loads each model in one fresh Node process (no state shared with this one) and returns its forecasts. */
function forecastInFreshProcess(modelDirs: string[], horizon: number): Forecast[] {
  const script = join(dir.path, 'load.ts');
  writeFileSync(
    script,
    [
      `import { loadModel } from ${source('src/models/artifact/flavors.js')};`,
      `import { registerForecasterFlavor } from ${source('src/models/forecast/index.js')};`,
      'async function main() {',
      '  registerForecasterFlavor();',
      '  const out = [];',
      '  for (const dir of JSON.parse(process.env.MODEL_DIRS ?? "[]")) {',
      '    const predictor = await loadModel(dir);',
      `    out.push(await predictor.predict({ horizon: ${horizon} }));`,
      '  }',
      '  process.stdout.write(JSON.stringify(out));',
      '}',
      'main().catch((error) => { console.error(error); process.exit(1); });',
    ].join('\n'),
  );
  const child = spawnSync(process.execPath, [join(repo, 'node_modules/vite-node/vite-node.mjs'), script], {
    cwd: repo,
    env: { ...process.env, MODEL_DIRS: JSON.stringify(modelDirs) },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(child.status, child.stderr).toBe(0);
  return JSON.parse(child.stdout) as Forecast[];
}

const seasonal = sineSeason(12, 10);

function fitted(): Record<string, Forecaster> {
  const additive = additiveHoltWinters(
    300,
    { level: 50, trend: 0.1, seasonal, alpha: 0.3, beta: 0.02, gamma: 0.1, sigma: 1 },
    2,
  );
  const multiplicative = multiplicativeSeasonal(
    300,
    { level: 50, seasonal: seasonal.map((s) => 1 + s / 30), alpha: 0.2, gamma: 0.05, sigma: 0.04 },
    3,
  );
  const naive = new SeasonalNaive();
  naive.fit(additive, { season: 12 });
  const linear = new Ets({ spec: 'AAdA' });
  linear.fit(additive, { season: 12 });
  // A multiplicative model: its intervals are simulated from the seeded PRNG.
  const simulated = new Ets({ spec: 'MNM' });
  simulated.fit(multiplicative, { season: 12 });
  const gp = new GaussianProcess();
  gp.fit(additive, { season: 12 });
  const gru = new GruForecaster({ hidden: 8, layers: 2, epochs: 3 });
  gru.fit(additive, { season: 12 });
  const pooled = fitPooledFleet(
    [
      { id: 'a', values: additive },
      { id: 'b', values: multiplicative.slice(0, 40) },
    ],
    { season: 12 },
  ).get('b')!;
  return { naive, linear, simulated, gp, gru, pooled };
}

describe('forecaster artifacts', () => {
  it('a saved forecaster loaded in a fresh process forecasts the same values', () => {
    const models = Object.entries(fitted());
    const dirs = models.map(([name, model]) => {
      const target = join(dir.path, name);
      saveForecaster(target, model, { metrics: { mase: 0.8 } });
      return target;
    });
    const reloaded = forecastInFreshProcess(dirs, 24);
    for (const [i, [name, model]] of models.entries()) expect(reloaded[i], name).toEqual(model.forecast(24));
  });

  it('loads through the forecaster flavor in this process too', async () => {
    registerForecasterFlavor();
    const model = fitted().simulated!;
    const target = join(dir.path, 'm');
    const manifest = saveForecaster(target, model);
    expect(manifest.flavor).toBe('forecaster');
    expect(manifest.params).toMatchObject({ model: 'ets', spec: 'MNM' });
    const predictor = await loadModel(target);
    expect(await predictor.predict({ horizon: 6 })).toEqual(model.forecast(6));
  });

  it('refuses saved parameters of an unknown model or with damaged values', async () => {
    registerForecasterFlavor();
    const target = join(dir.path, 'bad');
    saveModel(target, {
      flavor: 'forecaster',
      signature: { inputs: [], outputs: [] },
      files: { 'forecaster.json': '{"model":"prophet"}' },
    });
    await expect(loadModel(target)).rejects.toThrow(/unknown model "prophet"/);
    const json = fitted().linear!.toJSON();
    expect(() => forecasterFromJSON({ ...json, alpha: 'x' })).toThrow(/alpha is not a finite number/);
    expect(() => forecasterFromJSON({ ...json, spec: 'QQQ' })).toThrow(/not of the form/);
    expect(() => forecasterFromJSON({ ...json, nextPhase: 99 })).toThrow(/inconsistent/);
    const broken = join(dir.path, 'broken');
    saveModel(broken, {
      flavor: 'forecaster',
      signature: { inputs: [], outputs: [] },
      files: { 'forecaster.json': '{' },
    });
    await expect(loadModel(broken)).rejects.toThrow(/not valid JSON/);
  });

  it('rebuilds an ETS model from JSON alone with identical forecasts', () => {
    const model = new Ets();
    model.fit(
      additiveHoltWinters(200, { level: 20, trend: 0, seasonal, alpha: 0.2, beta: 0, gamma: 0.1, sigma: 1 }, 8),
      {
        season: 12,
      },
    );
    const copy = forecasterFromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(copy.forecast(30)).toEqual(model.forecast(30));
  });
});
