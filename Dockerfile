# weft: the OpenFlow 1.3 controller. Build stage compiles TypeScript; the runtime image holds
# dist/ and production dependencies only. Configure with WEFT_* variables or flags (see
# docs/CONFIG.md); `docker run --rm weft:dev node dist/src/cli.js --help` lists them.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY protocol ./protocol
COPY apps ./apps
COPY src ./src
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The web UI's static files (served at /ui/; found next to dist/).
COPY ui ./ui
# The event stream's protobuf schema, read at run time (src/rest/events/proto.ts).
COPY proto ./proto
# The state store (docs/STATE.md): a volume, writable by the unprivileged user.
RUN mkdir -p /var/lib/weft && chown node:node /var/lib/weft
ENV WEFT_STATE_DIR=/var/lib/weft
VOLUME /var/lib/weft
# Unprivileged: both ports are above 1024.
USER node
# 6653: OpenFlow (switches connect here); 8080: REST API.
EXPOSE 6653 8080
# weft stops cleanly on SIGTERM (docker stop), exit code 0.
STOPSIGNAL SIGTERM
CMD ["node", "--max-semi-space-size=64", "dist/src/cli.js"]
