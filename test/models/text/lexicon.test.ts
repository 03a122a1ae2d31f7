import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalArtifactStore } from '../../../src/core/artifacts/index.js';
import { openMetadataStore } from '../../../src/core/metadata/index.js';
import { openWarehouse } from '../../../src/core/warehouse/index.js';
import {
  compoundToPrediction,
  cutWords,
  DEFAULT_SENTIMENT_MODEL,
  installedVader,
  LEXICON_FILE,
  LEXICON_MAX_TOKENS,
  loadModel,
  readModel,
  saveModel,
  TEXT_CLASSIFIER_SIGNATURE,
  type TextClassification,
  type TextClassifierPredictor,
  writeLexiconSentimentModel,
} from '../../../src/models/index.js';
import { ModelRegistry } from '../../../src/registry/index.js';
import { runInProcess } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/services.js';

const dir = tempDir();
let predictor: TextClassifierPredictor;

beforeAll(async () => {
  writeLexiconSentimentModel(join(dir.path, 'sentiment'));
  predictor = (await loadModel(join(dir.path, 'sentiment'))) as unknown as TextClassifierPredictor;
});

afterAll(() => dir.remove());

const classify = async (...texts: string[]) =>
  (await predictor.predict(texts.map((text) => ({ text })))) as TextClassification[];

