/**
 * The field types the runtime spec is made of, each with the expected form its error names. Kept
 * apart from the spec's shape (schema.ts) so that file reads as the reference of the spec.
 */
import { Cron } from 'croner';
import { z } from 'zod';
import { errorMessage } from '../../../core/errors.js';
import { parseModelReference } from '../../../registry/index.js';
import { CPU_FORM, MEMORY_FORM, parseCpu, parseMemory } from './quantities.js';

/** The queue `fleetcast worker` and `fleetcast tune --distributed` use unless told otherwise. */
export const DEFAULT_QUEUE = 'fleetcast';

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** A name that becomes part of Kubernetes object names (and so of DNS names). */
export const dnsLabel = (max: number) => {
  const form = `a name of lower-case letters, digits and "-", starting with a letter, at most ${max} characters`;
  return z.string({ error: form }).max(max, form).regex(DNS_LABEL, form);
};

export const secretName = () => {
  const form = 'the name of a Secret in the namespace (lower-case letters, digits, "-" and ".")';
  return z.string({ error: form }).max(253, form).regex(DNS_SUBDOMAIN, form);
};

/** A reference to one key of a Secret that exists in the namespace (never the value itself). */
export const secretKeyRef = (defaultKey: string) =>
  z.strictObject({
    name: secretName(),
    key: z
      .string({ error: 'a key of the Secret (letters, digits, "-", "_" and ".")' })
      .regex(SECRET_KEY, 'a key of the Secret (letters, digits, "-", "_" and ".")')
      .default(defaultKey),
  });

const asText = (value: unknown) => (typeof value === 'number' ? String(value) : value);

export const cpuQuantity = () =>
  z.preprocess(
    asText,
    z.string({ error: CPU_FORM }).refine((text) => parseCpu(text) !== undefined, CPU_FORM),
  );

export const memoryQuantity = () =>
  z.preprocess(
    asText,
    z.string({ error: MEMORY_FORM }).refine((text) => parseMemory(text) !== undefined, MEMORY_FORM),
  );

/** Limits above the requests; each defaults to its request (see resources in docs/runtime.md). */
export const limits = () =>
  z.strictObject({ cpu: cpuQuantity().optional(), memory: memoryQuantity().optional() }).optional();

export const image = () =>
  z
    .string({ error: 'a container image reference such as registry.example.com/fleetcast:0.1.0' })
    .regex(/^\S+$/, 'a container image reference such as registry.example.com/fleetcast:0.1.0 (no spaces)');

export const int = (min: number, max: number) =>
  z
    .number({ error: `a whole number from ${min} to ${max}` })
    .int(`a whole number from ${min} to ${max}`)
    .min(min, `a whole number from ${min} to ${max}`)
    .max(max, `a whole number from ${min} to ${max}`);

/** BullMQ queue names as the runtime spec admits them: they also name containers. */
export const queueName = () => dnsLabel(40);

export const labels = () =>
  z.record(
    z.string().regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, 'a label key such as team'),
    z
      .string({ error: 'a label value of at most 63 letters, digits, "-", "_" or "."' })
      .regex(
        /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/,
        'a label value of at most 63 letters, digits, "-", "_" or "."',
      ),
  );

export const nodeSelector = () => z.record(z.string(), z.string({ error: 'a label value' })).optional();

export const CRON_FORM = 'five cron fields such as "0 2 * * *" (minute hour day-of-month month day-of-week)';

export const cron = () =>
  z.string({ error: CRON_FORM }).refine((text) => text.trim().split(/\s+/).length === 5 && isCron(text), CRON_FORM);

export const timezone = () =>
  z.string({ error: 'an IANA time zone such as UTC or Europe/Paris' }).refine(isTimeZone, {
    error: 'an IANA time zone such as UTC or Europe/Paris',
  });

export const modelReference = () =>
  z.string({ error: 'a model reference: NAME@ALIAS, NAME:VERSION or NAME' }).superRefine((text, ctx) => {
    try {
      parseModelReference(text);
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        message: `a model reference: NAME@ALIAS, NAME:VERSION or NAME (${errorMessage(error)})`,
      });
    }
  });

function isCron(text: string): boolean {
  try {
    new Cron(text, { paused: true });
    return true;
  } catch {
    return false;
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A store given by URL (non-secret) or by a Secret holding the URL: exactly one of the two. */
export const endpoint = (what: string, schemes: string[], defaultKey: string) =>
  z
    .strictObject({
      url: z.string({ error: `a ${schemes.join(' or ')} URL` }).optional(),
      secretRef: secretKeyRef(defaultKey).optional(),
    })
    .superRefine((value, ctx) => {
      if ((value.url === undefined) === (value.secretRef === undefined)) {
        ctx.addIssue({
          code: 'custom',
          message: `exactly one of url (no password in it) or secretRef {name, key} holding the ${what} URL`,
        });
        return;
      }
      if (value.url === undefined) return;
      const problem = urlProblem(value.url, schemes);
      if (problem) ctx.addIssue({ code: 'custom', path: ['url'], message: problem });
    });

function urlProblem(text: string, schemes: string[]): string | undefined {
  const form = `a URL starting with ${schemes.map((s) => `${s}://`).join(' or ')}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return form;
  }
  if (!schemes.includes(url.protocol.slice(0, -1))) return form;
  if (url.password) {
    return 'a URL without a password: the manifests are not secret; put the URL in a Secret and use secretRef';
  }
  return undefined;
}
