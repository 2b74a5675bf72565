/** Multipart requests for the routes: one call, all reply parts of the wanted kind concatenated. */
import type { MultipartReplyBody, MultipartRequestBody } from '../../protocol/index.js';
import type { SwitchConnection } from '../openflow/switch-connection.js';

type PartOf<K extends MultipartReplyBody['kind']> = Extract<MultipartReplyBody, { kind: K }>;
type StatsOf<K extends MultipartReplyBody['kind']> = Extract<MultipartReplyBody, { kind: K }> extends { stats: (infer S)[] } ? S : never;

/** Send a multipart request and collect `stats` arrays of every reply part of kind `kind`. */
export async function multipartStats<K extends MultipartReplyBody['kind']>(
  conn: SwitchConnection,
  body: MultipartRequestBody,
  kind: K,
): Promise<StatsOf<K>[]> {
  const parts = await conn.multipart({ type: 'multipartRequest', xid: 0, flags: 0, body });
  const out: StatsOf<K>[] = [];
  for (const p of parts) if (p.kind === kind) out.push(...((p as unknown as { stats: StatsOf<K>[] }).stats ?? []));
  return out;
}

/** Send a multipart request and keep the reply parts of kind `kind` whole (features, desc, aggregate ...). */
export async function multipartParts<K extends MultipartReplyBody['kind']>(conn: SwitchConnection, body: MultipartRequestBody, kind: K): Promise<PartOf<K>[]> {
  const parts = await conn.multipart({ type: 'multipartRequest', xid: 0, flags: 0, body });
  return parts.filter((p): p is PartOf<K> => p.kind === kind);
}
