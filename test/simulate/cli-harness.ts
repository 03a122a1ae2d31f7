/**
 * Runs `fleetcast simulate …` in this process with the real verb on a fresh commander program,
 * until the lead wires the verb into `src/cli/main.ts`; then these tests switch to `runInProcess`.
 * Error reporting mirrors `runCli`: one line on stderr, a hint, the catalogue's exit code.
 */
import { PassThrough } from 'node:stream';
import { Command, CommanderError } from 'commander';
import { CliContext } from '../../src/cli/context.js';
import { registerSimulate } from '../../src/cli/verbs/simulate.js';
import { isFleetcastError } from '../../src/core/errors.js';
import { type CliResult, cleanEnv } from '../helpers/cli.js';

export async function runSimulateCli(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const context = new CliContext({ stdout, stderr, env: cleanEnv(options.env), cwd: options.cwd, interactive: false });
  const program = new Command('fleetcast')
    .option('--warehouse-url <url>', 'warehouse URL')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => stdout.write(text),
      writeErr: (text) => stderr.write(text),
      outputError: () => {},
    });
  program.hook('preAction', (_root, action) => {
    context.globals = action.optsWithGlobals();
  });
  registerSimulate(program, context);
  let code = 0;
  try {
    await program.parseAsync(args, { from: 'user' });
    code = context.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      code = error.exitCode === 0 ? 0 : 2;
      if (code !== 0) stderr.write(`fleetcast: ${error.message.replace(/^error: /, '')}\n`);
    } else if (isFleetcastError(error)) {
      stderr.write(`fleetcast: ${error.message}\n${error.hint ? `  hint: ${error.hint}\n` : ''}`);
      code = error.exitCode;
    } else {
      stderr.write(`fleetcast: unexpected error: ${String(error)}\n`);
      code = 1;
    }
  }
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}
