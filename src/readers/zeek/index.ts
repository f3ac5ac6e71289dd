/**
 * @module
 * Reader for Zeek logs that name the hosts clients contacted: `dns.log` (the names looked up),
 * and also `ssl.log` (TLS SNI) and `http.log` (Host headers), in Zeek's TSV format (tsv.ts) or
 * as JSON lines (json.ts). Every record gives one `domain` observation of its client
 * (`id.orig_h`) at its time (`ts`). Lines are streamed a read chunk's worth at a time, and the
 * observations emitted where the scan takes them (`ReadContext.emit`): one asynchronous step per
 * line and per observation was a large part of a big log's time. A TSV log's records that cannot
 * match are counted without being read into strings (fast.ts).
 */
import { firstLineAndRuns, probeLines } from "../_network.js";
import { readLineRuns } from "../_text.js";
import { defineReader, type Probe, type ReadContext, type ReadInput } from "../types.js";
import type { Observation } from "../../model/observation.js";
import { readZeekJson, logOf } from "./json.js";
import { CLIENT_FIELD, isZeekPath } from "./logs.js";
import { fastLineRuns, fastPathFor } from "./fast.js";
import { readZeekTsv, type SharedHeader } from "./tsv.js";

export const zeekReader = defineReader({
  name: "network/zeek",
  version: 1,
  description: "Zeek dns.log (also ssl.log SNI, http.log Host), TSV with #fields header or JSON lines",
  detect,
  read,
});

function detect(probe: Probe): number {
  const lines = probeLines(probe.text, 40);
  const first = lines[0];
  if (first === undefined) return 0;
  if (first.startsWith("#separator")) {
    const path = lines.find((l) => l.startsWith("#path"))?.split(/\s+/)[1];
    const fields = lines.find((l) => l.startsWith("#fields"))?.split(/\s+/) ?? [];
    if (!fields.includes(CLIENT_FIELD)) return 0;
    if (isZeekPath(path)) return 0.95;
    if (path === undefined && (fields.includes("query") || fields.includes("server_name") || fields.includes("uri"))) return 0.9;
    return 0; // another Zeek log (conn, software ...): nothing this reader reads
  }
  if (first.startsWith("{")) {
    try {
      const record: unknown = JSON.parse(first);
      if (record && typeof record === "object" && !Array.isArray(record) && logOf(record as Record<string, unknown>)) return 0.9;
    } catch {
      return 0;
    }
  }
  return 0;
}

async function* read(input: ReadInput, ctx: ReadContext): AsyncIterable<Observation> {
  // the fast path counts the records of a TSV log that cannot match (fast.ts): it reads the header the reader holds
  const shared: SharedHeader = {};
  const { first, runs } = await firstLineAndRuns(fastPathFor(input, ctx) ? fastLineRuns(input, ctx, shared) : readLineRuns(input, ctx));
  if (!first) {
    ctx.report({ code: "zeek/empty", message: "no Zeek records: expected a Zeek log (TSV with a #fields header, or one JSON object per line)", source: { file: input.path } });
    return;
  }
  if (first.text.startsWith("#")) yield* readZeekTsv(runs, input.path, ctx, shared);
  else if (first.text.trimStart().startsWith("{")) yield* readZeekJson(runs, input.path, ctx);
  else {
    for await (const _ of runs) break; // closes the input
    ctx.report({
      code: "zeek/format",
      message: "not a Zeek log: expected a TSV log starting with its #separator/#fields header, or one JSON object per line",
      source: { file: input.path, line: first.line },
    });
  }
}
