# One image for both runtimes of the compose stack (compose.yaml): the SAME herald.war on Payara Micro and on
# WildFly, each started by the very script the README's run commands use (src/main/payara/run.sh,
# src/main/wildfly/run.sh), with their JVM settings. ComposeStackTest checks that every COPY source exists and
# that compose.yaml starts exactly these scripts.
#
#   docker compose build            (or: docker build -t herald .)
#
# Stage 1 builds the WAR and fetches the two servers with the project's own Maven build (versions from pom.xml).
FROM maven:3.9.11-eclipse-temurin-17 AS build
WORKDIR /build
COPY pom.xml ./
# dependencies first, so a source change does not download them again
RUN mvn -B -q dependency:go-offline -Dherald.k6.check.skip=true || true
COPY src ./src
RUN mvn -B -q package dependency:unpack@wildfly-dist -Dmaven.test.skip=true -Dherald.k6.check.skip=true \
 && rm -rf target/classes target/herald target/maven-*

# Stage 2: one JDK 17 runtime (the README's commands are made for 17); bash runs the start scripts.
FROM eclipse-temurin:17.0.17_10-jre-noble
RUN useradd --system --create-home --home-dir /opt/herald herald \
 && install -d -o herald -g herald /opt/herald/target
WORKDIR /opt/herald
# the project layout the scripts expect: src/main/{payara,wildfly} next to target/
COPY --chown=herald:herald src/main/payara ./src/main/payara
COPY --chown=herald:herald src/main/wildfly ./src/main/wildfly
COPY --from=build --chown=herald:herald /build/target/herald.war ./target/herald.war
COPY --from=build --chown=herald:herald /build/target/payara ./target/payara
COPY --from=build --chown=herald:herald /build/target/wildfly ./target/wildfly
USER herald
# Payara: HTTP 8080. WildFly: HTTP 8080, management (health) 9990.
EXPOSE 8080 9990
# compose.yaml chooses the runtime: src/main/payara/run.sh or src/main/wildfly/run.sh (bash forwards SIGTERM)
CMD ["bash", "src/main/payara/run.sh"]
