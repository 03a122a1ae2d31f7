# syntax=docker/dockerfile:1
# Fleetcast: one image for every component. The command picks the role — `serve` (the default
# here), `worker`, `predict`, `schedule run`, `tune` — as the manifests of `fleetcast runtime plan`
# do (deploy/kubernetes/).
#
#   docker build -t fleetcast:0.1.0 .
#   docker run --rm -p 8080:8080 fleetcast:0.1.0            # serve on :8080 (embedded stores)
#   docker run --rm fleetcast:0.1.0 doctor                    # any verb
#
# No HEALTHCHECK: the same image runs workers and jobs, which have no HTTP endpoint. On Kubernetes
# the API's probes (GET /healthz, GET /readyz) are in its Deployment.

# ---- build: all dependencies, compile TypeScript, then drop the development ones ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
# .npmrc first: its onnxruntime-node-install=skip keeps the install from fetching GPU binaries.
COPY package.json package-lock.json .npmrc ./
# Dependencies without scripts (the package's own `prepare` build needs the sources, not yet
# here), then their install scripts (native modules: better-sqlite3, DuckDB, onnxruntime).
RUN npm ci --ignore-scripts && npm rebuild
COPY . .
RUN npm run build && npm prune --omit=dev

# ---- runtime: production dependencies, the compiled code, a non-root user ----
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
ENV FLEETCAST_HOME=/var/lib/fleetcast
# serve listens on loopback by default; in a container it must answer on the container's address.
ENV FLEETCAST_SERVE_HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
RUN ln -s /app/bin/fleetcast.js /usr/local/bin/fleetcast \
  && mkdir -p /var/lib/fleetcast \
  && chown 1000:1000 /var/lib/fleetcast
# The image's `node` user (uid 1000), by number so Kubernetes can verify runAsNonRoot.
USER 1000:1000
EXPOSE 8080
ENTRYPOINT ["fleetcast"]
CMD ["serve", "--port", "8080"]
