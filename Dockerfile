# accessflow: Dropwizard service running the Temporal worker and the REST API.
#
#   docker build -t accessflow .
#   docker run -p 8080:8080 -p 8081:8081 -e ACCESSFLOW_API_TOKEN=$(openssl rand -hex 24) \
#     -e TEMPORAL_ADDRESS=temporal-frontend:7233 accessflow
#
# Configuration comes from the environment (see docs/deployment.md); no secret
# is baked into the image. Without TEMPORAL_ADDRESS the service starts its
# embedded in-memory Temporal test server: for trying it out only.

# ---- build ------------------------------------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build

# POMs first, so the dependency download is cached until a POM changes.
COPY pom.xml ./
COPY workflows/pom.xml workflows/
COPY activities/pom.xml activities/
COPY ledger/pom.xml ledger/
COPY api/pom.xml api/
COPY worker/pom.xml worker/
# The harness is not built into the image, but the parent POM lists it as a module.
COPY bench/pom.xml bench/
# Warm the local repository. The project's own modules are not published
# anywhere, so they are excluded; whatever this step misses (it can stop early
# on inter-module resolution) is downloaded by the package step below.
RUN mvn -B -q dependency:go-offline -DexcludeGroupIds=dev.accessflow \
    || echo "dependency pre-fetch incomplete; the package step downloads the rest"

COPY workflows/src workflows/src
COPY activities/src activities/src
COPY ledger/src ledger/src
COPY api/src api/src
COPY worker/src worker/src
# Only the service and what it needs (-am); DockerBuildContextTest runs these steps on every test run.
RUN mvn -B -DskipTests -pl worker -am package

# ---- runtime ----------------------------------------------------------------
FROM eclipse-temurin:17-jre

# Unprivileged user with a fixed id (the Ubuntu base already has uid 1000).
RUN groupadd --system --gid 10001 accessflow \
 && useradd --system --uid 10001 --gid accessflow --no-create-home \
      --home-dir /app --shell /usr/sbin/nologin accessflow

WORKDIR /app
COPY --from=build /build/worker/target/accessflow.jar /app/accessflow.jar
# config/accessflow.yml and config/catalog.yml; values are ${VAR:-default}
# substitutions read from the environment at start-up.
COPY config/ /app/config/

USER accessflow:accessflow

# Heap sized from the container's memory limit; die (and get restarted) on OOM. C1 only
# (TieredStopAtLevel=1): accessflow waits on Temporal and vendors, and on 2 cores the C2 compiler's
# warm-up cost more CPU than everything else (bench, 300 requests at 10/s: worker CPU 100 s -> 38 s,
# decision p99 29 s -> 0.96 s). Drop it on large nodes if you measure otherwise.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -XX:TieredStopAtLevel=1"
# Inside a container the network namespace is the boundary: listen on every interface so the
# published ports reach the service (the embedded default alone would bind 127.0.0.1).
ENV ACCESSFLOW_BIND_HOST=0.0.0.0

# 8080 application (REST API), 8081 Dropwizard admin (healthcheck, metrics).
EXPOSE 8080 8081

# curl ships in the eclipse-temurin Ubuntu images.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=5 \
  CMD curl -fsS -o /dev/null http://127.0.0.1:8081/healthcheck || exit 1

ENTRYPOINT ["java", "-jar", "/app/accessflow.jar"]
CMD ["server", "config/accessflow.yml"]
