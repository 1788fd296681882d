# The standalone server as a container image:
#   docker build -t ors-gateway .
#   docker run -p 3000:3000 -v ors-data:/data -e UPSTREAM_URL=demo -e ORS_API_KEYS=choose-a-key ors-gateway
# It binds every address of the container, so it starts only with ORS_API_KEYS (clients send one as
# Authorization: Bearer), or with ORS_AUTH=none when something in front of it authenticates.
# Configured by the same environment variables as `java -jar` (README: "Configuration of the standalone server").

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
# The runnable jar only: tests and the format check are the CI's job, not the image's.
RUN ./mvnw -B -q -pl examples -am package -DskipTests -Dspotless.check.skip=true \
    && cp examples/target/ors-gateway.jar /ors-gateway.jar

FROM eclipse-temurin:17-jre
# A user of its own (not root), owning the data directory.
RUN groupadd --system --gid 10001 ors \
    && useradd --system --uid 10001 --gid ors --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin ors \
    && mkdir -p /data \
    && chown ors:ors /data
COPY --from=build /ors-gateway.jar /app/ors-gateway.jar
# The SQLite file (and its compaction key beside it) on a volume, so responses outlive the container. Every address
# (the server's own default is loopback), so that a published port reaches it; on it the server asks for keys.
ENV HOST=0.0.0.0 \
    PORT=3000 \
    DATABASE_URL=/data/ors-gateway.db
VOLUME /data
EXPOSE 3000
USER ors
WORKDIR /data
# The jar's own check (GET /v1/health on PORT, exit 0 or 1): the JRE image need not have curl or wget.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx32m", "-jar", "/app/ors-gateway.jar", "--health-check"]
# Exec form: java is PID 1 and gets `docker stop`'s SIGTERM itself (drain: ORS_DRAIN_SECONDS, default 5 s, plus
# up to 2 s for cancelled streams to end; Docker waits 10 s before SIGKILL, --stop-timeout changes that).
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/ors-gateway.jar"]
