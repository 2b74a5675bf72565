#!/usr/bin/python3
"""
A loop weft cannot see: one cable of a ring passes no LLDP, as when an ordinary bridge sits in
it (802.1D bridges do not forward LLDP's 01:80:c2:00:00:0e). Here a Linux bridge with STP off
sits in the cable between the first and the last switch. weft finds every other cable, so its flood tree
spans the ring while the hidden cable closes it; the first broadcast goes round, and the
topology app's loop hold (docs/TOPOLOGY.md, "Loop hold") has to end it.

Checks: the links weft knows are exactly the ring's minus the hidden cable; pingall reaches
0% loss (retried for up to 20 s: the first broadcasts are what trips the hold) and then a
strict round passes; no storm over a window with broadcasts in flight; the topology app
reports a loop hold. Options: rest=URL (required), settle=S, storm=S (default 5).
"""
import os
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # keep __pycache__ out of the checkout

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from weftnet.l2 import expected_links, pingall, port_no, switch_links, topology_stats, weft_links  # noqa: E402
from weftnet.l2_steps import _pingall_until_clean, _wait_links, quiet_ipv6, step_connect, step_storm  # noqa: E402
from weftnet.runner import run  # noqa: E402


def hidden_cable(net):
    """The cable between the first and the last switch (the one closing a ring)."""
    first, last = net.switches[0], net.switches[-1]
    for l in switch_links(net):
        if {l.intf1.node.name, l.intf2.node.name} == {first.name, last.name}:
            return l
    raise RuntimeError('no cable between %s and %s: hidden_loop needs a ring' % (first.name, last.name))


def _ip(*cmd):
    out = subprocess.run(['ip'] + list(cmd), capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError('ip %s: %s' % (' '.join(cmd), out.stderr.strip()))


def before_start(net, args, result):
    """
    Put a Linux bridge into the hidden cable before any switch talks to weft: each switch
    port gets a veth of the same name whose peer is a bridge port. STP stays off, so the
    bridge forwards every frame but LLDP (its group_fwd_mask is 0), like an unmanaged switch.
    """
    link = hidden_cable(net)
    bridge = '%shlbr' % args.prefix
    _ip('link', 'add', bridge, 'type', 'bridge', 'stp_state', '0')
    _ip('link', 'del', link.intf1.name)  # the veth pair: both ends go
    for intf, side in ((link.intf1, 'a'), (link.intf2, 'b')):
        peer = '%shl%s' % (args.prefix, side)
        _ip('link', 'add', intf.name, 'type', 'veth', 'peer', 'name', peer)
        _ip('link', 'set', peer, 'master', bridge)
        _ip('link', 'set', peer, 'up')
        _ip('link', 'set', intf.name, 'up')
    _ip('link', 'set', bridge, 'up')
    result.note('hiddenCable', {'bridge': bridge, 'ends': [link.intf1.name, link.intf2.name]})
    # net.stop() deletes the switch-side veths (and with them the bridge ports); the bridge is ours.
    return lambda: subprocess.run(['ip', 'link', 'del', bridge], capture_output=True)


def scenario(net, args, result):
    if 'rest' not in args.options:
        raise RuntimeError('hidden_loop needs --option rest=URL')
    started = time.monotonic()
    quiet_ipv6(net)
    if not step_connect(net, args, result):
        return
    link = hidden_cable(net)
    a, b = link.intf1, link.intf2
    hidden = {(a.node.dpid, port_no(a), b.node.dpid, port_no(b)), (b.node.dpid, port_no(b), a.node.dpid, port_no(a))}
    want = expected_links(net) - hidden
    _wait_links(args, len(want), 30)
    got = {(l['src']['dpid'], l['src']['port'], l['dst']['dpid'], l['dst']['port']) for l in weft_links(args) or []}
    result.check('links: every cable but the hidden one', got == want, None if got == want else {'missing': sorted(want - got), 'extra': sorted(got - want), 'topologyStats': topology_stats(args)})
    # Both ends of the hidden cable settle as edges: from here on broadcasts can go round.
    rest = started + float(args.options.get('settle', 8)) - time.monotonic()
    if rest > 0:
        time.sleep(rest)
    attempts = _pingall_until_clean(net, time.monotonic() + 20)
    result.note('pingallAttempts', [{'lost': r['lost'], 'ms': r['ms']} for r in attempts])
    result.check('pingall reaches 0% loss', attempts[-1]['lost'] == 0, {'failed': attempts[-1]['failed']})
    strict = pingall(net)
    result.check('pingall 0% loss again', strict['lost'] == 0, {'failed': strict['failed']})
    step_storm(net, args, result, float(args.options.get('storm', 5)))
    stats = topology_stats(args) or {}
    result.note('topologyStats', stats)
    result.check('the topology app held a port (loop hold)', stats.get('loopHolds', 0) >= 1, {'loopHolds': stats.get('loopHolds')})


if __name__ == '__main__':
    run('hidden_loop', scenario, before_start=before_start)
