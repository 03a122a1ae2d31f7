import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { FleetcastError } from '../../core/errors.js';
import {
  isChronosBoltFolder,
  isHfTextClassifierFolder,
  readOnnxSignature,
  saveChronosModel,
  saveOnnxModel,
  saveTextClassifier,
} from '../../models/index.js';
import { type ModelVersion, openRegistry } from '../../registry/index.js';
import type { CliContext } from '../context.js';

interface JsonOption {
  json?: boolean;
}

/** `fleetcast models …`: thin wrappers over the registry; all logic lives in src/registry. */
export function registerModels(program: Command, context: CliContext): void {
  const models = program.command('models').description('manage the model registry: versions, aliases, history');

  /** Opens the registry for one verb and closes it whatever happens. */
  const withRegistry = async <T>(
    work: (registry: Awaited<ReturnType<typeof openRegistry>>['registry']) => Promise<T>,
  ) => {
    const opened = await openRegistry(context.config(), context.io.env);
    try {
      return await work(opened.registry);
    } finally {
      await opened.close();
    }
  };

  models
    .command('register')
    .description(
      'register a model folder (with fleetcast.json), an .onnx file or a train run as the next version of NAME',
    )
    .argument('<name>', 'model name')
    .argument('[path]', 'model folder, a Hugging Face folder (text classifier, Chronos-Bolt) or an .onnx file')
    .option('--from-run <run>', 'register the model a fleetcast train run produced (its run_id) instead of PATH')
    .option('--env <alias>', 'point this alias (dev, staging, prod or any word) at the new version')
    .option('--tag <key=value>', 'tag the version (repeatable)', collectTags, {})
    .option('--signature <file>', 'with a .onnx file: the JSON signature of its inputs and outputs')
    .option('--json', 'print one JSON document')
    .action(
      async (
        name: string,
        path: string | undefined,
        options: JsonOption & { fromRun?: string; env?: string; tag: Record<string, string>; signature?: string },
      ) => {
        if ((path === undefined) === (options.fromRun === undefined)) {
          throw new FleetcastError('FLEETCAST_USAGE', 'models register needs PATH or --from-run RUN (one of them)', {
            hint: 'e.g. fleetcast models register cpu-forecast ./model, or --from-run 0m3k…-0000-1a2b3c4d',
          });
        }
        const common = { tags: options.tag, ...(options.env ? { env: options.env } : {}) };
        const version =
          options.fromRun !== undefined
            ? await withRegistry((registry) => registry.registerFromRun(name, options.fromRun!, common))
            : await registerPath(
                resolve(context.io.cwd, path!),
                options.signature === undefined ? undefined : resolve(context.io.cwd, options.signature),
                (dir, source) => withRegistry((registry) => registry.register(name, dir, { ...common, source })),
              );
        context.print(options.json, version, () => `registered ${name}:${version.version}${aliasText(version)}`);
      },
    );

  models
    .command('list')
    .description('list registered versions')
    .argument('[name]', 'only this model')
    .option('--json', 'print one JSON document')
    .action(async (name: string | undefined, options: JsonOption) => {
      const versions = await withRegistry((registry) => registry.list(name));
      context.print(options.json, versions, () =>
        versions.length === 0
          ? 'no models registered'
          : versions
              .map((v) => `${`${v.name}:${v.version}`.padEnd(28)} ${v.flavor.padEnd(15)} ${v.createdAt}${aliasText(v)}`)
              .join('\n'),
      );
    });

  models
    .command('show')
    .description('show one version (NAME:N, NAME@alias or NAME for the latest)')
    .argument('<reference>', 'NAME, NAME:N or NAME@alias')
    .option('--json', 'print one JSON document')
    .action(async (reference: string, options: JsonOption) => {
      const version = await withRegistry((registry) => registry.resolve(reference));
      context.print(options.json, version, () => JSON.stringify(version, null, 2));
    });

  models
    .command('promote')
    .description('point an alias (dev, staging, prod, champion, …) at a version')
    .argument('<name>', 'model name')
    .argument('<version>', 'version number')
    .requiredOption('--to <alias>', 'the alias to move')
    .option('--reason <text>', 'why, for the history')
    .option('-y, --yes', 'confirm a promotion to prod without asking')
    .option('--json', 'print one JSON document')
    .action(
      async (name: string, version: string, options: JsonOption & { to: string; reason?: string; yes?: boolean }) => {
        if (options.to === 'prod' && !options.yes) {
          if (!context.io.interactive || !context.io.prompt) {
            throw new FleetcastError('FLEETCAST_USAGE', `promoting ${name}:${version} to prod needs confirmation`, {
              hint: 'add --yes (not on a terminal, nobody can be asked)',
            });
          }
          const answer = await context.io.prompt(`promote ${name}:${version} to prod? [y/N] `);
          if (!/^y(es)?$/i.test(answer.trim())) {
            throw new FleetcastError('FLEETCAST_USAGE', 'promotion to prod cancelled', { hint: 'nothing was changed' });
          }
        }
        const change = await withRegistry((registry) => registry.promote(name, version, options.to, options.reason));
        context.print(
          options.json,
          change,
          () => `${name}@${options.to}: ${change.fromVersion ?? '(none)'} → ${change.toVersion}`,
        );
      },
    );

  models
    .command('rollback')
    .description('return an alias to the version that held it before')
    .argument('<name>', 'model name')
    .requiredOption('--env <alias>', 'the alias to roll back, e.g. prod')
    .option('--reason <text>', 'why, for the history')
    .option('--json', 'print one JSON document')
    .action(async (name: string, options: JsonOption & { env: string; reason?: string }) => {
      const change = await withRegistry((registry) => registry.rollback(name, options.env, options.reason));
      context.print(options.json, change, () => `${name}@${options.env}: ${change.fromVersion} → ${change.toVersion}`);
    });

  models
    .command('history')
    .description('every alias change of a model: who, when, why')
    .argument('<name>', 'model name')
    .option('--json', 'print one JSON document')
    .action(async (name: string, options: JsonOption) => {
      const changes = await withRegistry((registry) => registry.history(name));
      context.print(options.json, changes, () =>
        changes.length === 0
          ? `no alias changes for ${name}`
          : changes
              .map(
                (c) =>
                  `${c.changedAt} ${c.changedBy} ${c.action} @${c.alias}: ${c.fromVersion ?? '-'} → ${c.toVersion ?? '-'}${c.reason ? ` (${c.reason})` : ''}`,
              )
              .join('\n'),
      );
    });

  models
    .command('download')
    .description('download a version into a new folder (checksums verified)')
    .argument('<reference>', 'NAME, NAME:N or NAME@alias')
    .argument('<folder>', 'target folder (must not exist)')
    .option('--json', 'print one JSON document')
    .action(async (reference: string, folder: string, options: JsonOption) => {
      const dir = await withRegistry((registry) => registry.download(reference, folder));
      context.print(options.json, { reference, folder: dir }, () => `downloaded ${reference} to ${dir}`);
    });

  models
    .command('delete')
    .description('delete a version that holds no alias')
    .argument('<name>', 'model name')
    .argument('<version>', 'version number')
    .option('--json', 'print one JSON document')
    .action(async (name: string, version: string, options: JsonOption) => {
      await withRegistry((registry) => registry.delete(name, version));
      context.print(options.json, { deleted: `${name}:${version}` }, () => `deleted ${name}:${version}`);
    });
}

