/**
 * One SERVER span per HTTP request, opened in `onRequest` and closed in `onResponse` (or when the
 * client goes away). Installed first on the root instance, so the span also covers what answers
 * before a route runs (auth, rate limits, body checks), and 401s and 429s are traced too.
 *
 * A caller's W3C `traceparent` (and `tracestate`) continues its trace. The span's context is left on
 * the request (`request.traceContext`) for the routes to hand to inference, and the trace and span
 * ids are bound to the request's logger, so the request's log line names its trace.
 *
 * What the span carries is chosen for the service's privacy rule: method, route pattern, path (never
 * the query string), status, request id, model; never a body, a header value or an error message
 * (messages can quote inputs).
 */
import type { IncomingHttpHeaders } from 'node:http';
import {
  type Attributes,
  type Context,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type TextMapPropagator,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errorType } from './prediction-spans.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's trace context (its server span) while tracing is on: the parent of its inference spans. */
    traceContext?: Context | undefined;
  }
}

/** Node lower-cases header names, and the propagator asks for lower-case names. */
const headerGetter: TextMapGetter<IncomingHttpHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};

interface OpenSpan {
  span: Span;
  /** What a failing handler threw (its code or class), for `error.type` on a 5xx. */
  error?: string;
}

export function installServerSpans(app: FastifyInstance, tracer: Tracer, propagator: TextMapPropagator): void {
  const open = new WeakMap<FastifyRequest, OpenSpan>();
  // Declared up front so every request object has the same shape (V8 keeps its fast paths).
  app.decorateRequest('traceContext', undefined);

  app.addHook('onRequest', (request, reply, done) => {
    const parent = propagator.extract(ROOT_CONTEXT, request.headers, headerGetter);
    const route = request.routeOptions.url;
    const attributes: Attributes = {
      'http.request.method': request.method,
      'url.path': request.url.split('?', 1)[0],
      'url.scheme': request.protocol,
      'fleetcast.request_id': request.id,
    };
    // Unmatched requests (404s) have no route: name them by method only, as the conventions ask,
    // so random paths do not make a span name each.
    if (route) attributes['http.route'] = route;
    const span = tracer.startSpan(
      route ? `${request.method} ${route}` : request.method,
      { kind: SpanKind.SERVER, attributes },
      parent,
    );
    request.traceContext = trace.setSpan(parent, span);
    open.set(request, { span });
    const { traceId, spanId } = span.spanContext();
    request.log = request.log.child({ trace_id: traceId, span_id: spanId });
    reply.log = request.log; // Fastify's own lines about this request, too
    done();
  });

  app.addHook('onError', (request, _reply, error, done) => {
    const state = open.get(request);
    if (state) state.error = errorType(error);
    done();
  });

  const end = (request: FastifyRequest, status: number | undefined) => {
    const state = open.get(request);
    if (!state) return;
    open.delete(request);
    const { span } = state;
    if (request.servedModel) span.setAttribute('fleetcast.model.name', request.servedModel);
    if (status === undefined) {
      // The client went away before the answer: not a server error, but worth seeing.
      span.setAttribute('fleetcast.aborted', true);
    } else {
      span.setAttribute('http.response.status_code', status);
      // 4xx are the caller's mistakes and leave the status unset (HTTP server conventions).
      if (status >= 500) {
        span.setStatus({ code: SpanStatusCode.ERROR });
        span.setAttribute('error.type', state.error ?? String(status));
      }
    }
    span.end();
  };
  app.addHook('onResponse', (request, reply, done) => {
    end(request, reply.statusCode);
    done();
  });
  app.addHook('onRequestAbort', (request, done) => {
    end(request, undefined);
    done();
  });
}
