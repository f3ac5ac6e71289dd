/**
 * @module
 * `ictsguard agent enroll --server URL --token T` and `ictsguard agent run [--once] [--interval
 * 4h]`: the host agent (src/agent). Exit codes of `agent run --once`: 0 every spooled upload was
 * delivered; 3 uploads are still spooled (the server could not be reached or kept failing: the
 * next run sends them); 2 usage, not enrolled, the credential refused, or an upload refused for
 * good (kept in spool/rejected/). `agent run` without `--once` runs until SIGTERM or SIGINT and
 * then exits 0 (what was not sent stays spooled).
 */
import { Command } from "commander";
import { UsageError } from "../../scan/index.js";
import { EXIT_ERROR, EXIT_OK } from "../exit-codes.js";

/** `agent run --once`: uploads are still spooled (a temporary failure; the next run sends them). */
export const EXIT_SPOOLED = 3;

type CommonFlags = { stateDir?: string; hostRoot?: string; root?: string; catalog?: string; quiet?: boolean };

async function collectorOf(flags: CommonFlags) {
  const { loadActiveCatalog } = await import("../../config/settings.js");
  const root = flags.hostRoot ?? flags.root;
  const catalog = await loadActiveCatalog({ ...(flags.catalog ? { catalog: flags.catalog } : {}), cwd: process.cwd(), env: process.env });
  return { catalog, ...(root !== undefined ? { root } : {}) };
}

async function stateDirOf(flags: CommonFlags): Promise<string> {
  const { defaultStateDir } = await import("../../agent/state.js");
  return flags.stateDir ?? defaultStateDir();
}

/** The agent's own errors are usage errors (exit 2) with their message. */
async function asUsage<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if ((err as Error)?.name === "AgentStateError") throw new UsageError((err as Error).message);
    throw err;
  }
}

export function agentCommand(): Command {
  const agent = new Command("agent").description("the host agent: enroll with a fleet server, then collect and upload this host's inventory");
  const common = (c: Command): Command =>
    c
      .option("--state-dir <dir>", "where the credential and the spool are kept (default: ICTSGUARD_HOME/agent)")
      .option("--host-root <dir>", "read this folder as a Linux root (an image, a container, a test's fake root), as scan --host-root does")
      .option("--root <dir>", "the same as --host-root")
      .option("--catalog <dir>", "the catalog the collectors look for install paths with (default: the installed or bundled one)");

  common(
    agent
      .command("enroll")
      .description("exchange an enrollment token (ictge_...) for this agent's own credential, stored 0600 in the state folder")
      .requiredOption("--server <url>", "the fleet server, e.g. https://ictsguard.example.com")
      .requiredOption("--token <token>", "an enrollment token (ictsguard server token create)")
      .option("--site <site>", "checked against the token's site (the token decides the site)"),
  ).action(async (flags: CommonFlags & { server: string; token: string; site?: string }) => {
    try {
      const u = new URL(flags.server);
      if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("not http(s)");
    } catch {
      throw new UsageError(`--server must be an http:// or https:// URL, got "${flags.server}"`);
    }
    await asUsage(async () => {
      const { enroll } = await import("../../agent/agent.js");
      const stateDir = await stateDirOf(flags);
      const { state, duplicates } = await enroll({ stateDir, server: flags.server, token: flags.token, collector: await collectorOf(flags) });
      if (flags.site && flags.site !== state.site) process.stderr.write(`ictsguard agent: warning: the token enrolled this agent into site ${state.site}, not ${flags.site}\n`);
      process.stdout.write(`enrolled as agent ${state.agentId} in site ${state.site} (host ${state.hostId}); credential stored in ${stateDir}\n`);
      if (duplicates.length > 0) process.stdout.write(`the server flagged ${duplicates.length} possible duplicate host(s) with the same machine id: ictsguard server hosts duplicates\n`);
      process.exitCode = EXIT_OK;
    });
  });

  common(
    agent
      .command("run")
      .description("collect with the scan --host collectors, spool, and upload to the server (observations; the server judges)")
      .option("--once", "collect once, send the spool, exit (0 all sent, 3 some still spooled, 2 refused)")
      .option("--interval <duration>", "between collections (ms, s, m, h, d)", "4h")
      .option("--attempts <n>", "with --once: tries per upload (backoff with jitter between them)", "5")
      .option("--backoff <ms>", "the first backoff; doubled each try, at most 5 minutes", "1000")
      .option("--spool-max-uploads <n>", "at most this many collections spooled while the server cannot be reached; the oldest (superseded by newer ones) are dropped first", "100")
      .option("--spool-max-mb <n>", "at most this many MiB spooled (the newest collection is kept even when it alone is larger)", "256")
      .option("-q, --quiet", "no progress lines on stderr (warnings stay)"),
  ).action(async (flags: CommonFlags & { once?: boolean; interval: string; attempts: string; backoff: string; spoolMaxUploads: string; spoolMaxMb: string }) => {
    const attempts = Number(flags.attempts);
    if (!Number.isInteger(attempts) || attempts < 1) throw new UsageError(`--attempts must be a whole number of at least 1, got "${flags.attempts}"`);
    const base = Number(flags.backoff);
    if (!Number.isFinite(base) || base < 0) throw new UsageError(`--backoff must be a number of milliseconds, got "${flags.backoff}"`);
    const maxUploads = Number(flags.spoolMaxUploads);
    if (!Number.isInteger(maxUploads) || maxUploads < 1) throw new UsageError(`--spool-max-uploads must be a whole number of at least 1, got "${flags.spoolMaxUploads}"`);
    const maxMb = Number(flags.spoolMaxMb);
    if (!Number.isFinite(maxMb) || maxMb <= 0) throw new UsageError(`--spool-max-mb must be a number of MiB above 0, got "${flags.spoolMaxMb}"`);
    await asUsage(async () => {
      const { parseInterval, runAgent, DEFAULT_BACKOFF } = await import("../../agent/agent.js");
      const intervalMs = parseInterval(flags.interval);
      const stop = new AbortController();
      const onSignal = (): void => stop.abort();
      process.once("SIGTERM", onSignal);
      process.once("SIGINT", onSignal);
      const log = flags.quiet ? () => {} : (line: string) => process.stderr.write(`ictsguard agent: ${line}\n`);
      try {
        const outcome = await runAgent({
          stateDir: await stateDirOf(flags),
          collector: await collectorOf(flags),
          once: flags.once === true,
          intervalMs,
          attempts,
          backoff: { ...DEFAULT_BACKOFF, baseMs: base },
          signal: stop.signal,
          log,
          warn: (line: string) => process.stderr.write(`ictsguard agent: warning: ${line}\n`),
          spoolCap: { maxUploads, maxBytes: Math.round(maxMb * 1024 * 1024) },
        });
        process.stdout.write(`sent ${outcome.sent}, already stored ${outcome.replayed}, rejected ${outcome.rejected.length}, still spooled ${outcome.pending}, dropped ${outcome.dropped}\n`);
        if (outcome.unauthorised) throw new UsageError("the server refused this agent's credential: enroll again (ictsguard agent enroll)");
        if (outcome.rejected.length > 0) process.exitCode = EXIT_ERROR;
        else if (stop.signal.aborted) process.exitCode = EXIT_OK;
        else process.exitCode = outcome.pending > 0 ? EXIT_SPOOLED : EXIT_OK;
      } finally {
        process.off("SIGTERM", onSignal);
        process.off("SIGINT", onSignal);
      }
    });
  });
  return agent;
}
