# One image for both Herald processes; the command chooses which:
#   docker run herald                     # the API (api/main.ts), on $HERALD_PORT (8080)
#   docker run herald workers/main.ts     # a worker
#   docker run herald scripts/seed.ts     # seeds the demo data set into an empty store
# Debian (glibc), not Alpine: the Temporal worker's native core ships prebuilt for glibc.

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# The workflow code is bundled here, once, so a worker starts without webpack (HERALD_WORKFLOW_BUNDLE).
FROM deps AS build
COPY . .
RUN node --import tsx scripts/bundle-workflows.ts /app/build/workflows.js

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HERALD_HOST=0.0.0.0 \
    HERALD_PORT=8080 \
    HERALD_WORKFLOW_BUNDLE=/app/build/workflows.js
WORKDIR /app
COPY package.json package-lock.json ./
# tsx runs the TypeScript sources, so it is a dependency; nothing in devDependencies is installed.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY api ./api
COPY activities ./activities
COPY config ./config
COPY domain ./domain
COPY observability ./observability
COPY store ./store
COPY views ./views
COPY playbooks ./playbooks
COPY workers ./workers
COPY workflows ./workflows
COPY scripts/seed.ts ./scripts/seed.ts
COPY tsconfig.json ./
COPY --from=build /app/build/workflows.js ./build/workflows.js
# The image's `node` user (uid 1000); it owns nothing but may read everything.
USER node
EXPOSE 8080
# /healthz answers 200 when Temporal, MongoDB and SMTP are reachable, 503 otherwise. Only the API
# listens: docker-compose.yml turns this check off for workers.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HERALD_PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "--import", "tsx"]
CMD ["api/main.ts"]
