#!/bin/sh
# Entry point of the `ovs` service (docker-compose.yml): start Open vSwitch, create br0 on the
# userspace datapath and connect it to weft, then run the command (default: sleep forever, so
# that `docker compose exec ovs ...` can run Mininet scenarios, ovs-ofctl, ovs-vsctl).
#
# BRIDGE: the bridge to create (br0).
# CONTROLLER_TARGET: where weft listens, tcp:HOST:PORT (HOST may be a name, e.g. the compose
# service `weft`; it is resolved here because an Open vSwitch target wants an address).
set -eu

CONTROLLER="${CONTROLLER_TARGET:-tcp:weft:6653}"
BRIDGE="${BRIDGE:-br0}"
# netdev: the userspace datapath. (weft's tests run this script against their private Open
# vSwitch with DATAPATH_TYPE=dummy and OVS_CTL=true: see test/deploy/ovs-entrypoint.test.ts.)
DATAPATH_TYPE="${DATAPATH_TYPE:-netdev}"
OVS_CTL="${OVS_CTL:-/usr/share/openvswitch/scripts/ovs-ctl}"

$OVS_CTL --no-monitor --system-id=random start

proto="${CONTROLLER%%:*}"
rest="${CONTROLLER#*:}"
host="${rest%:*}"
port="${rest##*:}"
addr="$(getent ahostsv4 "$host" | awk '{ print $1; exit }')"
if [ -z "$addr" ]; then
  echo "ovs: cannot resolve controller host $host" >&2
  exit 1
fi

ovs-vsctl --may-exist add-br "$BRIDGE" -- set bridge "$BRIDGE" \
  datapath_type="$DATAPATH_TYPE" protocols=OpenFlow13 fail_mode=secure other-config:disable-in-band=true
ovs-vsctl set-controller "$BRIDGE" "$proto:$addr:$port"
ovs-vsctl set controller "$BRIDGE" max_backoff=1000
echo "ovs: $BRIDGE -> $proto:$addr:$port (weft at $CONTROLLER)"

exec "$@"
