# syntax=docker/dockerfile:1.7
#
# One image for all four apps (gateway, fleet-service, integration-service,
# health-monitor) and for the all-in-one standalone process. The app is chosen
# by the command:
#
#   docker run IMAGE                                     # standalone (default CMD)
#   docker run IMAGE dist/apps/gateway/src/main.js       # one app (distributed mode)
#
# Stages: deps (all dependencies, cached on the lockfile) -> build (nest/tsc to
# dist/) -> runtime (production dependencies only, non-root, read-only friendly).

ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
# SCARF_ANALYTICS: a dependency's postinstall would otherwise phone home during the build.
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false SCARF_ANALYTICS=false
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci

# ---------------------------------------------------------------------------
FROM deps AS build
COPY . .
# Fail the build here, not at container start, if the contract's entry points
# are missing.
RUN npm run build \
 && for app in standalone gateway fleet-service integration-service health-monitor; do \
      test -f "dist/apps/$app/src/main.js" || { echo "missing dist/apps/$app/src/main.js" >&2; exit 1; }; \
    done

# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime

# AWS CLI: fleet-service runs `aws` as a child process, so it must be in the
# image. We take Debian's `awscli` package rather than pip or the official v2
# installer because:
#   - it comes from the same signed Debian archive as the base image, so it is
#     patched by rebuilding on a newer node:20-bookworm-slim (no extra
#     supply-chain source, no pinned wheel set to maintain);
#   - pip in a separate python stage would need the same Python ABI in the
#     runtime stage anyway (i.e. installing python3 here too) plus copying a
#     venv across stages - more moving parts for the same result;
#   - the official v2 zip installer is a download outside any package
#     registry (not verifiable by apt/npm, not reproducible here).
# bookworm's package is AWS CLI v2 (2.9.x); our commands also run against CLI
# v1 (the test machine's), so either is fine.
#
# tini is PID 1: it forwards SIGTERM to node and reaps zombies. The reaping
# matters here because fleet-service spawns `aws` processes whose children
# could otherwise be left as zombies of PID 1.
#
# bsdextrautils provides `col`: the CLI executor sets MANPAGER='col -b' so that
# `aws ... help` comes back as plain text (awscli already pulls in groff-base).
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini awscli bsdextrautils ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && aws --version

# Fixed, numeric uid/gid so Kubernetes' runAsNonRoot can verify it.
# /data is the one writable data directory (a volume, or an emptyDir/tmpfs).
# The config default data.dir is ./data, i.e. /app/data: a symlink to /data, so
# the image needs no MCP_* environment defaults (which would silently override
# a mounted config file, since the environment wins over the file).
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /tmp --shell /usr/sbin/nologin app \
 && mkdir -p /data /app \
 && chown 10001:10001 /data \
 && ln -s /data /app/data

WORKDIR /app
# HOME=/tmp: writable even with a read-only root filesystem (/tmp is an
# emptyDir or tmpfs in our deployments); the AWS CLI keeps its cache there.
ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    SCARF_ANALYTICS=false \
    HOME=/tmp

# Production dependencies only. Code and node_modules stay owned by root and
# are read-only for the app user.
COPY package.json package-lock.json ./
# (The npm cache is a build cache mount, so it does not end up in the layer.)
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund
COPY --from=build /app/dist ./dist

USER 10001:10001
EXPOSE 8000

# Liveness only (not readiness): a container whose NATS or database is briefly
# unavailable should not be restarted by Docker. Uses node's global fetch, so
# the image needs no curl/wget.
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.MCP_SERVER_PORT||8000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# The `node` entrypoint, behind tini. The CMD (or compose `command:` /
# Kubernetes `args:`) names the app's script. In Kubernetes use `args`, not
# `command`, or tini is bypassed.
ENTRYPOINT ["/usr/bin/tini", "--", "node"]
CMD ["dist/apps/standalone/src/main.js"]
