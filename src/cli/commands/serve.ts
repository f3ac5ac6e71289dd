/**
 * @module
 * `ictsguard serve [--db URL] [--listen 127.0.0.1:8080]`: the fleet server. Opens the store
 * (SQLite under ICTSGUARD_HOME by default, PostgreSQL with a postgres:// URL or DATABASE_URL;
 * migrations run at start), starts the continuous-judgment jobs and serves the API (docs/api.md)
 * until SIGTERM or SIGINT, then shuts down gracefully. The database driver and the HTTP framework
 * are loaded only when the command runs.
 */
import { Command } from "commander";
import { UsageError } from "../../scan/index.js";
import type { SignInFlags } from "./serve-sign-in.js";

type ServeFlags = SignInFlags & {
  config?: string;
  catalog?: string;
  db?: string;
  listen: string;
  maxUploadMb: string;
  maxJsonKb: string;
  authFailures: string;
  grace: string;
  jobs: boolean;
  jobInterval: string;
  catalogCheck: string;
  rejudgeShardHosts: string;
  historyDays?: string;
  scanDays?: string;
  webhookDays?: string;
  allowShortRetention?: boolean;
};

export function serveCommand(): Command {
  return new Command("serve")
    .description("run the fleet server: a JSON API (docs/api.md) over a SQLite or PostgreSQL store")
    .option("--db <url>", "postgres://... for PostgreSQL, or a SQLite file path (default: $DATABASE_URL, else fleet.sqlite under ICTSGUARD_HOME)")
    .option("--listen <host:port>", "where to listen", "127.0.0.1:8080")
    .option("--max-upload-mb <n>", "largest inventory upload, in MiB", "256")
    .option("--max-json-kb <n>", "largest JSON request body, in KiB", "1024")
    .option("--auth-failures <n>", "failed authentications allowed per client address per minute before 429", "20")
    .option("--grace <seconds>", "on SIGTERM/SIGINT, how long requests in flight may take to finish", "30")
    .option("--no-jobs", "do not run the continuous-judgment jobs in this process (another serve process on the same PostgreSQL does)")
    .option("--job-interval <seconds>", "how often the job loop looks for due jobs", "5")
    .option("--catalog-check <seconds>", "how often to look for a newly installed catalog (0: only at start)", "60")
    .option("--rejudge-shard-hosts <n>", "hosts per re-judgment job: the unit several serve processes share", "500")
    .option("--history-days <n>", "days of findings history kept (default 2557: 7 years; shorter needs --allow-short-retention)")
    .option("--scan-days <n>", "days upload records are kept (default 90; shorter needs --allow-short-retention)")
    .option("--webhook-days <n>", "days webhook deliveries, their attempts and events are kept after they were delivered or failed for good (default 30; shorter needs --allow-short-retention)")
    .option("--allow-short-retention", "allow retention below the defaults (evidence an audit may ask for is then purged sooner)")
    .option("--config <file>", "the config file: its server block, and the catalog and screen settings scan and screen use (default: ictsguard.yaml, .ictsguard.yaml or .ictsguard.yml in the working directory)")
    .option("--catalog <dir>", "judge with this catalog folder, as scan --catalog (default: the config's catalog:, else the installed signed update, else the bundled catalog)")
    .option("--oidc-issuer <url>", "browser sign-in: the OpenID Connect issuer (server.oidc.issuer)")
    .option("--oidc-client-id <id>", "browser sign-in: this server's client id at the issuer")
    .option("--oidc-client-secret-file <file>", "browser sign-in: a file holding the client secret (or $ICTSGUARD_OIDC_CLIENT_SECRET)")
    .option("--oidc-group <mapping>", "map an identity provider group to a role (admin, analyst, viewer), optionally limited to sites; repeatable: admins=admin, a-team=analyst:a,b", (value: string, all: string[] = []) => [...all, value])
    .option("--public-url <url>", "the URL browsers reach this server at; the sign-in's redirect URI is <url>/auth/callback (default: the address it listens on)")
    .option("--session-idle-minutes <n>", "a session ends after this long without a request (default 30)")
    .option("--session-absolute-hours <n>", "a session ends this long after sign-in, used or not (default 12)")
    .action(async (flags: ServeFlags) => {
      await serveAction(flags);
    });
}

