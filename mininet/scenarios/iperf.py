#!/usr/bin/python3
"""
The pingall scenario plus iperf3 TCP from the first host to the last one (linear,4: h1 -> h4,
three switches apart), checking that the controller saw none of it. Options as in pingall.py.
"""
import os
import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the checkout

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from scenarios.pingall import scenario as pingall  # noqa: E402
from weftnet.runner import run  # noqa: E402


def scenario(net, args, result):
    pingall(net, args, result, {'iperf': '5'})


if __name__ == '__main__':
    run('iperf', scenario)
