/**
 * @module
 * `ictsguard catalog publish`: for maintainers, build the catalog bundle and the signed TUF
 * repository that `catalog update` reads (see src/catalog/tuf/publish.ts). Keys are made on
 * first use.
 */
import { Command, Option } from "commander";
import { defaultCatalogDir } from "../../catalog/load.js";
import { TOP_ROLES, type TopRole } from "../../catalog/tuf/keys.js";
import { publishRepository } from "../../catalog/tuf/publish.js";
import { UsageError } from "../../scan/index.js";
import { EXIT_OK } from "../exit-codes.js";

type PublishFlags = {
  keys: string;
  out: string;
  catalog?: string;
  threshold: string[];
  expires: string[];
  rotateRoot?: boolean;
  rotateKeys?: string;
  timestampOnly?: boolean;
  output: "text" | "json";
};

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function catalogPublishCommand(): Command {
  return new Command("publish")
    .description("build the catalog bundle and sign a TUF repository of it (maintainers); makes the keys on first use")
    .requiredOption("--keys <dir>", "folder of signing keys, one subfolder per role (created with new keys on first use; keep keys/root offline)")
    .requiredOption("--out <dir>", "the repository folder to create or extend (serve it over HTTPS, or copy it for air-gapped sites)")
    .option("--catalog <dir>", "catalog folder to publish (default: the bundled catalog/)")
    .option("--threshold <n|role=n>", "signatures required, for every role (n) or one role (root=2); repeatable", collect, [])
    .option("--expires <role=days>", `days until a role's new metadata expires (defaults: root 365, targets 90, snapshot 30, timestamp 7); repeatable`, collect, [])
    .option("--rotate-root", "replace the root keys with new ones: the new root is signed by the old and the new keys")
    .option("--rotate-keys <roles>", "replace the keys of these roles (comma-separated: root,targets,snapshot,timestamp)")
    .option("--timestamp-only", "only re-sign the timestamp (routine; needs only the timestamp keys)")
    .addOption(new Option("-o, --output <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (flags: PublishFlags) => {
      const rotate = new Set<TopRole>(flags.rotateRoot ? ["root"] : []);
      for (const r of (flags.rotateKeys ?? "").split(",").map((s) => s.trim()).filter(Boolean)) rotate.add(role(r, "--rotate-keys"));
      const result = await publishRepository({
        catalogDir: flags.catalog ?? defaultCatalogDir(),
        keysDir: flags.keys,
        outDir: flags.out,
        ...(flags.threshold.length > 0 ? { thresholds: parseThresholds(flags.threshold) } : {}),
        ...(flags.expires.length > 0 ? { expiresDays: parseExpires(flags.expires) } : {}),
        rotate: [...rotate],
        ...(flags.timestampOnly ? { timestampOnly: true } : {}),
      });
      if (flags.output === "json") {
        const keys = (list: typeof result.keysCreated) => list.map((k) => ({ role: k.role, keyid: k.keyid, file: k.file }));
        process.stdout.write(JSON.stringify({ ...result, keysCreated: keys(result.keysCreated), keysRetired: keys(result.keysRetired) }, null, 2) + "\n");
      } else {
        const v = result.versions;
        const lines = [
          `${result.newRepository ? "created" : "updated"} repository ${flags.out}: root v${v.root}${result.rootChanged ? " (new)" : ""}, targets v${v.targets}, snapshot v${v.snapshot}, timestamp v${v.timestamp}`,
        ];
        if (result.target) lines.push(`target ${result.target.path}: catalog ${result.target.version} (${result.target.date}) sha256:${result.target.digest}, ${result.target.length} bytes`);
        lines.push(`expires: ${TOP_ROLES.map((r) => `${r} ${result.expires[r]}`).join(", ")}`);
        for (const k of result.keysCreated) lines.push(`new ${k.role} key ${k.keyid.slice(0, 16)}: ${k.file}`);
        for (const k of result.keysRetired) lines.push(`retired ${k.role} key ${k.keyid.slice(0, 16)} (moved to ${flags.keys}/retired/${k.role}/)`);
        if (result.newRepository) lines.push(`clients trust ${flags.out}/metadata/1.root.json (pin it, or pass it to catalog update --trusted-root)`);
        for (const w of result.warnings) lines.push(`warning: ${w}`);
        process.stdout.write(lines.join("\n") + "\n");
      }
      process.exitCode = EXIT_OK;
    });
}

function role(value: string, option: string): TopRole {
  if (!(TOP_ROLES as readonly string[]).includes(value)) throw new UsageError(`${option}: unknown role "${value}" (expected ${TOP_ROLES.join(", ")})`);
  return value as TopRole;
}

function positiveInt(value: string, option: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`${option}: "${value}" is not a whole number of at least 1`);
  return n;
}

function parseThresholds(specs: string[]): Partial<Record<TopRole, number>> {
  const out: Partial<Record<TopRole, number>> = {};
  for (const spec of specs) {
    const [k, v] = spec.includes("=") ? spec.split("=", 2) : [undefined, spec];
    const n = positiveInt(v!.trim(), "--threshold");
    if (k === undefined) for (const r of TOP_ROLES) out[r] = n;
    else out[role(k.trim(), "--threshold")] = n;
  }
  return out;
}

function parseExpires(specs: string[]): Partial<Record<TopRole, number>> {
  const out: Partial<Record<TopRole, number>> = {};
  for (const spec of specs) {
    const [k, v] = spec.split("=", 2);
    if (v === undefined) throw new UsageError(`--expires: expected role=days, e.g. timestamp=7 (got "${spec}")`);
    out[role(k!.trim(), "--expires")] = positiveInt(v.trim(), "--expires");
  }
  return out;
}
