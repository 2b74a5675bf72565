#!/usr/bin/python3
"""
Every switch of the topology connects to weft and gets the table-miss flow (priority 0, all to
the controller). With only the table-miss app, hosts cannot ping each other: that is not checked.

Option hold=SECONDS keeps the network up after the checks (to look around, or to test that a
SIGTERM during a scenario still tears everything down).
"""
import os
import sys
import time

sys.dont_write_bytecode = True  # keep __pycache__ out of the checkout

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from weftnet.checks import check_connected_with_table_miss  # noqa: E402
from weftnet.runner import run  # noqa: E402


def scenario(net, args, result):
    facts = check_connected_with_table_miss(net, args, result)
    # Facts (ports, flows, connection) were gathered for every switch Mininet built.
    names = {f['name'] for f in facts}
    result.check('every switch of the topology reported', len(names) == len(net.switches), sorted(names))
    hold = float(args.options.get('hold', 0))
    if hold > 0:
        time.sleep(hold)


if __name__ == '__main__':
    run('controller_connect', scenario)
