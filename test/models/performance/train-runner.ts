/**
 * Runs `fleetcast train` in this process on the root program of src/cli/main.ts, reduced to what
 * `train` needs (main.ts wires the real one): stdout, stderr and the error it threw, if any.
 */
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { CliContext } from '../../../src/cli/context.js';
import { registerTrain } from '../../../src/cli/verbs/train.js';
import { cleanEnv } from '../../helpers/cli.js';

export async function runTrain(
  cwd: string,
  args: string[],
): Promise<{ stdout: string; stderr: string; error?: unknown }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const context = new CliContext({ stdout, stderr, env: cleanEnv(), cwd, interactive: false });
  const program = new Command('fleetcast')
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} });
  program.hook('preAction', (_root, action) => {
    context.globals = action.optsWithGlobals();
  });
  registerTrain(program, context);
  let error: unknown;
  try {
    await program.parseAsync(['train', ...args], { from: 'user' });
  } catch (caught) {
    error = caught;
  }
  return { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), error };
}
