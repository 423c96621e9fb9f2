# Build stage: compile TypeScript with the full dependency set.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ormconfig.ts ./
COPY src ./src
COPY proto ./proto
RUN npm run build && npm prune --omit=dev

# Runtime stage: compiled code and production dependencies only, as a non-root user.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORTCULLIS_DATA_DIR=/var/lib/portcullis \
    PORTCULLIS_PORT=8080
WORKDIR /app
RUN groupadd --system portcullis && useradd --system --gid portcullis --home /var/lib/portcullis portcullis \
    && mkdir -p /var/lib/portcullis && chown portcullis:portcullis /var/lib/portcullis
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
USER portcullis
EXPOSE 8080
VOLUME ["/var/lib/portcullis"]
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s CMD ["node", "bin/portcullis.cjs", "ready"]
ENTRYPOINT ["node", "bin/portcullis.cjs"]
CMD ["start"]
