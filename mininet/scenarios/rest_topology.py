#!/usr/bin/python3
"""
A network that a test checks weft's topology REST routes and event stream against, driven step
by step over weftnet.control (commands on stdin, `@@weft {json}` lines on stderr).

1. Wait for every switch to connect and for weft to report every link both ways (REST), then
   let the topology app's settle time pass and pingall until 0% loss (bounded), so that weft
   has learned every host.
2. Emit `ready` with what Mininet built: switches (dpid, ports: number, name, MAC), the
   switch-to-switch links (both ends: dpid, port, name) and the hosts (MAC, IP, the switch port
   they plug into). The test compares weft's REST answers with it.
3. Serve commands until `quit`, end of input or `idle` seconds of silence:
     down A B | up A B   take the A-B link down/up (names without the prefix, e.g. `down s1 s2`);
                         the reply names both ends
     pingall             one pingall round; the reply carries its result
   Every command is answered by a `reply` (ok true/false).

Options:
  rest=URL      weft's REST API, needed to wait for link discovery (required)
  settle=S      seconds after connecting before the pingall (default 3; weft's topology app
                must have been started with a settle time below it, docs/TOPOLOGY.md)
  idle=S        seconds to wait for the next command (default 30)
  ipv6=1        leave IPv6 on in the hosts
"""
import os
import sys
import time

sys.dont_write_bytecode = True  # keep __pycache__ out of the checkout

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from weftnet.control import commands, emit  # noqa: E402
from weftnet.l2 import pingall, switch_links, wait_discovery  # noqa: E402
from weftnet.l2_steps import attachment, port_no, quiet_ipv6, step_connect  # noqa: E402
from weftnet.runner import run  # noqa: E402

PINGALL_BUDGET_S = 20


def mac_of(intf):
    # Switch-side interfaces live in the root namespace; Mininet does not record their MACs.
    with open('/sys/class/net/%s/address' % intf.name) as f:
        return f.read().strip()


def end(intf):
    return {'switch': intf.node.name, 'dpid': intf.node.dpid, 'port': port_no(intf), 'name': intf.name}


def facts(net):
    switches = []
    for s in net.switches:
        ports = [{'port': p, 'name': i.name, 'mac': mac_of(i)} for i, p in s.ports.items() if i.name != 'lo']
        switches.append({'name': s.name, 'dpid': s.dpid, 'ports': sorted(ports, key=lambda x: x['port'])})
    links = [{'a': end(l.intf1), 'b': end(l.intf2)} for l in switch_links(net)]
    hosts = []
    for h in net.hosts:
        at = attachment(h)
        hosts.append({'name': h.name, 'mac': h.MAC(), 'ip': h.IP(), 'dpid': at.node.dpid, 'port': port_no(at), 'portName': at.name})
    return {'switches': switches, 'links': links, 'hosts': hosts}


def link_between(net, args, a, b):
    names = {args.prefix + a, args.prefix + b}
    for l in switch_links(net):
        if {l.intf1.node.name, l.intf2.node.name} == names:
            return l
    return None


def serve(net, args, result, idle_s):
    served = []
    for verb, words in commands(idle_s):
        t0 = time.monotonic()
        reply = {'command': ' '.join([verb] + words), 'ok': True}
        if verb in ('down', 'up') and len(words) == 2:
            link = link_between(net, args, words[0], words[1])
            if link is None:
                reply.update(ok=False, error='no link %s-%s' % tuple(words))
            else:
                net.configLinkStatus(link.intf1.node.name, link.intf2.node.name, verb)
                reply['ends'] = [end(link.intf1), end(link.intf2)]
        elif verb == 'pingall' and not words:
            reply['pingall'] = pingall(net, wait_s=1)
        else:
            reply.update(ok=False, error='unknown command')
        reply['ms'] = int((time.monotonic() - t0) * 1000)
        served.append({'command': reply['command'], 'ok': reply['ok']})
        emit('reply', **reply)
    result.note('commands', served)
    result.check('commands served', all(c['ok'] for c in served), served)


def scenario(net, args, result):
    started = time.monotonic()
    o = args.options
    if not o.get('rest'):
        result.fail('options', 'rest=URL is required')
        return
    if o.get('ipv6') not in ('1', 'true'):
        quiet_ipv6(net)
    if not step_connect(net, args, result):
        emit('failed', stage='connect')
        return
    if o.get('settle') is None:
        args.options['settle'] = '3'
    links = wait_discovery(net, args, result, started)
    if links is None or len(links) != 2 * len(switch_links(net)):
        emit('failed', stage='discovery', links=links)
        return
    deadline = time.monotonic() + PINGALL_BUDGET_S
    attempts = []
    while True:
        r = pingall(net, wait_s=1)
        attempts.append({'lost': r['lost'], 'sent': r['sent'], 'ms': r['ms'], 'failed': r['failed']})
        if r['lost'] == 0 or time.monotonic() > deadline:
            break
    result.note('pingall', attempts)
    if not result.check('pingall 0% loss', attempts[-1]['lost'] == 0, attempts[-1]):
        emit('failed', stage='pingall', attempts=attempts)
        return
    emit('ready', readyMs=int((time.monotonic() - started) * 1000), pingall=attempts, **facts(net))
    serve(net, args, result, float(o.get('idle', 30)))


if __name__ == '__main__':
    run('rest_topology', scenario)
