#!/usr/bin/python3
"""
L2 forwarding with weft's default apps (table-miss, topology, l2-learning): after link discovery,
pingall with 0% loss, twice, the second round forwarded by the flows the first one installed.
All checks of one topology run in one Mininet session; options add more:

  rest=URL        weft's REST API (http://127.0.0.1:8080): links and hosts are checked against
                  the topology, and weft's packet-in counter is reported
  settle=S        seconds after connecting before the first pingall (default 8: the topology
                  app floods a linkless port only once it has settled, 7.5 s by default)
  ipv6=1          leave IPv6 on in the hosts (off by default: their kernels' solicitations and
                  reports are packet-ins that blur the counts)
  rounds=N        pingall rounds (default 2)
  storm=S         sample packet-ins and datapath packets over S seconds with broadcasts in flight
  linkdown=1      take the s1-s2 link down, wait for pingall 0%, bring it back, pingall again
  iperf=S         iperf3 TCP for S seconds from the first host to the last one
"""
import os
import sys
import time

sys.dont_write_bytecode = True  # keep __pycache__ out of the checkout

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from weftnet.l2_steps import step_connect, step_discovery, step_hosts, step_iperf, step_link_down, step_pingall_rounds, step_storm, quiet_ipv6  # noqa: E402
from weftnet.runner import run  # noqa: E402


def scenario(net, args, result, defaults=None):
    o = dict(defaults or {})
    o.update(args.options)
    started = time.monotonic()
    if o.get('ipv6') not in ('1', 'true'):
        quiet_ipv6(net)
    if not step_connect(net, args, result):
        return
    step_discovery(net, args, result, started)
    step_pingall_rounds(net, args, result, int(o.get('rounds', 2)))
    step_hosts(net, args, result)
    if float(o.get('storm', 0)) > 0:
        step_storm(net, args, result, float(o['storm']))
    if o.get('iperf'):
        step_iperf(net, args, result, int(o['iperf']))
    if o.get('linkdown') in ('1', 'true'):
        step_link_down(net, args, result)


if __name__ == '__main__':
    run('pingall', scenario)