function positive(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a number above 0, got "${value}"`);
  return n;
}

async function serveAction(flags: ServeFlags): Promise<void> {
  const { parseListen, startServer } = await import("../../server/index.js");
  let listen;
  try {
    listen = parseListen(flags.listen);
  } catch (err) {
    throw new UsageError(`--listen: ${(err as Error).message}`);
  }
  const limits = { inventoryBytes: Math.round(positive(flags.maxUploadMb, "--max-upload-mb") * 1024 * 1024), jsonBytes: Math.round(positive(flags.maxJsonKb, "--max-json-kb") * 1024) };
  const authLimit = { max: Math.round(positive(flags.authFailures, "--auth-failures")), windowMs: 60_000 };
  const graceMs = positive(flags.grace, "--grace") * 1000;
  const { loadConfig } = await import("../../config/index.js");
  const { configScreenSettings } = await import("../../config/settings.js");
  const { resolveSignIn } = await import("./serve-sign-in.js");
  const loaded = await loadConfig(flags.config);
  const signIn = resolveSignIn(flags, loaded.config.server);
  // counterparties and POST /screen are screened as `ictsguard screen` would with this config: its threshold and allow-list
  const screen = configScreenSettings(loaded.config, loaded.path);

  const whole = (value: string, flag: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a whole number above 0, got "${value}"`);
    return n;
  };
  const catalogCheck = Number(flags.catalogCheck);
  if (!Number.isFinite(catalogCheck) || catalogCheck < 0) throw new UsageError(`--catalog-check must be a number of seconds, 0 or more, got "${flags.catalogCheck}"`);
  const retention = {
    ...(flags.historyDays !== undefined ? { historyDays: whole(flags.historyDays, "--history-days") } : {}),
    ...(flags.scanDays !== undefined ? { scanDays: whole(flags.scanDays, "--scan-days") } : {}),
    ...(flags.webhookDays !== undefined ? { webhookDays: whole(flags.webhookDays, "--webhook-days") } : {}),
    ...(flags.allowShortRetention ? { allowShorter: true } : {}),
  };
  const { openFleet } = await import("../../fleet/index.js");
  const { checkRetention } = await import("../../fleet/retention.js");
  try {
    checkRetention(retention);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  // the catalog is resolved as scan resolves it (flag, config, installed, bundled), again at each catalog check
  const { resolveActiveCatalog } = await import("../../catalog/active.js");
  const { ictsguardHome } = await import("../../util/home.js");
  const catalog = () => resolveActiveCatalog({ flag: flags.catalog, config: loaded.config, home: ictsguardHome(process.env), now: new Date() });
  const fleet = await openFleet({
    ...(flags.db ? { db: flags.db } : {}),
    catalog,
    jobIntervalMs: Math.round(positive(flags.jobInterval, "--job-interval") * 1000),
    catalogCheckMs: Math.round(catalogCheck * 1000),
    rejudgeShardHosts: whole(flags.rejudgeShardHosts, "--rejudge-shard-hosts"),
    retention,
    screen,
  });
  let server;
  try {
    server = await startServer({ fleet, listen, limits, authLimit, graceMs, ...(signIn ? { signIn } : {}) });
  } catch (err) {
    await fleet.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE" || code === "EACCES" || code === "EADDRNOTAVAIL") throw new UsageError(`cannot listen on ${flags.listen}: ${code}`);
    throw err;
  }
  if (flags.jobs) fleet.startJobs();
  const running = server;

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.stderr.write(`ictsguard serve: ${signal}: finishing requests in flight, then stopping\n`);
      running.close().then(resolve, (err: unknown) => {
        process.stderr.write(`ictsguard serve: shutdown failed: ${(err as Error).message}\n`);
        process.exitCode = 2;
        resolve();
      });
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
    if (signIn) {
      const publicUrl = signIn.publicUrl ?? running.url;
      process.stderr.write(`ictsguard serve: sign-in with ${signIn.oidc.issuer}; redirect URI ${publicUrl}/auth/callback\n`);
      if (publicUrl.startsWith("http://") && !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:|\/|$)/.test(publicUrl)) {
        process.stderr.write("ictsguard serve: warning: the session cookie is Secure, so browsers keep it only over https (or on localhost): give an https --public-url behind a TLS proxy\n");
      }
    }
    // said once the signals are handled: a supervisor may stop the process as soon as it reads this
    process.stderr.write(`ictsguard serve: ${fleet.backend} store, catalog ${fleet.catalog.catalog.version}; listening on ${running.url}\n`);
  });
  process.stderr.write("ictsguard serve: stopped\n");
}
