#!/usr/bin/env bash
# redis-snapshot.sh PORT...: one block per redis-server: its CPU (utime+stime from /proc, clock ticks of
# 1/100 s), INFO stats (commands, network bytes) and INFO commandstats
for p in "$@"; do
  pid=$(redis-cli -p "$p" info server | tr -d '\r' | sed -n 's/^process_id://p')
  echo "## redis $p pid $pid at $(date -u +%FT%TZ)"
  awk '{print "cpu_ticks:" $14+$15}' /proc/"$pid"/stat
  redis-cli -p "$p" info stats | tr -d '\r' | grep -E '^(total_commands_processed|total_net_input_bytes|total_net_output_bytes|total_connections_received):'
  redis-cli -p "$p" info commandstats | tr -d '\r' | grep '^cmdstat'
done
