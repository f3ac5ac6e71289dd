/**
 * @module
 * The Zeek logs that name a host a client contacted, and the field that holds it: `dns.log`
 * (`query`, the name looked up), `ssl.log` (`server_name`, the TLS SNI) and `http.log` (`host`,
 * the Host header). The client is always `id.orig_h`, the time `ts`. Other logs (conn, files,
 * software, x509 ...) name no host name of this kind and are not read.
 */
export const HOST_FIELDS = { dns: "query", ssl: "server_name", http: "host" } as const;
export type ZeekPath = keyof typeof HOST_FIELDS;

export const CLIENT_FIELD = "id.orig_h";
export const TIME_FIELD = "ts";

export function isZeekPath(path: string | undefined): path is ZeekPath {
  return path !== undefined && Object.hasOwn(HOST_FIELDS, path);
}

/** A JSON record's log, when a pipeline dropped `_path`: told by the fields only that log has. */
export function inferPath(has: (field: string) => boolean): ZeekPath | undefined {
  if (!has(CLIENT_FIELD)) return undefined;
  if (has("query") && (has("qtype_name") || has("trans_id") || has("rcode_name") || has("answers"))) return "dns";
  if (has("server_name") && (has("version") || has("cipher") || has("established"))) return "ssl";
  if (has("host") && (has("uri") || has("method") || has("user_agent"))) return "http";
  return undefined;
}
