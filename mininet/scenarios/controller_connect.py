#!/usr/bin/python3
"""
Every switch of the topology connects to weft and gets the table-miss flow (priority 0, all to
the controller). With only the table-miss app, hosts cannot ping each other: that is not checked.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from weftnet.checks import check_connected_with_table_miss  # noqa: E402
from weftnet.runner import run  # noqa: E402


def scenario(net, args, result):
    facts = check_connected_with_table_miss(net, args, result)
    # The ports each bridge reports over OpenFlow (not just what Mininet attached).
    names = {f['name'] for f in facts}
    result.check('every switch of the topology reported', len(names) == len(net.switches), sorted(names))


if __name__ == '__main__':
    run('controller_connect', scenario)
