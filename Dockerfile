# One image for every production process of the OKR cycle orchestrator:
#
#   docker run IMAGE api       HTTP API (GET /healthz liveness, GET /readyz readiness)
#   docker run IMAGE worker    Temporal worker (loads the prebuilt workflow bundle)
#   docker run IMAGE migrate   apply database migrations, then exit
#
# Any other command runs as given (e.g. `docker run IMAGE node -v`). See docs/deployment.md.
# TypeScript runs directly through tsx's loader; the only build product is the workflow bundle.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- deps: every dependency, for building the workflow bundle --------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# ---- build: the Temporal workflow bundle -------------------------------------------------------
FROM deps AS build
COPY tsconfig.json ./
COPY contract ./contract
COPY kinds ./kinds
COPY i18n ./i18n
COPY core ./core
COPY config ./config
COPY workflows ./workflows
COPY activities ./activities
COPY api ./api
COPY db ./db
COPY mail ./mail
COPY runtime ./runtime
COPY scripts ./scripts
RUN npm run build:bundle -- /app/dist/workflow-bundle.js \
 && test -s /app/dist/workflow-bundle.js

# ---- prod-deps: production dependencies only (tsx is one of them) ------------------------------
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# ---- runtime -----------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
WORKDIR /app

# Root owns the code and dependencies (read-only for the process); only .data is writable.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY contract ./contract
COPY kinds ./kinds
COPY i18n ./i18n
COPY core ./core
COPY config ./config
COPY workflows ./workflows
COPY activities ./activities
COPY api ./api
COPY db ./db
COPY mail ./mail
COPY runtime ./runtime
COPY scripts ./scripts
COPY deploy/docker-entrypoint.sh ./deploy/docker-entrypoint.sh
COPY --from=build /app/dist/workflow-bundle.js /app/dist/workflow-bundle.js
RUN mkdir -p /app/.data && chown node:node /app/.data

USER node
EXPOSE 3000
ENTRYPOINT ["/bin/sh", "/app/deploy/docker-entrypoint.sh"]
CMD ["api"]
