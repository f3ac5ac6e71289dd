/**
 * @module
 * `ictsguard server init | key | site | token | backup | restore | signing-key | webhook | hosts |
 * osquery-secret`: the fleet store's administration, on the store itself (SQLite under
 * ICTSGUARD_HOME by default, or `--db postgres://...` / DATABASE_URL). The store and its drivers
 * load only inside the actions.
 */
import { Command, Option } from "commander";
import { DEFAULTS } from "../../config/defaults.js";
import { PROFILES } from "../../model/vocabulary.js";
import { UsageError } from "../../scan/index.js";
import type { Fleet } from "../../fleet/types.js";
import { EVENT_TYPES, type EventType } from "../../fleet/notify-types.js";

const ROLE_CHOICES = ["admin", "analyst", "viewer", "ingest"];

type DbOpts = { db?: string; output?: string };

const dbOption = (): Option => new Option("--db <url>", "PostgreSQL URL (postgres://...) or SQLite file; default DATABASE_URL, else fleet.sqlite under ICTSGUARD_HOME");
const outputOption = (): Option => new Option("-o, --output <format>", "output format").choices(["table", "json"]).default("table");

/** Opens the fleet, runs `fn`, closes it; a refused or invalid request is a usage error (exit 2). */
async function withFleet<T>(opts: DbOpts, fn: (fleet: Fleet, admin: import("../../fleet/types.js").Principal) => Promise<T>): Promise<T> {
  const { openFleet, LOCAL_ADMIN, FleetError } = await import("../../fleet/index.js");
  let fleet: Fleet;
  try {
    fleet = await openFleet({ ...(opts.db ? { db: opts.db } : {}) });
  } catch (err) {
    throw new UsageError(`cannot open the store: ${(err as Error).message}`);
  }
  try {
    return await fn(fleet, LOCAL_ADMIN);
  } catch (err) {
    if (err instanceof FleetError) throw new UsageError(err.message);
    throw err;
  } finally {
    await fleet.close();
  }
}

const print = (text: string): void => void process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);

