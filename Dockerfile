# msgstore: build once, run as an unprivileged user with the data on a volume.
# Build: docker build -t msgstore .
# Run:   docker run -p 8080:8080 -v msgstore-data:/data -e MSGSTORE_ADMIN_TOKEN=change-me msgstore

FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 downloads a prebuilt binary; these build it from source when none fits.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
# The web inbox's front end (built into dist/inbox) and the OpenAPI reference the server
# serves its description from (GET /restapi/openapi.json).
COPY web ./web
COPY openapi ./openapi
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    MSGSTORE_HOST=0.0.0.0 \
    MSGSTORE_PORT=8080 \
    MSGSTORE_DATA=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/openapi ./openapi
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.MSGSTORE_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The server is PID 1's only child of note: exec form, no shell, no npm, so SIGTERM from
# `docker stop` reaches it and it shuts down cleanly; --init reaps anything else.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "dist/main.js"]
CMD ["serve"]
