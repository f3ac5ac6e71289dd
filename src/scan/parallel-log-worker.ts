/**
 * @module
 * One part of a parallel scan of an osqueryd results log (./parallel-log.ts), in a worker
 * thread: the osquery reader and a scanner of its own over bytes [start, end) of the file, a
 * part that begins and ends at line breaks. It sends back, in file order, every observation that
 * matched a product and the first 1,000 look-alikes (what the scan that reports must see), and
 * counts the rest. A part with any issue, or with more observations to send than the scan should
 * hold, comes back `clean: false` at once: the scan then reads it, and what follows it, itself.
 */
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { parentPort, workerData } from "node:worker_threads";
import type { Observation } from "../model/observation.js";
import { osqueryReader } from "../readers/osquery/index.js";
import { createScanner, MAX_LOOKALIKES_KEPT } from "./scanner.js";
import type { PartRequest, PartResult } from "./parallel-log.js";

const request = workerData as PartRequest;
const forwarded: Observation[] = [];
/** Look-alike-only observations sent, and sent ones that were look-alikes (matched or not). */
let lookalikesSent = 0;
let sentThatWereLookalikes = 0;
let unclean: string | undefined;
const stop = new AbortController();
const giveUp = (why: string): void => {
  unclean ??= why;
  stop.abort(new Error(why));
};

const scanner = createScanner({
  catalog: request.catalog,
  profile: request.profile,
  asOf: request.asOf,
  onMatched(o, { matched, lookalike }) {
    if (!matched && !(lookalike && lookalikesSent < MAX_LOOKALIKES_KEPT)) return;
    if (!matched) lookalikesSent++;
    if (lookalike) sentThatWereLookalikes++;
    forwarded.push(o);
    if (forwarded.length > request.maxForwarded) giveUp(`more than ${request.maxForwarded} observations to send`);
  },
});

let sinceProgress = 0;
async function* counted(): AsyncGenerator<Buffer> {
  for await (const chunk of createReadStream(request.path, { start: request.start, end: request.end - 1 }) as AsyncIterable<Buffer>) {
    sinceProgress += chunk.length;
    if (sinceProgress >= 8 * 1024 * 1024) {
      parentPort!.postMessage({ progress: sinceProgress });
      sinceProgress = 0;
    }
    yield chunk;
  }
}

let counts = { lines: 0, records: 0 };
try {
  const add = (o: Observation, key?: string): void => {
    o.source.reader = osqueryReader.name;
    scanner.add(o, key);
  };
  const ctx = {
    report: (issue: { code: string }) => giveUp(`an issue (${issue.code})`),
    emit: add,
    prefilter: scanner.prefilter(),
    skipped: (n: number) => scanner.skip(n),
    repeat: (key: string) => scanner.repeat(key),
    numbered: (c: { lines: number; records: number }) => void (counts = c),
    signal: stop.signal,
    ...(request.limits ? { limits: request.limits } : {}),
  };
  const input = { path: request.path, stream: Readable.from(counted(), { objectMode: false }), encoding: "utf-8" as const };
  for await (const o of osqueryReader.read(input, ctx)) add(o);
} catch (err) {
  giveUp((err as Error).message);
}

let result: PartResult;
if (unclean !== undefined) {
  result = { clean: false, why: unclean };
} else {
  const summary = (await scanner.finish()).summary;
  result = {
    clean: true,
    forwarded,
    observations: summary.observations,
    // the scan that reports counts a sent look-alike again when it adds it
    lookalikesNotSent: summary.lookalikes - sentThatWereLookalikes,
    lines: counts.lines,
    records: counts.records,
    progress: sinceProgress,
  };
}
parentPort!.postMessage({ result });