export function serverCommand(): Command {
  const server = new Command("server").description("administer the fleet server's store: schema, API keys, sites, enrollment tokens, the signing key");

  server
    .command("init")
    .description("create the schema, a first site and the first admin API key (printed once)")
    .addOption(dbOption())
    .option("--site <name>", "the first site's name", DEFAULTS.server.site)
    .addOption(new Option("--profile <profile>", "the first site's profile").choices(PROFILES).default(DEFAULTS.server.profile))
    .addOption(outputOption())
    .action(async (opts: DbOpts & { site: string; profile: string }) => {
      await withFleet(opts, async (fleet, admin) => {
        const keys = await fleet.listApiKeys(admin);
        if (keys.some((k) => k.role === "admin" && !k.revokedAt)) {
          throw new UsageError("the store is initialised already (it has an admin key): make more keys with `ictsguard server key create --role admin`");
        }
        const sites = await fleet.listSites(admin);
        if (!sites.some((s) => s.name === opts.site)) await fleet.createSite(admin, { name: opts.site, profile: opts.profile as never });
        const created = await fleet.createApiKey(admin, { role: "admin", label: "server init" });
        if (opts.output === "json") print(JSON.stringify({ apiKey: created.token }));
        else {
          print(`store ready (${fleet.backend}); site "${opts.site}" (${sites.find((s) => s.name === opts.site)?.profile ?? opts.profile})`);
          print(`admin API key ${created.key.id}; it is shown only now, so store it:`);
          print(created.token);
        }
      });
    });

  const key = server.command("key").description("create, revoke and list API keys");
  key
    .command("create")
    .description("create an API key (printed once)")
    .addOption(dbOption())
    .addOption(new Option("--role <role>", "what the key may do").choices(ROLE_CHOICES).makeOptionMandatory())
    .option("--site <name...>", "limit the key to these sites (default: every site)")
    .option("--label <text>", "what the key is for")
    .addOption(outputOption())
    .action(async (opts: DbOpts & { role: string; site?: string[]; label?: string }) => {
      await withFleet(opts, async (fleet, admin) => {
        const created = await fleet.createApiKey(admin, { role: opts.role as never, sites: opts.site ?? null, ...(opts.label ? { label: opts.label } : {}) });
        if (opts.output === "json") print(JSON.stringify({ apiKey: created.token, id: created.key.id, role: created.key.role, sites: created.key.sites }));
        else {
          print(`${created.key.role} API key ${created.key.id}${created.key.sites ? ` for ${created.key.sites.join(", ")}` : ""}; it is shown only now, so store it:`);
          print(created.token);
        }
      });
    });
  key
    .command("revoke")
    .description("revoke an API key by its id")
    .argument("<id>", "the key's id (the part after ictg_)")
    .addOption(dbOption())
    .addOption(outputOption())
    .action(async (id: string, opts: DbOpts) => {
      await withFleet(opts, async (fleet, admin) => {
        const info = await fleet.revokeApiKey(admin, id);
        if (opts.output === "json") print(JSON.stringify(info));
        else print(`API key ${info.id} revoked at ${info.revokedAt}`);
      });
    });
  key
    .command("list")
    .description("list API keys (never their secrets)")
    .addOption(dbOption())
    .addOption(outputOption())
    .action(async (opts: DbOpts) => {
      await withFleet(opts, async (fleet, admin) => {
        const keys = await fleet.listApiKeys(admin);
        if (opts.output === "json") print(JSON.stringify(keys));
        else for (const k of keys) print(`${k.id}  ${k.role.padEnd(7)}  ${k.sites ? k.sites.join(",") : "all sites"}  ${k.revokedAt ? `revoked ${k.revokedAt}` : "active"}${k.label ? `  ${k.label}` : ""}`);
      });
    });

  const site = server.command("site").description("create and list sites");
  site
    .command("create")
    .description("create a site judged under a profile")
    .argument("<name>", "the site's name (lower case, digits, . _ -)")
    .addOption(new Option("--profile <profile>", "the profile its findings are judged for").choices(PROFILES).makeOptionMandatory())
    .option("--description <text>", "what the site is")
    .addOption(dbOption())
    .addOption(outputOption())
    .action(async (name: string, opts: DbOpts & { profile: string; description?: string }) => {
      await withFleet(opts, async (fleet, admin) => {
        const s = await fleet.createSite(admin, { name, profile: opts.profile as never, ...(opts.description ? { description: opts.description } : {}) });
        print(opts.output === "json" ? JSON.stringify(s) : `site ${s.name} (${s.profile}) created`);
      });
    });
  site
    .command("list")
    .description("list sites")
    .addOption(dbOption())
    .addOption(outputOption())
    .action(async (opts: DbOpts) => {
      await withFleet(opts, async (fleet, admin) => {
        const sites = await fleet.listSites(admin);
        if (opts.output === "json") print(JSON.stringify(sites));
        else for (const s of sites) print(`${s.name}  ${s.profile}`);
      });
    });

  const token = server.command("token").description("enrollment tokens for agents");
  token
    .command("create")
    .description("create an enrollment token for a site (printed once)")
    .requiredOption("--site <name>", "the site it enrolls into")
    .option("--expires <instant>", "when it expires (ISO 8601; default 7 days from now)")
    .addOption(dbOption())
    .addOption(outputOption())
    .action(async (opts: DbOpts & { site: string; expires?: string }) => {
      await withFleet(opts, async (fleet, admin) => {
        const t = await fleet.createEnrollmentToken(admin, { site: opts.site, ...(opts.expires ? { expiresAt: opts.expires } : {}) });
        if (opts.output === "json") print(JSON.stringify({ token: t.token, ...t.enrollment }));
        else print(`enrollment token ${t.enrollment.id} for ${t.enrollment.site}, expires ${t.enrollment.expiresAt}; shown only now:\n${t.token}`);
      });
    });
  token
    .command("revoke")
    .description("revoke an enrollment token by its id")
    .argument("<id>", "the token's id")
    .addOption(dbOption())
    .action(async (id: string, opts: DbOpts) => {
      await withFleet(opts, async (fleet, admin) => {
        const t = await fleet.revokeEnrollmentToken(admin, id);
        print(`enrollment token ${t.id} revoked at ${t.revokedAt}`);
      });
    });
  server
    .command("backup")
    .description("copy the SQLite store into a new file while serve runs (online backup); PostgreSQL: use pg_dump (docs/server.md)")
    .requiredOption("--output-file <file>", "the backup file to write (must not exist)")
    .addOption(dbOption())
    .addOption(outputOption())
    .action(async (opts: DbOpts & { outputFile: string }) => {
      const { backupStore, BackupError } = await import("../../store/backup.js");
      try {
        const r = await backupStore({ ...(opts.db ? { db: opts.db } : {}), output: opts.outputFile });
        print(opts.output === "json" ? JSON.stringify(r) : `backed up the store to ${r.file} (${r.bytes} bytes, ${r.pages} pages)`);
      } catch (err) {
        if (err instanceof BackupError) throw new UsageError(err.message);
        throw err;
      }
    });
  server
    .command("restore")
    .description("replace the SQLite store with a backup (stop serve first; a store that holds anything needs --force)")
    .argument("<file>", "a file written by `server backup`")
    .option("--force", "replace a store that is not empty")
    .addOption(dbOption())
    .addOption(outputOption())
    .action(async (file: string, opts: DbOpts & { force?: boolean }) => {
      const { restoreStore, BackupError } = await import("../../store/backup.js");
      try {
        const r = await restoreStore({ ...(opts.db ? { db: opts.db } : {}), file, force: opts.force === true });
        // opening it runs the migrations a backup of an older version lacks
        await withFleet(opts, async () => undefined);
        print(opts.output === "json" ? JSON.stringify(r) : `restored ${r.store} from ${r.file}${r.replaced ? " (the previous store was replaced)" : ""}`);
      } catch (err) {
        if (err instanceof BackupError) throw new UsageError(err.message);
        throw err;
      }
    });
  const signingKey = server.command("signing-key").description("the server's ed25519 key that signs attestations");
  const describeKey = (k: import("../../fleet/types.js").SigningKeyInfo): string =>
    `${k.state === "current" ? "current" : "retired"} signing key ${k.keyId} (ed25519), created ${k.createdAt} by ${k.createdBy}${k.retiredAt ? `, retired ${k.retiredAt}` : ""}\n${k.publicKey.trimEnd()}`;
  signingKey
    .command("show")
    .description("print the current signing key: its id (SHA-256 of the raw public key), public key (PEM) and creation; made when there is none")
    .option("--key-id <id>", "a retired key instead (its public key still verifies the statements it signed)")
    .option("--all", "every key, the current one first, then the retired ones")
    .addOption(dbOption())
    .addOption(new Option("-o, --output <format>", "output format (pem: the public key alone, for --trusted-key)").choices(["table", "json", "pem"]).default("table"))
    .action(async (opts: DbOpts & { keyId?: string; all?: boolean }) => {
      await withFleet(opts, async (fleet, admin) => {
        const keys = await fleet.listSigningKeys(admin);
        const chosen = opts.all ? keys : opts.keyId ? keys.filter((k) => k.keyId === opts.keyId) : keys.filter((k) => k.state === "current");
        if (chosen.length === 0) throw new UsageError(`no signing key ${opts.keyId}: the keys are ${keys.map((k) => k.keyId).join(", ")}`);
        if (opts.output === "json") print(JSON.stringify(opts.all ? chosen : chosen[0]));
        else if (opts.output === "pem") print(chosen.map((k) => k.publicKey.trimEnd()).join("\n"));
        else print(chosen.map(describeKey).join("\n\n"));
      });
    });
  signingKey
    .command("rotate")
    .description("make a new current signing key; the old one is retired and its public key stays listed, so statements it signed still verify")
    .addOption(dbOption())
    .addOption(outputOption())
    .action(async (opts: DbOpts) => {
      await withFleet(opts, async (fleet, admin) => {
        const { current, retired } = await fleet.rotateSigningKey(admin);
        if (opts.output === "json") print(JSON.stringify({ current, retired }));
        else print(`${describeKey(current)}${retired ? `\n\nretired ${retired.keyId} (its public key is kept: ictsguard server signing-key show --key-id ${retired.keyId})` : ""}`);
      });
    });

  const webhook = server.command("webhook").description("webhook subscriptions: add, list, test, remove (docs/server.md, Notifications)");
  webhook
    .command("add")
    .description("subscribe a URL to events (the signing secret is printed once)")
    .argument("<url>", "where events are POSTed (http or https)")
    .requiredOption("--events <types>", `comma-separated: ${EVENT_TYPES.join(", ")}`)
    .option("--site <name>", "only this site's events (default: every site)")
    .option("--lead-days <days>", "lead times of deadline.approaching, comma-separated (default 30,7,1)")
    .option("--description <text>", "what it is for")
    .addOption(dbOption())
    .addOption(outputOption())
    .action(async (url: string, opts: DbOpts & { events: string; site?: string; leadDays?: string; description?: string }) => {
      const leadDays = opts.leadDays?.split(",").map((d) => Number(d.trim()));
      await withFleet(opts, async (fleet, admin) => {
        const w = await fleet.createWebhook(admin, {
          url,
          site: opts.site ?? null,
          events: opts.events.split(",").map((e) => e.trim()) as EventType[],
          ...(leadDays ? { leadDays } : {}),
          ...(opts.description ? { description: opts.description } : {}),
        });
        if (opts.output === "json") print(JSON.stringify(w));
        else print(`webhook ${w.webhook.id} → ${w.webhook.url} (${w.webhook.events.join(", ")}; ${w.webhook.site ?? "every site"}); its signing secret, shown only now:\n${w.secret}`);
      });
    });
  webhook
    .command("list")
    .description("list webhook subscriptions (never their secrets)")
    .addOption(dbOption())
    .addOption(outputOption())
    .action(async (opts: DbOpts) => {
      await withFleet(opts, async (fleet, admin) => {
        const hooks = await fleet.listWebhooks(admin);
        if (opts.output === "json") print(JSON.stringify(hooks));
        else for (const w of hooks) print(`${w.id}  ${w.active ? "active  " : "inactive"}  ${w.site ?? "all sites"}  ${w.url}  ${w.events.join(",")}`);
      });
    });
  webhook
    .command("test")
    .description("send a test event now and print the attempt (exit 2 when not delivered)")
    .argument("<id>", "the subscription's id")
    .addOption(dbOption())
    .addOption(outputOption())
    .action(async (id: string, opts: DbOpts) => {
      await withFleet(opts, async (fleet, admin) => {
        const d = await fleet.testWebhook(admin, id);
        const a = d.attemptLog[0];
        if (opts.output === "json") print(JSON.stringify(d));
        else print(`${d.state}: ${a?.statusCode ?? "no answer"} in ${a?.durationMs ?? 0} ms${a?.error ? ` (${a.error})` : ""}; event ${d.eventId}`);
        if (d.state !== "delivered") process.exitCode = 2;
      });
    });
  webhook
    .command("remove")
    .description("delete a subscription and its deliveries")
    .argument("<id>", "the subscription's id")
    .addOption(dbOption())
    .action(async (id: string, opts: DbOpts) => {
      await withFleet(opts, async (fleet, admin) => {
        const w = await fleet.deleteWebhook(admin, id);
        print(`webhook ${w.id} (${w.url}) removed`);
      });
    });

  const hosts = server.command("hosts").description("host identity: possible duplicates and merges (docs/server.md, \"Agents and host identity\")");
  hosts
    .command("duplicates")
    .description("list hosts flagged as possibly the same machine (or one credential on two machines)")
    .option("--site <name>", "only this site")
    .option("--all", "also the merged and dismissed ones")
    .addOption(dbOption())
    .addOption(outputOption())
    .action(async (opts: DbOpts & { site?: string; all?: boolean }) => {
      await withFleet(opts, async (fleet, admin) => {
        const list = await fleet.agents.listDuplicates(admin, { ...(opts.site ? { site: opts.site } : {}), open: !opts.all });
        if (opts.output === "json") return print(JSON.stringify(list, null, 2));
        if (list.length === 0) return print("no possible duplicate hosts");
        for (const d of list) print(`${d.id}  ${d.site}  ${d.kind}  ${d.hosts[0]} ${d.hosts[1]}  machine ${d.machineId ?? "-"}  ${d.detectedAt}${d.resolution ? `  ${d.resolution}` : ""}`);
      });
    });
  hosts
    .command("merge")
    .description("merge host MERGE into host KEEP: findings re-keyed to KEEP (history kept), sources and agents moved; audit-logged")
    .argument("<keep>", "the host id that stays")
    .argument("<merge>", "the host id merged into it (then deleted)")
    .addOption(dbOption())
    .addOption(outputOption())
    .action(async (keep: string, merge: string, opts: DbOpts) => {
      await withFleet(opts, async (fleet, admin) => {
        const r = await fleet.agents.merge(admin, { keep, merge });
        if (opts.output === "json") return print(JSON.stringify(r, null, 2));
        print(`merged ${r.merged} into ${r.kept}: ${r.findingsMoved} finding(s) moved, ${r.findingsJoined} joined, ${r.sourcesMoved} source(s) moved, agents ${r.agents.join(", ") || "none"}`);
      });
    });

  const osq = server.command("osquery-secret").description("osquery enroll secrets (osqueryd --enroll_secret_path)");
  osq
    .command("create")
    .description("create an osquery enroll secret for a site (printed once; put it in the file --enroll_secret_path names)")
    .requiredOption("--site <name>", "the site its nodes enroll into")
    .option("--label <text>", "what it is for")
    .addOption(dbOption())
    .addOption(outputOption())
    .action(async (opts: DbOpts & { site: string; label?: string }) => {
      await withFleet(opts, async (fleet, admin) => {
        const s = await fleet.agents.createOsquerySecret(admin, { site: opts.site, ...(opts.label ? { label: opts.label } : {}) });
        if (opts.output === "json") print(JSON.stringify({ token: s.token, ...s.secret }));
        else print(`osquery enroll secret ${s.secret.id} for ${s.secret.site}; shown only now:\n${s.token}`);
      });
    });
  return server;
}
