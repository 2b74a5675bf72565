/** Multipart requests for the routes: one call, all reply parts of the wanted kind concatenated. */
import type { MultipartReplyBody, MultipartRequestBody } from '../../protocol/index.js';
import type { SwitchConnection } from '../openflow/switch-connection.js';

type PartOf<K extends MultipartReplyBody['kind']> = Extract<MultipartReplyBody, { kind: K }>;
type StatsOf<K extends MultipartReplyBody['kind']> = Extract<MultipartReplyBody, { kind: K }> extends { stats: (infer S)[] } ? S : never;

const statsOf = <K extends MultipartReplyBody['kind']>(p: MultipartReplyBody, kind: K): StatsOf<K>[] =>
  p.kind === kind ? ((p as unknown as { stats?: StatsOf<K>[] }).stats ?? []) : [];

/** Send a multipart request and collect `stats` arrays of every reply part of kind `kind`. */
export async function multipartStats<K extends MultipartReplyBody['kind']>(
  conn: SwitchConnection,
  body: MultipartRequestBody,
  kind: K,
): Promise<StatsOf<K>[]> {
  const out: StatsOf<K>[] = [];
  await eachMultipartStats(conn, body, kind, (stats) => {
    for (const s of stats) out.push(s);
  });
  return out;
}

/**
 * Send a multipart request and hand the `stats` of each reply part of kind `kind` to `each` as
 * the part arrives (nothing of the reply is kept here); resolves when the last part is in.
 */
export async function eachMultipartStats<K extends MultipartReplyBody['kind']>(
  conn: SwitchConnection,
  body: MultipartRequestBody,
  kind: K,
  each: (stats: StatsOf<K>[]) => void,
): Promise<void> {
  const onPart = (p: MultipartReplyBody) => each(statsOf(p, kind));
  // A connection that cannot stream resolves with the parts instead.
  const parts = await conn.multipart({ type: 'multipartRequest', xid: 0, flags: 0, body }, { onPart });
  for (const p of parts) onPart(p);
}

/** Send a multipart request and keep the reply parts of kind `kind` whole (features, desc, aggregate ...). */
export async function multipartParts<K extends MultipartReplyBody['kind']>(conn: SwitchConnection, body: MultipartRequestBody, kind: K): Promise<PartOf<K>[]> {
  const parts = await conn.multipart({ type: 'multipartRequest', xid: 0, flags: 0, body });
  return parts.filter((p): p is PartOf<K> => p.kind === kind);
}
