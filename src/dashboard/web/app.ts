/** The dashboard shell: a hash router over the pages, an API-key field, and errors shown in place. */
import { apiKey, setApiKey } from './api.js';
import { h } from './dom.js';
import { fleetPage } from './pages/fleet.js';
import { jobsPage } from './pages/jobs.js';
import { modelsPage } from './pages/models.js';
import { performancePage } from './pages/performance.js';
import { resourcePage } from './pages/resource.js';
import { sentimentPage } from './pages/sentiment.js';
import { studiesPage } from './pages/studies.js';

const PAGES = [
  ['fleet', 'Fleet'],
  ['resources', 'Resources'],
  ['models', 'Models'],
  ['jobs', 'Jobs'],
  ['studies', 'Studies'],
  ['performance', 'Performance'],
  ['sentiment', 'Sentiment'],
] as const;

async function render(): Promise<void> {
  const [page = 'fleet', arg] = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const main = document.getElementById('page')!;
  main.replaceChildren();
  main.setAttribute('data-page', page);
  main.setAttribute('aria-busy', 'true');
  for (const link of document.querySelectorAll('nav a'))
    link.classList.toggle('active', link.getAttribute('data-page') === page);
  try {
    if (page === 'resources') await resourcePage(main, arg);
    else if (page === 'models') await modelsPage(main, () => void render());
    else if (page === 'jobs') await jobsPage(main);
    else if (page === 'studies') await studiesPage(main, arg);
    else if (page === 'performance') await performancePage(main);
    else if (page === 'sentiment') sentimentPage(main);
    else await fleetPage(main);
  } catch (error) {
    main.append(
      h('p', { class: 'error', 'data-testid': 'page-error' }, `Could not load this page: ${(error as Error).message}`),
    );
  } finally {
    main.setAttribute('aria-busy', 'false');
  }
}

function shell(): void {
  const nav = document.getElementById('nav')!;
  for (const [id, label] of PAGES) nav.append(h('a', { href: `#/${id}`, 'data-page': id }, label));
  const key = document.getElementById('api-key') as HTMLInputElement;
  key.value = apiKey() ?? '';
  key.addEventListener('change', () => {
    setApiKey(key.value.trim());
    void render();
  });
  window.addEventListener('hashchange', () => void render());
  void render();
}

shell();
