# bedrock-ops: dashboard server (and CLI) in one image.
# Build:  docker build -t bedrock-ops .
# Run:    docker run -p 3000:3000 -e BEDROCK_OPS_TOKEN=<at least 16 chars> \
#           -v $PWD/config.json:/app/config.json:ro bedrock-ops
# There is no TypeScript build: the server runs through tsx (a production dependency).

ARG NODE_IMAGE=node:22-bookworm-slim

# 1. Production dependencies. better-sqlite3 is a native addon: compilers are needed here in case
#    no prebuilt binary matches, and never reach the runtime image.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# 2. The web bundle (esbuild and Chart.js are production dependencies, so deps suffice).
FROM deps AS web
COPY web ./web
RUN node_modules/.bin/tsx web/build.ts

# 3. Runtime: same base (same libc as the compiled addon), no compilers, non-root.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    BEDROCK_OPS_DATA_DIR=/data
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --chown=root:root package.json ./
COPY --chown=root:root server ./server
COPY --from=web --chown=root:root /app/web/dist ./web/dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# Binding 0.0.0.0 makes the server require BEDROCK_OPS_TOKEN (it refuses to start without one).
# /api/health needs no token, so the check works with auth on.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "server/bin.js"]
CMD ["serve"]
