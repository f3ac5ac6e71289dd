/**
 * @module
 * `ictsguard catalog update` and `ictsguard catalog status`: install the newest verified
 * catalog from a TUF repository (URL or folder), and say which catalog is in use, where it came
 * from and whether it is stale. A failed update exits 2 and says which catalog is still in use.
 */
import { Command, Option } from "commander";
import { resolveActiveCatalog, type ActiveCatalog } from "../../catalog/active.js";
import { loadCatalog } from "../../catalog/load.js";
import { DEFAULT_UPDATE_URL } from "../../catalog/tuf/layout.js";
import { updateCatalog, UpdateError } from "../../catalog/tuf/update.js";
import { loadConfig } from "../../config/index.js";
import { resolveCatalogSettings } from "../../config/settings.js";
import { formatSource } from "../../model/errors.js";
import { EXIT_ERROR, EXIT_OK } from "../exit-codes.js";

type UpdateFlags = { from?: string; trustedRoot?: string; allowDowngrade?: boolean; allowRedirects?: boolean; config?: string; output: "text" | "json"; quiet?: boolean };

export function catalogUpdateCommand(): Command {
  return new Command("update")
    .description("install the newest catalog from a TUF repository (URL, or a folder carried to an air-gapped network), verified with tuf-js")
    .option("--from <url|dir>", "the repository: an http(s) URL or a folder (default: the config's updateUrl)")
    .option("--trusted-root <file>", "trust this root.json instead of the package's pinned root (a private mirror; default: the config's trustedRoot)")
    .option("--allow-downgrade", "install the repository's catalog even when it is older than the installed one")
    .option("--allow-redirects", "follow HTTP redirects to another host or port than the repository's (refused by default)")
    .option("-c, --config <file>", "config file (default: ictsguard.yaml or .ictsguard.yaml in the working directory)")
    .addOption(new Option("-o, --output <format>", "output format").choices(["text", "json"]).default("text"))
    .option("-q, --quiet", "print nothing on success")
    .action(async (flags: UpdateFlags) => {
      process.exitCode = await update(flags);
    });
}

async function update(flags: UpdateFlags): Promise<number> {
  const { config } = await loadConfig(flags.config);
  const from = flags.from ?? config.updateUrl ?? DEFAULT_UPDATE_URL;
  if (!from) {
    process.stderr.write(
      "ictsguard: catalog update: no repository to update from: pass --from URL|DIR or set updateUrl in the config " +
        "(this build names no default repository)\n",
    );
    return EXIT_ERROR;
  }
  const trustedRoot = flags.trustedRoot ?? config.trustedRoot;
  try {
    const result = await updateCatalog({ from, ...(trustedRoot ? { trustedRoot } : {}), ...(flags.allowDowngrade ? { allowDowngrade: true } : {}), ...(flags.allowRedirects ? { allowRedirects: true } : {}) });
    const r = result.record;
    if (flags.output === "json") {
      process.stdout.write(JSON.stringify({ ok: true, outcome: result.outcome, previous: result.previous ?? null, freshTrust: result.freshTrust, installed: r }, null, 2) + "\n");
    } else if (!flags.quiet) {
      const was = result.previous ? ` (was ${result.previous.version}, ${result.previous.date})` : "";
      process.stdout.write(
        result.outcome === "installed"
          ? `installed catalog ${r.version} (${r.date}) sha256:${r.digest} from ${r.source.location}${was}\n`
          : `catalog ${r.version} (${r.date}) is current; trusted metadata refreshed from ${r.source.location}\n`,
      );
      process.stdout.write(`verified: root v${r.tuf.root}, targets v${r.tuf.targets}, snapshot v${r.tuf.snapshot}, timestamp v${r.tuf.timestamp} (expires ${r.tuf.timestampExpires})\n`);
      if (result.freshTrust && result.previous) {
        process.stdout.write(`note: trust started over from ${r.trustAnchor.path} (the installed catalog came from another root)\n`);
      }
    }
    return EXIT_OK;
  } catch (err) {
    if (!(err instanceof UpdateError)) throw err;
    const still = await resolveActiveCatalog({ config }).catch(() => undefined);
    const inUse = still ? `${still.catalog.version} (${describeOrigin(still)})` : "unchanged";
    if (flags.output === "json") {
      process.stdout.write(JSON.stringify({ ok: false, error: { code: err.code, kind: err.kind, message: err.message }, inUse: still ? summary(still) : null }, null, 2) + "\n");
    }
    process.stderr.write(`ictsguard: catalog update from ${from} failed: ${err.message}\nictsguard: the catalog in use is still ${inUse}\n`);
    return EXIT_ERROR;
  }
}

