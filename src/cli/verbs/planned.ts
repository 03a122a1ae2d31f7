import type { Command } from 'commander';
import { FleetcastError } from '../../core/errors.js';

/**
 * Verbs of DESIGN.md that later issues build. They are registered so `--help` shows the whole
 * tool, and they refuse honestly (exit 2) instead of printing anything that looks like a result.
 */
const PLANNED: Array<{ name: string; summary: string; subcommands?: string[] }> = [
  { name: 'demo', summary: 'run the whole loop on synthetic data and open the dashboard' },
  { name: 'collect', summary: 'run a load-step experiment and measure it through Prometheus' },
  { name: 'calibrate', summary: 'calibrate a simulation against targets' },
  { name: 'runtime', summary: 'validate, plan and apply a runtime spec', subcommands: ['validate', 'plan', 'apply'] },
  { name: 'serve', summary: 'serve registered models over HTTP' },
];

export function notAvailable(verb: string): FleetcastError {
  return new FleetcastError('FLEETCAST_NOT_AVAILABLE', 'not available yet: see `fleetcast --help`', {
    details: { verb },
  });
}

export function registerPlannedVerbs(program: Command): void {
  for (const verb of PLANNED) {
    const command = program.command(verb.name).description(`${verb.summary} (not available yet)`);
    if (verb.subcommands) {
      for (const sub of verb.subcommands) {
        command
          .command(sub)
          .description('not available yet')
          .allowUnknownOption()
          .allowExcessArguments()
          .action(() => {
            throw notAvailable(`${verb.name} ${sub}`);
          });
      }
    }
    command
      .allowUnknownOption()
      .allowExcessArguments()
      .action(() => {
        throw notAvailable(verb.name);
      });
  }
}
