# Vigil: the server (HTTP API, dashboard, ingest) in one image; the simulator runs from the same
# image (docker-compose.yml, profile "simulator").
#
#   docker build -t vigil .        docker compose up        (see README)

# --- build: native modules (better-sqlite3) and the dashboard ---------------------------------
FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles against Node's headers when no prebuilt binary can be fetched.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Dependencies first, so that a source change does not reinstall them.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# Then drop the dev dependencies: the server runs its TypeScript through tsx, a runtime
# dependency, and the built dashboard needs no build tools. The simulator (drills, the compose
# "simulator" profile) runs from one bundled file (esbuild, which tsx brings): it needs neither
# tsx nor its TypeScript sources at run time.
RUN npx vite build --config client/vite.config.ts \
 && npm run build:simulator \
 && npm prune --omit=dev --no-audit --no-fund

# --- runtime: no compilers ---------------------------------------------------------------------
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=8080 \
    DATA_DIR=/data \
    FACILITY_FILE=/app/config/facility.yaml
WORKDIR /app
COPY --from=build --chown=root:root /app /app
# Runs as the image's unprivileged `node` user; it owns only its state directory and /broker, where
# docker-compose.yml's broker-init mounts Mosquitto's data volume (a new volume takes the mount
# point's owner, so the broker's data is node's too).
RUN mkdir -p /data /broker && chown node:node /data /broker
USER node
VOLUME ["/data"]
# 8080: HTTP API + dashboard. MQTT is Mosquitto's (docker-compose.yml).
EXPOSE 8080
# slim images have no curl: Node's fetch does the check. 503 (a part down) counts as unhealthy.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# `node --import tsx` is `npx tsx` in one process: Node itself receives `docker stop`'s SIGTERM
# and the server shuts down cleanly (flushes its batch, closes the database).
CMD ["node", "--max-semi-space-size=64", "--import", "tsx", "server/src/main.ts"]