type StatusFlags = { output: "table" | "json"; config?: string; catalog?: string; requireFresh?: boolean };

export function catalogStatusCommand(): Command {
  return new Command("status")
    .description("show the catalog in use: version, date, digest, where it came from, its age and whether it is stale")
    .addOption(new Option("-o, --output <format>", "output format").choices(["table", "json"]).default("table"))
    .option("-c, --config <file>", "config file (default: ictsguard.yaml or .ictsguard.yaml in the working directory)")
    .option("--catalog <dir>", "report on this catalog folder instead")
    .option("--require-fresh", "exit 2 when the catalog is stale")
    .action(async (flags: StatusFlags) => {
      const { active } = await resolveCatalogSettings(flags);
      const bundled = active.origin.kind === "installed" ? await loadCatalog() : undefined;
      const newerBundled = bundled?.ok && bundled.catalog.date > active.catalog.date ? bundled.catalog : undefined;
      if (flags.output === "json") {
        const body = {
          ...summary(active),
          ...(active.install ? { install: active.install } : {}),
          ...(newerBundled ? { newerBundled: { version: newerBundled.version, date: newerBundled.date, digest: newerBundled.digest } } : {}),
          warnings: active.warnings,
        };
        process.stdout.write(JSON.stringify(body, null, 2) + "\n");
      } else {
        const c = active.catalog;
        const f = active.freshness;
        const lines: [string, string][] = [
          ["catalog", `${c.version} (${c.date})`],
          ["digest", `sha256:${c.digest}`],
          ["origin", describeOrigin(active)],
          ["path", active.origin.path],
        ];
        if (active.install) {
          const t = active.install.tuf;
          lines.push(["verified", `root v${t.root}, targets v${t.targets}, snapshot v${t.snapshot}, timestamp v${t.timestamp} (expires ${t.timestampExpires})`]);
          lines.push(["trust", `${active.install.trustAnchor.kind === "pinned" ? "the pinned root" : "--trusted-root"} ${active.install.trustAnchor.path}`]);
        }
        lines.push(["age", `${f.ageDays} day${f.ageDays === 1 ? "" : "s"} (maximum ${f.maxAgeDays}): ${active.stale ? "STALE" : "fresh"}`]);
        if (newerBundled) lines.push(["note", `the bundled catalog ${newerBundled.version} (${newerBundled.date}) is newer than the installed one; run ictsguard catalog update`]);
        process.stdout.write(lines.map(([k, v]) => `${k.padEnd(9)} ${v}`).join("\n") + "\n");
        for (const w of active.warnings) process.stderr.write(`ictsguard: warning: ${formatSource(w.source)}: ${w.message}\n`);
      }
      process.exitCode = flags.requireFresh && active.stale ? EXIT_ERROR : EXIT_OK;
    });
}

function summary(a: ActiveCatalog) {
  return {
    version: a.catalog.version,
    date: a.catalog.date,
    digest: a.catalog.digest,
    origin: a.origin,
    ageDays: a.freshness.ageDays,
    maxAgeDays: a.freshness.maxAgeDays,
    stale: a.stale,
  };
}

function describeOrigin(a: ActiveCatalog): string {
  const o = a.origin;
  switch (o.kind) {
    case "installed":
      return `installed from ${o.source} on ${o.installedAt}`;
    case "flag":
      return `${o.source === "config" ? "the config's catalog:" : "--catalog"} ${o.path}`;
    case "bundled":
      return "bundled with ictsguard";
  }
}
