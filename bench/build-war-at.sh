#!/bin/sh
# Builds target/herald.war of a git revision and copies it to <out.war>, without touching the working tree,
# the index or the worktree list: the revision is exported with git archive into a temporary directory and
# built there (tests skipped). For the load generator's WAR variants (README, "Benchmarks"):
#
#   bench/build-war-at.sh 138f5a5 target/bench/herald-before.war
#   mvn -B -Pbench package -DskipTests -Dbench.args="--targets payara:servlet,payara:servlet@before \
#     --war before=target/bench/herald-before.war ..."
#
# MVN (default mvn) names the Maven command.
set -eu

if [ $# -ne 2 ]; then
    echo "usage: $0 <git-rev> <out.war>" >&2
    exit 2
fi
rev=$1
out=$2

repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
commit=$(git -C "$repo" rev-parse --verify --quiet "$rev^{commit}") || {
    echo "$0: $rev is not a commit of $repo" >&2
    exit 2
}
case $out in
    /*) ;;
    *) out=$(pwd)/$out ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/herald-war-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

git -C "$repo" archive --format=tar "$commit" | tar -x -C "$tmp"
echo "building herald.war of $commit in $tmp" >&2
# -Dmdep.skip: the Payara Micro / WildFly copies the default build makes are not part of the WAR
(cd "$tmp" && ${MVN:-mvn} -q -B package -Dmaven.test.skip=true -Dmdep.skip=true)

mkdir -p "$(dirname "$out")"
cp "$tmp/target/herald.war" "$out"
printf '%s\n' "$commit" > "$out.rev"
echo "$out ($(wc -c < "$out") bytes) is herald.war of $commit" >&2
