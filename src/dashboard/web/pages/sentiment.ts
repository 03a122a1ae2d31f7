/** The sentiment try-it box: the default model through the v1 API and the typed client. */
import { client } from '../api.js';
import { h, section } from '../dom.js';

export function sentimentPage(root: HTMLElement): void {
  const input = h('textarea', { 'data-testid': 'sentiment-input', rows: '4', placeholder: 'Type a sentence…' });
  input.value = 'The new release is fast and the dashboard is lovely.';
  const button = h('button', { 'data-testid': 'sentiment-submit' }, 'Classify');
  const result = h('div', { 'data-testid': 'sentiment-result', class: 'result' });
  button.addEventListener('click', async () => {
    result.textContent = '…';
    try {
      const answer = (await client().predictDefault({ text: input.value })) as Record<string, unknown>;
      result.replaceChildren(
        h(
          'span',
          { class: `badge badge-${String(answer.label).toLowerCase()}`, 'data-testid': 'sentiment-label' },
          String(answer.label),
        ),
        h('span', { 'data-testid': 'sentiment-score' }, ` score ${Number(answer.score).toFixed(3)}`),
        h(
          'span',
          { class: 'muted' },
          ` · ${String(answer.model)} v${String(answer.version)}${answer.truncated ? ' · truncated' : ''}`,
        ),
      );
    } catch (error) {
      result.textContent = `Error: ${(error as Error).message}`;
    }
  });
  root.append(section('Sentiment', input, h('div', { class: 'toolbar' }, button), result));
}
