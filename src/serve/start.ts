/**
 * Running the service: listen, refresh on an interval (aliases → hot swap, keys file → rotation),
 * and stop gracefully — readiness fails first, the listener stops accepting, requests in flight
 * finish, batches flush, a running job hands its lease back — within the shutdown timeout, after
 * which remaining connections are cut.
 */
import { errorMessage } from '../core/errors.js';
import { buildServeApp, type ServeApp, type ServeAppOptions } from './app.js';

export interface StartServeOptions extends ServeAppOptions {
  port?: number;
  host?: string;
  /** Alias and keys-file refresh period in ms; default `serve.reload_interval_seconds` (0: never). */
  reloadIntervalMs?: number;
}

export interface RunningServe {
  serve: ServeApp;
  url: string;
  port: number;
  /** Stops the service (idempotent); resolves when everything is closed. */
  shutdown(reason?: string): Promise<void>;
}

export async function startServe(options: StartServeOptions): Promise<RunningServe> {
  const serveConfig = options.config.serve;
  const serve = await buildServeApp(options);
  const log = serve.app.log;
  try {
    await serve.app.listen({ port: options.port ?? serveConfig.port, host: options.host ?? serveConfig.host });
  } catch (error) {
    await serve.close();
    throw error;
  }
  const address = serve.app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? serveConfig.port);
  const host = options.host ?? serveConfig.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const interval = options.reloadIntervalMs ?? serveConfig.reloadIntervalSeconds * 1000;
  const timer =
    interval > 0
      ? setInterval(() => {
          serve.refresh().catch((error: unknown) => log.warn({ err: errorMessage(error) }, 'refresh failed'));
        }, interval).unref()
      : undefined;

  let stopped: Promise<void> | undefined;
  const shutdown = (reason = 'shutdown') => {
    stopped ??= (async () => {
      if (timer) clearInterval(timer);
      log.info({ reason }, 'stopping: draining requests in flight');
      serve.beginShutdown();
      const limitMs = serveConfig.shutdownTimeoutSeconds * 1000;
      const cut = setTimeout(() => {
        log.warn({ after_ms: limitMs }, 'shutdown timeout: closing the remaining connections');
        serve.app.server.closeAllConnections();
      }, limitMs).unref();
      try {
        await serve.close();
      } finally {
        clearTimeout(cut);
      }
      log.info('stopped');
    })();
    return stopped;
  };
  log.info({ url, models: serve.pool.names() }, 'serving');
  return { serve, url, port, shutdown };
}

/**
 * SIGTERM and SIGINT stop the service gracefully; SIGHUP re-reads the keys file and re-resolves
 * aliases at once. Returns a function that removes the handlers.
 */
export function handleSignals(running: RunningServe, onStopped: (error?: unknown) => void): () => void {
  const stop = (signal: NodeJS.Signals) => {
    running.shutdown(signal).then(
      () => onStopped(),
      (error: unknown) => onStopped(error),
    );
  };
  const hangup = () => {
    running.serve.refresh().catch(() => {});
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('SIGHUP', hangup);
  return () => {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
    process.off('SIGHUP', hangup);
  };
}
