/** The studies page: each tuning or calibration study, its convergence and its best parameters. */
import type { StudyDetail, StudySummary } from '../../contracts/dashboard.js';
import type { MetadataStore } from '../../core/index.js';

const samplerName = (json: string): string => {
  try {
    const parsed = JSON.parse(json) as { name?: unknown };
    return typeof parsed.name === 'string' ? parsed.name : 'unknown';
  } catch {
    return 'unknown';
  }
};

export async function listStudies(metadata: MetadataStore): Promise<StudySummary[]> {
  const studies = await metadata.db.selectFrom('studies').selectAll().orderBy('created_at', 'desc').execute();
  const counts = await metadata.db
    .selectFrom('trials')
    .select((eb) => [
      'study',
      eb.fn.countAll<number>().as('trials'),
      eb.fn.count<number>(eb.case().when('state', '=', 'completed').then(1).end()).as('completed'),
      eb.fn.min('loss').as('best_loss'),
    ])
    .groupBy('study')
    .execute();
  const byStudy = new Map(counts.map((c) => [c.study, c]));
  return studies.map((s) => {
    const c = byStudy.get(s.name);
    return {
      name: s.name,
      created_at: s.created_at,
      sampler: samplerName(s.sampler),
      trials: Number(c?.trials ?? 0),
      completed: Number(c?.completed ?? 0),
      best_loss: c?.best_loss == null ? null : Number(c.best_loss),
    };
  });
}

export async function studyDetail(metadata: MetadataStore, name: string): Promise<StudyDetail | undefined> {
  const summary = (await listStudies(metadata)).find((s) => s.name === name);
  if (!summary) return undefined;
  const trials = await metadata.db
    .selectFrom('trials')
    .select(['number', 'loss', 'params'])
    .where('study', '=', name)
    .where('state', '=', 'completed')
    .orderBy('number')
    .execute();
  let best: StudyDetail['best'] = null;
  const convergence: StudyDetail['convergence'] = [];
  for (const t of trials) {
    const loss = Number(t.loss);
    if (!Number.isFinite(loss)) continue;
    if (!best || loss < best.loss) best = { number: Number(t.number), loss, params: JSON.parse(t.params) };
    convergence.push({ number: Number(t.number), loss, best: best.loss });
  }
  return { ...summary, convergence, best };
}
