# syntax=docker/dockerfile:1
# One image per Switchboard deployable, chosen by the build argument APP:
#   docker build --build-arg APP=netty-node -t switchboard-netty-node .
# APP is one of gateway, netty-node, message-dispatch, storage-worker (or standalone); docker-compose.yml builds all.

# ---------------------------------------------------------------- build
# The full image has python3, make and g++, which better-sqlite3 and argon2 need when no prebuilt binary fits.
FROM node:20-bookworm AS build
WORKDIR /app

COPY package.json package-lock.json ./
# npm workspaces: each package's manifest must be there for `npm ci`
COPY packages/client/package.json ./packages/client/
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund

COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
COPY packages ./packages
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# ---------------------------------------------------------------- runtime
FROM node:20-bookworm-slim AS runtime
ARG APP=gateway
ENV NODE_ENV=production \
    APP=${APP}
WORKDIR /app

COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# the standalone app keeps its SQLite files in ./data; the split apps write nothing locally
RUN mkdir -p /app/data && chown node:node /app/data

# the `node` user (uid 1000) comes with the image
USER node

EXPOSE 3000
# GET /health answers 200 when the app's dependencies are up; the slim image has no curl, so node asks.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# exec: node replaces the shell and receives SIGTERM itself (push nodes drain their sockets on it);
# run with an init (`docker run --init`, compose `init: true`) so that signals and zombies are handled as PID 1 should.
CMD ["sh", "-c", "exec node dist/apps/${APP}/src/main.js"]
