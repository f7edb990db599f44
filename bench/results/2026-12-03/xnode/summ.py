# summ.py results.json...: one line per row and step: run, target, where subscribers were, rate asked,
# events/s published, p50/p99/max ms, delivered/expected, gaps, CPU s per node in that step
import json, sys
for run, path in enumerate(sys.argv[1:], 1):
    for pos, r in enumerate(json.load(open(path))['results'], 1):
        where = 'same node' if 'subscribers on 1' in r['placement'] else 'other node'
        cpu = dict(s.split(': ') for s in r['cpuSecondsPerNodeByPhase'])
        for s in r['sweep']:
            key = '%.1f/s' % s['rate']
            print('%d.%d\t%s\t%s\t%g\t%.1f\t%.1f\t%.1f\t%.1f\t%d/%d\t%d\t%s' % (
                run, pos, r['variant'], where, s['rate'], s['published'] / s['seconds'], s['p50Ms'], s['p99Ms'],
                s['maxMs'], s['delivered'], s['expected'], s['gaps'] + s['duplicates'] + s['resets'], cpu.get(key, '')))
