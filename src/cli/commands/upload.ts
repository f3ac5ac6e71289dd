/**
 * @module
 * `ictsguard upload FILE... --server URL --api-key K [--host NAME] [--site S]`: sends inventories
 * from other tools (osquery logs, SBOMs, exports, anything `scan` reads) to a fleet server, which
 * judges them with its own catalog. Each file is streamed with a deterministic idempotency key and
 * retried on network errors, 5xx and 429, so a retry never stores an upload twice.
 * Exit codes: 0 every file accepted, 2 a usage error or any file not accepted.
 */
import { Command, Option } from "commander";
import { UsageError } from "../../scan/index.js";
import { EXIT_ERROR, EXIT_OK } from "../exit-codes.js";
import { serverClientOf } from "../server-flags.js";

type UploadFlags = {
  server?: string;
  apiKey?: string;
  host?: string;
  site?: string;
  inputFormat?: string;
  retries: string;
  timeout: string;
  output: "text" | "json";
  quiet?: boolean;
  async?: boolean;
  wait?: boolean;
  waitTimeout: string;
};

export function uploadCommand(): Command {
  return new Command("upload")
    .description("send inventory files (any format scan reads, gzip too) to an ictsguard fleet server")
    .argument("<files...>", "inventory files")
    .option("--server <url>", "the fleet server, e.g. http://127.0.0.1:8080 (default: $ICTSGUARD_SERVER)")
    .option("--api-key <key>", "an API key with the ingest or admin role (default: $ICTSGUARD_API_KEY, which keeps it out of the process list)")
    .option("--host <name>", "every observation belongs to this host (default: hosts come from the data: osquery's hostIdentifier, a CSV host column)")
    .option("--site <site>", "the site of the host(s) (default: the server's default site)")
    .option("--input-format <name>", "skip the server's format detection (names: ictsguard formats)")
    .option("--retries <n>", "tries per file on network errors, 5xx and 429, the first included", "5")
    .option("--timeout <seconds>", "give up one try after this long", "300")
    .option("--async", "ask the server to queue each file and answer at once (Prefer: respond-async); it is judged after: prints the upload's id and status URL")
    .option("--wait", "with --async: poll each queued upload until it is judged (done) or refused (failed)")
    .option("--wait-timeout <seconds>", "with --wait: stop polling after this long (the upload stays queued on the server)", "600")
    .addOption(new Option("-o, --output <format>", "per-file summary as text lines or one JSON array").choices(["text", "json"]).default("text"))
    .option("-q, --quiet", "no retry messages on stderr")
    .action(async (files: string[], flags: UploadFlags) => {
      process.exitCode = await upload(files, flags);
    });
}

async function upload(files: string[], flags: UploadFlags): Promise<number> {
  const { server, apiKey, attempts, timeoutSeconds: timeout } = serverClientOf("upload", flags);

  const { DEFAULT_RETRY, uploadFile, uploadStatusUrl, waitForUpload } = await import("../../server/client/upload.js");
  if (flags.wait && !flags.async) throw new UsageError("--wait polls a queued upload: give --async too");
  const waitTimeout = Number(flags.waitTimeout);
  if (!Number.isFinite(waitTimeout) || waitTimeout <= 0) throw new UsageError(`--wait-timeout must be a number of seconds above 0, got "${flags.waitTimeout}"`);
  const target = {
    server,
    apiKey,
    ...(flags.host ? { host: flags.host } : {}),
    ...(flags.site ? { site: flags.site } : {}),
    ...(flags.inputFormat ? { inputFormat: flags.inputFormat } : {}),
    ...(flags.async ? { async: true } : {}),
  };
  const retry = { ...DEFAULT_RETRY, attempts, timeoutMs: timeout * 1000 };
  const log = flags.quiet ? undefined : (line: string) => process.stderr.write(`ictsguard upload: ${line}\n`);
  const outcomes = [];
  for (const file of files) {
    let outcome: Outcome = await uploadFile(file, target, retry, log);
    const queued = outcome.ok ? queuedId(outcome.body) : undefined;
    if (outcome.ok && queued && flags.wait) {
      const waited = await waitForUpload(server, apiKey, queued, { retry, timeoutMs: waitTimeout * 1000 });
      if (!waited.ok) outcome = { ok: false, file, attempts: outcome.attempts, message: `queued as ${queued}, but its status could not be read: ${waited.message}` };
      else if (waited.upload.status === "failed") {
        const e = waited.upload.error;
        outcome = { ok: false, file, attempts: outcome.attempts, message: `queued as ${queued}, then refused: ${e ? `${e.code}: ${e.message}` : "failed"}` };
      } else outcome = { ...outcome, body: waited.upload };
    }
    outcomes.push(outcome);
    if (flags.output === "text") process.stdout.write(`${describe(outcome, (id) => uploadStatusUrl(server, id))}\n`);
  }
  if (flags.output === "json") process.stdout.write(`${JSON.stringify(outcomes, null, 2)}\n`);
  return outcomes.every((o) => o.ok) ? EXIT_OK : EXIT_ERROR;
}

type Outcome = Awaited<ReturnType<typeof import("../../server/client/upload.js").uploadFile>>;

/** The id of a queued upload's answer (202, or 200 for one already queued), else undefined. */
function queuedId(body: unknown): string | undefined {
  const b = body as { id?: unknown; status?: unknown; scan?: unknown } | undefined;
  return typeof b?.id === "string" && typeof b.status === "string" && /^u_/.test(b.id) ? b.id : undefined;
}

/** One line per file: accepted (with what the server counted) or the reason it was not. */
function describe(o: Outcome, statusUrl: (id: string) => string): string {
  if (!o.ok) return `${o.file}: NOT accepted: ${o.message}${o.attempts > 1 ? ` (after ${o.attempts} tries)` : ""}`;
  const queued = queuedId(o.body);
  if (queued && (o.body as { status: string }).status !== "done") {
    const status = (o.body as { status: string }).status;
    return `${o.file}: queued: upload ${queued} is ${status}; its status: ${statusUrl(queued)}`;
  }
  const b = (queued ? { scan: (o.body as { scan?: unknown }).scan } : o.body) as
    | { replayed?: boolean; scan?: { id: string; hosts: string[]; superseded?: string[]; observations: number; byStatus: Record<string, number>; changes: { new: number; reopened: number; removalPending: number; resolved: number } } }
    | undefined;
  const scan = b?.scan;
  if (!scan) return `${o.file}: accepted`;
  const findings = Object.values(scan.byStatus).reduce((a, n) => a + n, 0);
  const c = scan.changes;
  const changes = [c.new && `${c.new} new`, c.reopened && `${c.reopened} reopened`, c.removalPending && `${c.removalPending} removal-pending`, c.resolved && `${c.resolved} resolved`].filter(Boolean).join(", ");
  // hosts that already held a newer inventory of this source: the upload changed nothing of theirs
  const superseded = scan.superseded?.length ? `; not applied to ${scan.superseded.join(", ")}: a newer inventory of this source was already stored` : "";
  const what = `scan ${scan.id}: ${scan.hosts.length} host${scan.hosts.length === 1 ? "" : "s"}, ${scan.observations} observations, ${findings} findings${changes ? ` (${changes})` : ""}${superseded}`;
  return `${o.file}: ${b.replayed ? "already accepted (same idempotency key)" : "accepted"}: ${what}`;
}
