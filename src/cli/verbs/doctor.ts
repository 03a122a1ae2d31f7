import type { Command } from 'commander';
import { runDoctor } from '../../core/doctor.js';
import type { CliContext } from '../context.js';

export function registerDoctor(program: Command, context: CliContext): void {
  program
    .command('doctor')
    .description('check every configured backend answers (exit 1 if one is down)')
    .option('--json', 'print one JSON document')
    .action(async (options: { json?: boolean }) => {
      const config = context.config();
      const report = await runDoctor(config, context.io.env);
      context.print(options.json, report, () => {
        const lines = [`profile ${report.profile}, home ${report.home}`];
        for (const c of report.checks) {
          const status = c.ok ? 'ok  ' : 'DOWN';
          lines.push(`${status} ${c.role.padEnd(9)} ${c.kind.padEnd(8)} ${c.url}  (${c.latencyMs} ms)`);
          if (!c.ok) lines.push(`     ${c.error}${c.hint ? `\n     hint: ${c.hint}` : ''}`);
        }
        lines.push(report.ok ? 'all backends answer' : 'some backends are down');
        return lines.join('\n');
      });
      if (!report.ok) context.exitCode = 1;
    });
}