describe('text-classifier flavor, lexicon kind', () => {
  it('is a text-classifier artifact of kind lexicon whose one file pins the VADER package', () => {
    const { manifest, read } = readModel(join(dir.path, 'sentiment'));
    expect(manifest.flavor).toBe('text-classifier');
    expect(manifest.signature).toEqual(TEXT_CLASSIFIER_SIGNATURE);
    expect(Object.keys(manifest.files)).toEqual([LEXICON_FILE]);
    expect(JSON.parse(read(LEXICON_FILE).toString())).toEqual(installedVader());
    expect(manifest.params).toMatchObject({ kind: 'lexicon', lexicon: 'vader', max_tokens: 512, threshold: 0.05 });
    expect(manifest.params.package).toMatch(/^vader-sentiment@\d/);
    expect(predictor.labels).toEqual(['NEGATIVE', 'NEUTRAL', 'POSITIVE']);
  });

  it('labels positive, negative and neutral texts as VADER does', async () => {
    const [good, bad, plain] = await classify(
      'I love this product, it is wonderful!',
      'This is the worst service, terrible and slow.',
      'The meeting is at 3pm in room 4.',
    );
    expect(good).toMatchObject({ label: 'POSITIVE', truncated: false, max_tokens: 512 });
    expect(bad!.label).toBe('NEGATIVE');
    expect(plain!.label).toBe('NEUTRAL');
    for (const row of [good!, bad!, plain!]) {
      expect(row.score).toBe(row.scores[row.label]);
      expect(Object.values(row.scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      expect(row.score).toBe(Math.max(...Object.values(row.scores)));
    }
    expect(good!.score).toBeGreaterThan(0.9);
    expect(good!.tokens).toBe(7);
  });

  it('maps the compound score to a confidence that agrees with the cut-offs and grows with |c|', () => {
    expect(compoundToPrediction(0.05).label).toBe('POSITIVE');
    expect(compoundToPrediction(0.0499).label).toBe('NEUTRAL');
    expect(compoundToPrediction(-0.05).label).toBe('NEGATIVE');
    expect(compoundToPrediction(-0.0499).label).toBe('NEUTRAL');
    expect(compoundToPrediction(0).score).toBeCloseTo(0.427, 3);
    expect(compoundToPrediction(0.5).score).toBeCloseTo(0.956, 3);
    expect(compoundToPrediction(Number.NaN).label).toBe('NEUTRAL');
    let previous = 0;
    for (let c = 0.06; c <= 1; c += 0.01) {
      const positive = compoundToPrediction(c);
      const negative = compoundToPrediction(-c);
      expect(positive.label).toBe('POSITIVE');
      expect(positive.score).toBeCloseTo(negative.score, 12); // symmetric
      expect(positive.score).toBeGreaterThan(previous);
      expect(positive.score).toBeLessThanOrEqual(1);
      previous = positive.score;
    }
  });

  it('reads at most 512 words and reports the cut', async () => {
    expect(cutWords('  a  b\tc\n', 2)).toEqual({ text: '  a  b', tokens: 3 });
    expect(cutWords('a b', 2)).toEqual({ text: 'a b', tokens: 2 });
    const long = `${'neutral words here '.repeat(200)}awful awful awful`;
    const [row] = await classify(long);
    expect(row).toMatchObject({ truncated: true, tokens: 603, max_tokens: LEXICON_MAX_TOKENS });
    expect(row!.label).toBe('NEUTRAL'); // the negative words are past the limit
  });

  it('refuses to load when the installed VADER differs from the pinned one', async () => {
    const { manifest } = readModel(join(dir.path, 'sentiment'));
    const other = { ...installedVader(), package: 'vader-sentiment@0.0.1', sha256: '0'.repeat(64) };
    const target = join(dir.path, 'other-vader');
    saveModel(target, {
      flavor: 'text-classifier',
      signature: manifest.signature,
      params: manifest.params,
      files: { [LEXICON_FILE]: JSON.stringify(other) },
    });
    await expect(loadModel(target)).rejects.toMatchObject({
      code: 'FLEETCAST_CHECKSUM_MISMATCH',
      message: expect.stringMatching(/built with vader-sentiment@0\.0\.1, but the installed vader-sentiment@1/),
    });
    const unknownKind = join(dir.path, 'unknown-kind');
    saveModel(unknownKind, {
      flavor: 'text-classifier',
      signature: manifest.signature,
      params: { kind: 'bert' },
      files: {},
    });
    await expect(loadModel(unknownKind)).rejects.toThrow(/text-classifier params: kind/);
  });

  it('is registered as the default sentiment model and loaded by sentiment@prod', async () => {
    expect(DEFAULT_SENTIMENT_MODEL).toBe('sentiment');
    const metadata = await openMetadataStore(`sqlite:${join(dir.path, 'm.sqlite')}`);
    try {
      const registry = new ModelRegistry({
        metadata,
        artifacts: new LocalArtifactStore(join(dir.path, 'artifacts')),
        user: 'tester',
        cacheDir: join(dir.path, 'cache'),
      });
      await registry.register(DEFAULT_SENTIMENT_MODEL, join(dir.path, 'sentiment'), { env: 'prod' });
      const { version, predictor: loaded } = await registry.load('sentiment@prod');
      expect(version.flavor).toBe('text-classifier');
      const [row] = (await loaded.predict([{ text: 'Great job, thanks!' }])) as TextClassification[];
      expect(row!.label).toBe('POSITIVE');
    } finally {
      await metadata.close();
    }
  });

  it('scores a file with fleetcast predict, sending blank texts to the rejected table', async () => {
    const env = { FLEETCAST_HOME: join(dir.path, 'cli-home') };
    const cli = (...args: string[]) => runInProcess(args, { cwd: dir.path, env });
    expect((await cli('models', 'register', 'sentiment', join(dir.path, 'sentiment'), '--env', 'prod')).code).toBe(0);
    writeFileSync(join(dir.path, 'reviews.csv'), 'id,text\n1,I love it\n2,terrible!\n3,\n4,"\u200b"\n');
    const run = await cli(
      'predict',
      '--model',
      'sentiment@prod',
      '--from',
      'reviews.csv',
      '--to',
      'scored',
      '--key',
      'id',
    );
    expect(run.code).toBe(0);
    const warehouse = await openWarehouse(`duckdb:${join(dir.path, 'cli-home', 'warehouse.duckdb')}`);
    try {
      const rows = await warehouse.query('SELECT key, label, scores, truncated, tokens FROM scored ORDER BY key');
      expect(rows).toMatchObject([
        { key: '1', label: 'POSITIVE', truncated: false, tokens: 3 },
        { key: '2', label: 'NEGATIVE', truncated: false, tokens: 1 },
      ]);
      expect(Object.keys(rows[0]!.scores as object).sort()).toEqual(['NEGATIVE', 'NEUTRAL', 'POSITIVE']);
      const rejected = await warehouse.query('SELECT * FROM scored_rejected');
      expect(rejected).toHaveLength(2);
      expect(JSON.stringify(rejected)).toMatch(/invisible characters/);
    } finally {
      await warehouse.close();
    }
  });
});
