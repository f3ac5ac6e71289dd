/**
 * @module
 * The configuration file: defaults for `scan` (profile, fail-on, output) and exceptions
 * (accepted findings, each with a reason, an author and an expiry date). Looked up in the working
 * directory as `ictsguard.yaml`, `.ictsguard.yaml` or `.ictsguard.yml`, or given with `--config`.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { lazyRequire } from "../util/lazy-require.js";
import { z } from "zod";
import { PROFILES } from "../model/catalog.js";
import { STATUSES } from "../model/finding.js";
import { ExceptionRule } from "../model/exception.js";
import { IctsError } from "../model/issue.js";
import { ScreenSettings } from "../model/screen-settings.js";
import { ServerConfig } from "./server-auth.js";

/** Loaded only when there is a config file to read. */
const yaml = lazyRequire<typeof import("yaml")>("yaml");

export const CONFIG_FILE_NAMES = ["ictsguard.yaml", ".ictsguard.yaml", ".ictsguard.yml"] as const;

export { ExceptionRule };

export const Config = z
  .object({
    profile: z.enum(PROFILES as [string, ...string[]]).optional(),
    failOn: z.enum([...STATUSES, "none"]).optional(),
    output: z.enum(["table", "json", "sarif", "csv"]).optional(),
    catalog: z.string().optional(),
    /** The TUF repository `catalog update` reads (URL or folder) when `--from` is not given. */
    updateUrl: z.string().min(1).optional(),
    /** A trusted root other than the package's pinned one, for a private mirror. */
    trustedRoot: z.string().min(1).optional(),
    /** Days after its date a catalog counts as stale (scans warn; `--require-fresh` fails). */
    catalogMaxAgeDays: z.number().int().positive().optional(),
    exceptions: z.array(ExceptionRule).default([]),
    /** Bounds on zip archives per input (src/config/defaults.ts DEFAULTS.archive; docs/SECURITY.md). */
    archive: z
      .object({
        maxDepth: z.number().int().min(1).max(64).optional(),
        maxEntries: z.number().int().positive().optional(),
        maxExpandedBytes: z.number().int().positive().optional(),
        maxExpansionRatio: z.number().positive().optional(),
        maxTempBytes: z.number().int().nonnegative().optional(),
      })
      .strict()
      .optional(),
    /** Resource limits on inputs (defaults: LIMITS in defaults.ts; docs/cli.md). */
    limits: z
      .object({
        maxRecordChars: z.number().int().min(1024),
        maxDepth: z.number().int().min(16),
        maxSecondsPerInput: z.number().min(0),
      })
      .partial()
      .strict()
      .optional(),
    /** `ictsguard screen`: default threshold and lists, and the allow-list of decided false positives. */
    screen: ScreenSettings.optional(),
    /** `ictsguard serve`: OpenID Connect sign-in, sessions, public URL (src/config/server-auth.ts; docs/server.md). */
    server: ServerConfig.optional(),
  })
  .strict();
export type Config = z.infer<typeof Config>;

export type LoadedConfig = { path?: string; config: Config };

/** Finds and reads the config: the given path (which must exist), else the first default name in `cwd`. */
export function loadConfig(explicit: string | undefined, cwd: string = process.cwd()): LoadedConfig {
  const path = explicit ?? CONFIG_FILE_NAMES.map((n) => join(cwd, n)).find((p) => existsSync(p));
  if (!path) return { config: Config.parse({}) };
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new IctsError("config/read", `cannot read config file ${path}: ${(err as Error).message}`, { cause: err });
  }
  return { path, config: parseConfig(text, path) };
}

export function parseConfig(text: string, file: string): Config {
  const { LineCounter, parseDocument, isNode } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new IctsError("config/yaml", `${file}:${e.linePos?.[0]?.line ?? 1}: invalid YAML: ${e.message.split("\n")[0]}`);
  }
  let value: unknown;
  try {
    // yaml refuses a document whose aliases expand past maxAliasCount (a "billion laughs" bomb)
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new IctsError("config/yaml", `${file}:1: invalid YAML: ${(err as Error).message.split("\n")[0]}`, { cause: err });
  }
  const result = Config.safeParse(value ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const node = doc.getIn(issue.path as (string | number)[], true);
    const line = isNode(node) && node.range ? lineCounter.linePos(node.range[0]).line : 1;
    return `${file}:${line}: ${issue.path.join(".") || "(top)"}: ${issue.message}`;
  });
  throw new IctsError("config/invalid", `invalid config file:\n  ${problems.join("\n  ")}`);
}