/**
 * A model folder; a Hugging Face text-classification folder exported to ONNX (config.json,
 * tokenizer.json, onnx/model.onnx); a Chronos-Bolt folder with an ONNX export (config.json,
 * model.onnx); or a bare ONNX file (from skl2onnx or torch.onnx.export). All but the first are made
 * into a Fleetcast model folder first.
 */
async function registerPath(
  source: string,
  signature: string | undefined,
  register: (dir: string, source: string) => Promise<ModelVersion>,
): Promise<ModelVersion> {
  const wrap = isChronosBoltFolder(source)
    ? saveChronosModel
    : isHfTextClassifierFolder(source)
      ? saveTextClassifier
      : undefined;
  if (wrap) {
    const scratch = mkdtempSync(join(tmpdir(), 'fleetcast-hf-'));
    try {
      await wrap(source, join(scratch, 'model'));
      return await register(join(scratch, 'model'), source);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  if (extname(source).toLowerCase() !== '.onnx') return register(source, source);
  if (!signature) {
    throw new FleetcastError('FLEETCAST_USAGE', 'registering an .onnx file needs --signature sig.json', {
      hint: 'declare its inputs and outputs: {"inputs":[{"name":"x","type":"float64"}],"outputs":[{"name":"y","type":"float64"}]}',
    });
  }
  if (!existsSync(source)) {
    throw new FleetcastError('FLEETCAST_NOT_FOUND', `${source} does not exist`, { hint: 'check the path' });
  }
  const scratch = mkdtempSync(join(tmpdir(), 'fleetcast-onnx-'));
  try {
    await saveOnnxModel(join(scratch, 'model'), readFileSync(source), readOnnxSignature(signature));
    return await register(join(scratch, 'model'), source);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function collectTags(value: string, previous: Record<string, string>): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) {
    throw new FleetcastError('FLEETCAST_USAGE', `--tag "${value}" is not key=value`, { hint: 'e.g. --tag team=ml' });
  }
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

function aliasText(version: ModelVersion): string {
  return version.aliases.length > 0 ? ` (${version.aliases.map((a) => `@${a}`).join(', ')})` : '';
}
