# accessflow: Dropwizard service running the Temporal worker and the REST API.
#
#   docker build -t accessflow .
#   docker run -p 8080:8080 -p 8081:8081 -e ACCESSFLOW_API_TOKEN=... \
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
COPY api/pom.xml api/
COPY worker/pom.xml worker/
# Warm the local repository. The project's own modules are not published
# anywhere, so they are excluded; whatever this step misses (it can stop early
# on inter-module resolution) is downloaded by the package step below.
RUN mvn -B -q dependency:go-offline -DexcludeGroupIds=dev.accessflow \
    || echo "dependency pre-fetch incomplete; the package step downloads the rest"

COPY workflows/src workflows/src
COPY activities/src activities/src
COPY api/src api/src
COPY worker/src worker/src
RUN mvn -B -DskipTests package

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

# Heap sized from the container's memory limit; die (and get restarted) on OOM.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"

# 8080 application (REST API), 8081 Dropwizard admin (healthcheck, metrics).
EXPOSE 8080 8081

# curl ships in the eclipse-temurin Ubuntu images.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=5 \
  CMD curl -fsS -o /dev/null http://127.0.0.1:8081/healthcheck || exit 1

ENTRYPOINT ["java", "-jar", "/app/accessflow.jar"]
CMD ["server", "config/accessflow.yml"]
