#!/usr/bin/python3
"""
The pingall scenario plus a broadcast-storm window and the s1-s2 link taken down and up again
(use a topology with a loop: ring,N or torus,R,C). Options as in pingall.py.
"""
import os
import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the checkout

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from scenarios.pingall import scenario as pingall  # noqa: E402
from weftnet.runner import run  # noqa: E402


def scenario(net, args, result):
    pingall(net, args, result, {'storm': '5', 'linkdown': '1'})


if __name__ == '__main__':
    run('link_down', scenario)
