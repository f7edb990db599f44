#!/usr/bin/env bash
# Runs target/herald.war on the Payara Micro that `mvn -Prun package` fetched (README, "The two commands"):
# src/main/payara/preboot.asadmin, context root /, demo feed on, HTTP on ${HERALD_PORT:-8080}; more Payara
# Micro options may follow as arguments. JVM options: JAVA_OPTS (default below).
#
# Payara Micro 6.2025.6 and later can fail to deploy the WAR with NCLS-SECURITY-01144 (a GC at the wrong
# moment; README, "Operating notes") and then keep running without the application. This script watches
# the server's output for that message and starts the server once more, saying so.
set -uo pipefail
project=$(cd "$(dirname "$0")/../../.." && pwd)
jar=${PAYARA_MICRO_JAR:-$project/target/payara/payara-micro.jar}
war=${HERALD_WAR:-$project/target/herald.war}
read -r -a jvm <<< "${JAVA_OPTS:--Xmx512m -Xss256k -XX:+UseG1GC}"
java=${JAVA_HOME:+$JAVA_HOME/bin/}java

fifo=$(mktemp -u "${TMPDIR:-/tmp}/herald-payara-XXXXXX")
mkfifo "$fifo"
trap 'rm -f "$fifo"' EXIT
# Ctrl-C and SIGTERM go to the server, which stops cleanly; this script ends when it has
trap '[ -n "${pid:-}" ] && kill -TERM "$pid" 2>/dev/null' INT TERM

for attempt in 1 2 3; do
    "$java" "${jvm[@]}" -Dherald.demo.enabled="${HERALD_DEMO_ENABLED:-true}" -jar "$jar" \
        --prebootcommandfile "$project/src/main/payara/preboot.asadmin" --deploy "$war" --contextroot / \
        --port "${HERALD_PORT:-8080}" --nocluster --disablephonehome --minhttpthreads 2 --maxhttpthreads 16 \
        "$@" >"$fifo" 2>&1 &
    pid=$!
    failed=false
    exec 3<"$fifo"
    while true; do
        if IFS= read -r -u 3 line; then
            printf '%s\n' "$line"
            if [[ $line == *NCLS-SECURITY-01144* ]] && ! $failed; then
                failed=true
                kill "$pid"
            fi
        elif (($? > 128)); then
            continue # a signal interrupted the read; the server is stopping and still writing
        else
            break
        fi
    done
    exec 3<&-
    wait "$pid"
    status=$?
    pid=
    if ! $failed; then
        exit "$status"
    fi
    echo "run.sh: Payara Micro did not deploy Herald (NCLS-SECURITY-01144, README \"Operating notes\");" \
        "starting it again (attempt $((attempt + 1)))" >&2
done
exit 1
