/** DOM helpers for the dashboard pages: element builders, KPI cards and tables with test ids. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const child of children) node.append(child);
  return node;
}

export const money = (usd: number): string =>
  `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** A KPI card: the raw value sits in data-value so a test compares it with the API's exactly. */
export function kpi(testId: string, label: string, value: number, shown: string): HTMLElement {
  return h(
    'div',
    { class: 'kpi', 'data-testid': testId, 'data-value': String(value) },
    h('div', { class: 'kpi-value' }, shown),
    h('div', { class: 'kpi-label' }, label),
  );
}

export function table(testId: string, columns: string[], rows: Array<Array<Node | string>>): HTMLTableElement {
  const head = h('tr', {}, ...columns.map((c) => h('th', {}, c)));
  const body = rows.map((r) => h('tr', {}, ...r.map((cell) => h('td', {}, cell))));
  return h('table', { 'data-testid': testId }, h('thead', {}, head), h('tbody', {}, ...body));
}

export function section(title: string, ...children: Node[]): HTMLElement {
  return h('section', { class: 'card' }, h('h2', {}, title), ...children);
}

export function notice(message: string): HTMLElement {
  return h('p', { class: 'notice' }, message);
}
