/**
 * GET /stats/role/<dpid> and POST /stats/role ({"dpid": 1, "role": "MASTER"}): the controller's
 * role (ROLE_REQUEST); POST /stats/portdesc/modify ({"dpid", "port_no", "config", "mask",
 * "hw_addr"?, "advertise"?}): a PORT_MOD, hw_addr and advertise defaulting to the port's own;
 * POST /stats/experimenter/<dpid> ({"experimenter", "exp_type", "data_type", "data"}): an
 * OFPT_EXPERIMENTER message, data as ASCII text or base64 (data_type "base64").
 */
import type { FastifyInstance } from 'fastify';
import { OFPCR_ROLE } from '../../../protocol/index.js';
import type { RoleReply } from '../../../protocol/index.js';
import { parseMacInto } from '../../../protocol/openflow/oxm-values.js';
import type { RestDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { byDpid, params, RYU_BODY, RYU_STATS, RYU_WRITE, ryuSwitch, ryuWrite, sendRyu } from './ryu-common.js';
import type { RyuBody } from './ryu-common.js';
import { bad, n64, PORTS, ROLES, ryuUint } from './ryu-values.js';

export async function ofctlRolePortPlugin(app: FastifyInstance, { deps }: { deps: RestDeps }): Promise<void> {
  const tags = ['ryu ofctl_rest'];

  app.get<{ Params: { dpid: string } }>('/stats/role/:dpid', {
    schema: { tags, summary: "The controller's role on the switch (ROLE_REQUEST NOCHANGE)", params: params('dpid'), response: RYU_STATS },
    handler: async (req, reply) => {
      const conn = ryuSwitch(deps, req.params.dpid);
      const r = await conn.request<RoleReply>({ type: 'roleRequest', xid: 0, role: OFPCR_ROLE.NOCHANGE, generationId: 0n });
      return sendRyu(reply, byDpid(conn, [{ generation_id: n64(r.generationId), role: ROLES.toUser(r.role) }]));
    },
  });

  app.post<{ Body: RyuBody | undefined }>('/stats/role', {
    schema: { tags, summary: 'Set the controller role (ROLE_REQUEST; role MASTER, SLAVE, EQUAL or NOCHANGE, default EQUAL)', body: RYU_BODY('dpid (required), role'), response: RYU_WRITE },
    handler: async (req, reply) => {
      // In a cluster, etcd decides who masters each switch (docs/CLUSTER.md): a role set by hand
      // would fight it (a MASTER with generation 0 is stale, an EQUAL one writes beside the master).
      if (deps.cluster) throw new HttpError(409, 'cluster_managed_role', `the controller role is managed by the cluster (instance ${deps.cluster.name}): mastership cannot be changed by hand; see GET /api/v1/cluster`);
      const b = req.body ?? {};
      const conn = ryuSwitch(deps, b.dpid);
      const role = b.role === undefined ? OFPCR_ROLE.EQUAL : ROLES.fromUser(b.role, 'role');
      if (role > OFPCR_ROLE.SLAVE) bad('role', 'expected MASTER, SLAVE, EQUAL or NOCHANGE');
      // A request (not a blind send): an ERROR (stale generation id ...) comes back as a 4xx.
      await conn.request<RoleReply>({ type: 'roleRequest', xid: 0, role, generationId: 0n });
      return reply.code(200).send('');
    },
  });

  app.post<{ Params: { dpid: string }; Body: RyuBody | undefined }>('/stats/experimenter/:dpid', {
    schema: { tags, summary: 'Send an EXPERIMENTER message (confirmed by a barrier)', params: params('dpid'), body: RYU_BODY('experimenter, exp_type, data_type ("ascii" or "base64"), data'), response: RYU_WRITE },
    handler: async (req, reply) => {
      const b = req.body ?? {};
      const conn = ryuSwitch(deps, req.params.dpid);
      const dataType = b.data_type ?? 'ascii';
      if (dataType !== 'ascii' && dataType !== 'base64') bad('data_type', 'expected "ascii" or "base64"');
      if (b.data !== undefined && typeof b.data !== 'string') bad('data', 'expected a string');
      const text = (b.data as string | undefined) ?? '';
      if (dataType === 'ascii' && /[^\x00-\x7f]/.test(text)) bad('data', 'expected ASCII text (or data_type "base64")');
      const data = new Uint8Array(Buffer.from(text, dataType === 'base64' ? 'base64' : 'ascii'));
      const experimenter = b.experimenter === undefined ? 0 : ryuUint(b.experimenter, 0xffffffff, 'experimenter');
      const expType = b.exp_type === undefined ? 0 : ryuUint(b.exp_type, 0xffffffff, 'exp_type');
      return ryuWrite(reply, conn, [{ type: 'experimenter', xid: 0, experimenter, expType, data }], 'experimenter');
    },
  });

  app.post<{ Params: { cmd: string }; Body: RyuBody | undefined }>('/stats/portdesc/:cmd', {
    schema: { tags, summary: 'Modify a port (PORT_MOD, confirmed by a barrier); cmd: modify', params: params('cmd'), body: RYU_BODY('dpid (required), port_no, config, mask, hw_addr, advertise'), response: RYU_WRITE },
    handler: async (req, reply) => {
      const b = req.body ?? {};
      const conn = ryuSwitch(deps, b.dpid);
      if (req.params.cmd !== 'modify') throw new HttpError(404, 'not_found', `no such command: ${req.params.cmd} (modify)`);
      const portNo = b.port_no === undefined ? 0 : PORTS.fromUser(b.port_no, 'port_no');
      const port = conn.info.ports.get(portNo);
      if (!port) throw new HttpError(404, 'not_found', `no such port: ${String(b.port_no)}`);
      let hwAddr = port.hwAddr;
      if (b.hw_addr !== undefined) {
        if (!parseMacInto(b.hw_addr, new Uint8Array(6), 0)) bad('hw_addr', `expected a MAC address, got ${JSON.stringify(b.hw_addr)}`);
        hwAddr = (b.hw_addr as string).toLowerCase();
      }
      return ryuWrite(reply, conn, [{
        type: 'portMod',
        xid: 0,
        portNo,
        hwAddr,
        config: b.config === undefined ? 0 : ryuUint(b.config, 0xffffffff, 'config'),
        mask: b.mask === undefined ? 0 : ryuUint(b.mask, 0xffffffff, 'mask'),
        advertise: b.advertise === undefined ? port.advertised : ryuUint(b.advertise, 0xffffffff, 'advertise'),
      }], 'port modify');
    },
  });
}
