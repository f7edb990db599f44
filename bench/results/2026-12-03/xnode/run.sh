#!/usr/bin/env bash
# run.sh NAME TARGETS: the redis-servers on 6411 and 6412 and the WAR variants r1, r4 of BENCHMARKS.md 0.4
cd "$(git rev-parse --show-toplevel)"
S=bench/results/2026-12-03/xnode/redis-snapshot.sh
for p in 6411 6412; do redis-cli -p $p config resetstat >/dev/null; done
$S 6411 6412 > target/bench/$1.redis-before.txt
mvn -B -Pbench package -DskipTests -Dherald.k6.check.skip=true -Dbench.args="--scenario fanout \
  --targets $2 --war r1=target/bench/variant/herald-r1.war --war r4=target/bench/variant/herald-r4.war \
  --transports sse --connections 1000 --seconds 10 --rates 20,50,200 --subscribe-to first,last --publish-to first \
  --p99-limit-ms 100000 --out target/bench/$1" > target/bench/$1.console.log 2>&1
echo "rc=$?" >> target/bench/$1.console.log
$S 6411 6412 > target/bench/$1.redis-after.txt
