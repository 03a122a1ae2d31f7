/**
 * The demo's step runner: each step runs once, records what it made in a state file, and is reused
 * on the next run while its inputs are unchanged and its outputs still exist — so a second
 * `npm start` skips to what is missing. The state file is replaced atomically after each step, so a
 * crash mid-step leaves that step unrecorded (it runs again), never half-recorded.
 */

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeFolderSync } from '../core/folders.js';
import { errorMessage } from '../core/index.js';

export type StepStatus = 'done' | 'reused' | 'failed' | 'skipped';

export interface StepReport {
  id: string;
  title: string;
  status: StepStatus;
  seconds: number;
  detail: Record<string, unknown>;
  error?: string;
}

export interface DemoStep<C> {
  id: string;
  title: string;
  /** What the step depends on: a change re-runs it (and, through `after`, the steps that use it). */
  inputs(context: C): unknown;
  /** True when what a recorded run made is still there (a table, a model version, a file). */
  stillValid?(context: C, detail: Record<string, unknown>): Promise<boolean>;
  run(context: C, earlier: Record<string, Record<string, unknown>>): Promise<Record<string, unknown>>;
}

interface StateFile {
  version: 1;
  steps: Record<string, { inputs: string; detail: Record<string, unknown>; finished_at: string }>;
}

const hashOf = (value: unknown): string =>
  createHash('sha256')
    .update(JSON.stringify(value) ?? 'null')
    .digest('hex');

export class DemoState {
  private state: StateFile = { version: 1, steps: {} };

  constructor(private readonly dir: string) {
    const path = this.path();
    if (existsSync(path)) {
      try {
        const parsed = JSON.parse(readFileSync(path, 'utf8')) as StateFile;
        if (parsed.version === 1 && parsed.steps) this.state = parsed;
      } catch {
        // An unreadable state file means nothing is known to be done: every step runs again.
        this.state = { version: 1, steps: {} };
      }
    }
  }

  private path(): string {
    return join(this.dir, 'state.json');
  }

  recorded(id: string, inputs: string): Record<string, unknown> | undefined {
    const entry = this.state.steps[id];
    return entry && entry.inputs === inputs ? entry.detail : undefined;
  }

  record(id: string, inputs: string, detail: Record<string, unknown>): void {
    this.state.steps[id] = { inputs, detail, finished_at: new Date().toISOString() };
    makeFolderSync(this.dir);
    const tmp = `${this.path()}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.state, null, 2)}\n`);
    renameSync(tmp, this.path());
  }

  forget(id: string): void {
    delete this.state.steps[id];
  }

  static clear(dir: string): void {
    rmSync(join(dir, 'state.json'), { force: true });
  }
}

/**
 * Runs the steps in order. A failed step stops the run (later steps depend on it); each report
 * carries its timing. `onStep` is called before and after each step for the progress display.
 */
export async function runSteps<C>(
  steps: ReadonlyArray<DemoStep<C>>,
  context: C,
  state: DemoState,
  onStep: (event: {
    phase: 'start' | 'end';
    index: number;
    total: number;
    report?: StepReport;
    step: DemoStep<C>;
  }) => void,
): Promise<StepReport[]> {
  const reports: StepReport[] = [];
  const earlier: Record<string, Record<string, unknown>> = {};
  let upstreamChanged = false;
  for (const [index, step] of steps.entries()) {
    onStep({ phase: 'start', index, total: steps.length, step });
    const started = performance.now();
    // A step is reused only if nothing before it ran again: a re-run upstream step may have made
    // different outputs, which this step's recorded result was built on.
    const inputs = hashOf(step.inputs(context));
    let report: StepReport;
    const recorded = upstreamChanged ? undefined : state.recorded(step.id, inputs);
    try {
      if (recorded && (await (step.stillValid?.(context, recorded) ?? Promise.resolve(true)))) {
        earlier[step.id] = recorded;
        report = { id: step.id, title: step.title, status: 'reused', seconds: 0, detail: recorded };
      } else {
        upstreamChanged = true;
        const detail = await step.run(context, earlier);
        earlier[step.id] = detail;
        state.record(step.id, inputs, detail);
        report = { id: step.id, title: step.title, status: 'done', seconds: 0, detail };
      }
    } catch (error) {
      state.forget(step.id);
      report = { id: step.id, title: step.title, status: 'failed', seconds: 0, detail: {}, error: errorMessage(error) };
    }
    report.seconds = Math.round((performance.now() - started) / 10) / 100;
    reports.push(report);
    onStep({ phase: 'end', index, total: steps.length, report, step });
    if (report.status === 'failed') {
      for (const rest of steps.slice(index + 1)) {
        reports.push({ id: rest.id, title: rest.title, status: 'skipped', seconds: 0, detail: {} });
      }
      break;
    }
  }
  return reports;
}
