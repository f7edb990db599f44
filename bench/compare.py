#!/usr/bin/env python3
"""Before/after tables (markdown) from one load-generator results.json with @variant rows.

usage: bench/compare.py hold|fanout results.json [variant]   (variant: the label of the "before" WAR, default before)
Rounds as the generator's own table does: KB to 2 decimals, CPU s per 1 000 to 4, ms to 1.
"""
import json
import sys


def key(row):
    return row['target'].split('@')[0], row['transport']


def name(row):
    server = 'WildFly' if row['target'].startswith('wildfly') else 'Payara'
    return server + (' WebSocket' if row['transport'] == 'ws' else ' SSE ' + row['target'].split(':')[1].split('@')[0])


def pairs(results, variant):
    before = {key(r): r for r in results if r['target'].endswith('@' + variant)}
    after = {key(r): r for r in results if '@' not in r['target']}
    return [(before[k], after[k]) for k in after if k in before]


def ratio(a, b):
    return f'{b / a:.2f}×' if a else '–'


def hold(results, variant):
    print('| runtime / transport | sum KB/conn before → after | CPU s / 1 000 before → after | p50 ms | p99 ms | max ms | delivered (after) |')
    print('|---|---|---|---|---|---|---|')
    for b, a in pairs(results, variant):
        pb, pa = b['phase'], a['phase']
        print(f"| {name(a)} | {b['sumKbPerConnection']:.2f} → {a['sumKbPerConnection']:.2f} "
              f"| {pb['cpuSecondsPer1000']:.4f} → {pa['cpuSecondsPer1000']:.4f} ({ratio(pb['cpuSecondsPer1000'], pa['cpuSecondsPer1000'])}) "
              f"| {pb['p50Ms']:.1f} → {pa['p50Ms']:.1f} | {pb['p99Ms']:.1f} → {pa['p99Ms']:.1f} ({ratio(pb['p99Ms'], pa['p99Ms'])}) "
              f"| {pb['maxMs']:.1f} → {pa['maxMs']:.1f} | {pa['delivered']} / {pa['expected']} |")


def fanout(results, variant):
    print('| runtime / transport | highest deliveries/s within the SLOs, before → after | per step asked: p99 ms before → after, CPU s / 1 000 before → after |')
    print('|---|---|---|')
    for b, a in pairs(results, variant):
        steps = []
        after = {s['rate']: s for s in a['sweep']}
        for s in b['sweep']:
            t = after.get(s['rate'])
            if t:
                steps.append(f"{s['rate']:g}: {s['p99Ms']:.1f} → {t['p99Ms']:.1f}, {s['cpuSecondsPer1000']:.4f} → {t['cpuSecondsPer1000']:.4f}")
        print(f"| {name(a)} | {b['maxSustainedDeliveriesPerSecond']:.0f} → {a['maxSustainedDeliveriesPerSecond']:.0f} "
              f"({ratio(b['maxSustainedDeliveriesPerSecond'], a['maxSustainedDeliveriesPerSecond'])}) | {'<br>'.join(steps)} |")


if __name__ == '__main__':
    scenario, path = sys.argv[1], sys.argv[2]
    variant = sys.argv[3] if len(sys.argv) > 3 else 'before'
    data = json.load(open(path))['results']
    (hold if scenario == 'hold' else fanout)(data, variant)
