#!/usr/bin/python3
"""
Print, as one JSON line, the switches, hosts and links each topology spec given as an argument
builds (`--prefix=P` first to choose the name prefix; no network is created; no root needed). Used by the tests of the topology specs.
"""
import json
import os
import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the checkout

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from weftnet.topos import make_topo  # noqa: E402


def main():
    args = sys.argv[1:]
    prefix = 'w0'
    if args and args[0].startswith('--prefix='):
        prefix = args.pop(0).split('=', 1)[1]
    out = {}
    for spec in args:
        try:
            topo = make_topo(spec, prefix)
        except ValueError as e:
            out[spec] = {'error': str(e)}
            continue
        out[spec] = {
            'switches': {s: topo.nodeInfo(s)['dpid'] for s in topo.switches()},
            'hosts': topo.hosts(),
            'links': [sorted(l) for l in topo.links()],
        }
    print(json.dumps(out, sort_keys=True))


if __name__ == '__main__':
    main()
