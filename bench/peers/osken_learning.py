"""A minimal OpenFlow 1.3 learning switch for os-ken, written for weft's benchmarks.

It does what cbench-style benchmarks expect of a controller and no more: a table-miss flow to
the controller at switch connect; per PACKET_IN, learn the source MAC's port, then either
install a flow towards a known destination (and send the packet there) or flood the packet.
Run: osken-manager --ofp-listen-host 127.0.0.1 --ofp-tcp-listen-port PORT osken_learning.py
"""
from os_ken.base import app_manager
from os_ken.controller import ofp_event
from os_ken.controller.handler import CONFIG_DISPATCHER, MAIN_DISPATCHER, set_ev_cls
from os_ken.lib.packet import ethernet, packet
from os_ken.ofproto import ofproto_v1_3


class BenchLearning(app_manager.OSKenApp):
    OFP_VERSIONS = [ofproto_v1_3.OFP_VERSION]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ports_by_mac = {}

    @set_ev_cls(ofp_event.EventOFPSwitchFeatures, CONFIG_DISPATCHER)
    def on_features(self, ev):
        dp = ev.msg.datapath
        p, o = dp.ofproto_parser, dp.ofproto
        to_controller = [p.OFPInstructionActions(o.OFPIT_APPLY_ACTIONS, [p.OFPActionOutput(o.OFPP_CONTROLLER, o.OFPCML_NO_BUFFER)])]
        dp.send_msg(p.OFPFlowMod(datapath=dp, priority=0, match=p.OFPMatch(), instructions=to_controller))

    @set_ev_cls(ofp_event.EventOFPPacketIn, MAIN_DISPATCHER)
    def on_packet_in(self, ev):
        msg = ev.msg
        dp = msg.datapath
        p, o = dp.ofproto_parser, dp.ofproto
        in_port = msg.match['in_port']
        eth = packet.Packet(msg.data).get_protocol(ethernet.ethernet)
        table = self.ports_by_mac.setdefault(dp.id, {})
        table[eth.src] = in_port
        out_port = table.get(eth.dst, o.OFPP_FLOOD)
        actions = [p.OFPActionOutput(out_port)]
        buffered = msg.buffer_id != o.OFP_NO_BUFFER
        if out_port != o.OFPP_FLOOD:
            inst = [p.OFPInstructionActions(o.OFPIT_APPLY_ACTIONS, actions)]
            match = p.OFPMatch(in_port=in_port, eth_dst=eth.dst)
            dp.send_msg(p.OFPFlowMod(datapath=dp, priority=1, match=match, instructions=inst, buffer_id=msg.buffer_id if buffered else o.OFP_NO_BUFFER))
            if buffered:
                return
        data = None if buffered else msg.data
        dp.send_msg(p.OFPPacketOut(datapath=dp, buffer_id=msg.buffer_id, in_port=in_port, actions=actions, data=data))
