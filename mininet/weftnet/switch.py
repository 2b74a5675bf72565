"""
The Open vSwitch class scenarios use: Mininet's OVSSwitch with a choice of userspace datapath.

Mininet's datapath='user' means datapath_type=netdev, whose tap device 'ovs-netdev' only one
Open vSwitch on the host can own. The private instances weft's tests start run ovs-vswitchd with
--enable-dummy, so they can use the 'dummy' datapath type instead: the same userspace datapath
(dpif-netdev) without that kernel device, and veth ports still work on it. Everything else
(ovs-vsctl, ovs-ofctl) reaches the private instance through OVS_RUNDIR in the environment.
"""
from mininet.node import OVSSwitch


def switch_class(datapath_type):
    """An OVSSwitch subclass whose bridges use the given datapath type ('netdev' or 'dummy')."""

    class WeftOVSSwitch(OVSSwitch):
        def __init__(self, name, **params):
            params.setdefault('datapath', 'user')
            params.setdefault('protocols', 'OpenFlow13')
            # Reconnect quickly when weft restarts (ms; Mininet's default is 1000 too).
            params.setdefault('reconnectms', 1000)
            OVSSwitch.__init__(self, name, **params)

        def bridgeOpts(self):
            opts = OVSSwitch.bridgeOpts(self)
            return opts.replace('datapath_type=netdev', 'datapath_type=%s' % datapath_type)

    return WeftOVSSwitch
