import { describe, expect, it } from 'vitest';
import { escapeRegex, promString, renderTemplate, validateTemplate } from '../../../src/collect/prometheus/promql.js';
import { ISTIO_QUERY_SET } from '../../../src/collect/queries/istio.js';

describe('query templates', () => {
  const values = { service: 'cart', namespace: 'shop', window: 60 };

  it('renders service, namespace and window where they belong', () => {
    expect(renderTemplate('sum(rate(x{a="{{service}}", ns="{{ namespace }}"}[{{window}}]))', values)).toBe(
      'sum(rate(x{a="cart", ns="shop"}[60s]))',
    );
    expect(renderTemplate('x[{{window}}]', { ...values, window: 2.5 })).toBe('x[2500ms]');
    expect(renderTemplate("x{pod=~'{{service_regex}}-.*'}", { ...values, service: 'a.b' })).toBe(
      "x{pod=~'a\\\\.b-.*'}",
    );
  });

  it('escapes a service name so it can never close the string and add PromQL', () => {
    const hostile = 'x"} or vector(1) or {a="';
    const rendered = renderTemplate('up{job="{{service}}"}', { ...values, service: hostile });
    expect(rendered).toBe('up{job="x\\"} or vector(1) or {a=\\""}');
    expect(promString('a\\b"c\nd\u0001')).toBe('"a\\\\b\\"c\\nd\\x01"');
    expect(escapeRegex('a.b*c(d)[e]{f}|^$+?\\')).toBe('a\\.b\\*c\\(d\\)\\[e\\]\\{f\\}\\|\\^\\$\\+\\?\\\\');
  });

  it('refuses placeholders outside strings, in raw strings, or unknown', () => {
    expect(() => validateTemplate('up{job={{service}}}', 'q')).toThrow(/must sit inside a quoted string/);
    expect(() => validateTemplate('up{job=`{{service}}`}', 'q')).toThrow(/backtick/);
    expect(() => validateTemplate('rate(x["{{window}}"])', 'q')).toThrow(/outside strings/);
    expect(() => validateTemplate('up{job="{{pod}}"}', 'q')).toThrow(/unknown placeholder \{\{pod\}\}/);
    expect(() => validateTemplate('up{job="x}', 'q')).toThrow(/never closed/);
    expect(() => validateTemplate('up{job="a\\"{{service}}"}', 'q')).not.toThrow();
  });

  it('ships a default Istio set that is valid and fixes the kpp collector faults', () => {
    for (const template of Object.values(ISTIO_QUERY_SET.queries)) validateTemplate(template!, 'istio');
    const q = ISTIO_QUERY_SET.queries;
    expect(q.throughput).toContain('reporter="destination"');
    expect(q.response_time).toContain('reporter="destination"');
    expect(q.response_time_p95).toContain('histogram_quantile(0.95');
    for (const filter of ['container!=""', 'container!="POD"', 'container!="istio-proxy"'])
      expect(q.cpu).toContain(filter);
  });
});
