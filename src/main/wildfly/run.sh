#!/usr/bin/env bash
# Runs target/herald.war on the WildFly unpacked by `mvn -Prun-wildfly package` (see README "Deploying"):
# a fresh server base directory with src/main/wildfly/configure.cli applied, demo feed on, HTTP on
# ${HERALD_PORT:-8080}, management (health, metrics) on ${HERALD_MANAGEMENT_PORT:-9990}.
set -euo pipefail
project=$(cd "$(dirname "$0")/../../.." && pwd)
home=$(echo "$project"/target/wildfly/wildfly-*)
base="$project/target/wildfly-run"

rm -rf "$base"
cp -r "$home/standalone" "$base"
"$home/bin/jboss-cli.sh" -Djboss.server.base.dir="$base" --file="$project/src/main/wildfly/configure.cli" >/dev/null
cp "$project/target/herald.war" "$base/deployments/herald.war"

# same JVM settings as the Payara run command
export JAVA_OPTS="${JAVA_OPTS:--Xmx512m -Xss256k -XX:+UseG1GC}"
# so that Ctrl-C and SIGTERM reach the server JVM and it stops cleanly
export LAUNCH_JBOSS_IN_BACKGROUND=1 JBOSS_PIDFILE="$base/server.pid"
exec "$home/bin/standalone.sh" -c standalone-microprofile.xml -Djboss.server.base.dir="$base" \
  -Djboss.http.port="${HERALD_PORT:-8080}" -Djboss.https.port=0 \
  -Djboss.management.http.port="${HERALD_MANAGEMENT_PORT:-9990}" -Djboss.management.https.port=0 \
  -Dherald.demo.enabled="${HERALD_DEMO_ENABLED:-true}" \
  `# SIGTERM suspends first: new requests get 503 while open streams stay writable, for at most 20 s or until` \
  `# the last has ended, so Herald's drain (grace 5 s + period 10 s) runs (README "Draining a node")` \
  -Dorg.wildfly.sigterm.suspend.timeout=20 "$@"
