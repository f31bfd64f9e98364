# syntax=docker/dockerfile:1
# One image for every Business Factory app. The default command runs the
# gateway; each worker runs the same image with
#   node dist/apps/<app>/src/main.js
# for <app> in intent, planner, webgen, dns, odoo, forge-sign, evidence.

# ---- build: install everything, compile, then drop dev dependencies ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
# Keep @scarf/scarf (a transitive install script) from phoning home during npm ci.
ENV SCARF_ANALYTICS=false
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY apps ./apps
COPY libs ./libs
COPY migrations ./migrations
COPY test ./test
RUN npm run build \
 && npm prune --omit=dev

# ---- runtime: production dependencies, compiled code and templates only ----
FROM node:20-bookworm-slim AS runtime
WORKDIR /app
# A 32 MB young generation: queue workers allocate many short-lived objects, and V8's small
# default makes scavenges frequent enough to show up in p99 latency (see README, Operations).
ENV NODE_ENV=production DATA_DIR=/app/var TEMPLATES_DIR=/app/templates NODE_OPTIONS=--max-semi-space-size=32
# The plugin forge's build (php -l) and sandbox steps run Debian's PHP CLI, the sandbox under
# prlimit (util-linux): without them both steps are skipped and no forge package can be published.
RUN apt-get update \
 && apt-get install -y --no-install-recommends php-cli util-linux \
 && rm -rf /var/lib/apt/lists/*
ENV FORGE_PHP_BIN=/usr/bin/php
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node templates ./templates
# DATA_DIR must exist and belong to `node` so that a named volume mounted on it
# inherits that ownership the first time it is created.
RUN mkdir -p /app/var && chown node:node /app/var
USER node
EXPOSE 8000 9464
CMD ["node", "dist/apps/gateway/src/main.js"]
