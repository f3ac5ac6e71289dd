/**
 * @module
 * Settings resolution, one function for every command (`scan`, `check`, `screen`, and later
 * `serve`): flags override the config file, which overrides DEFAULTS (defaults.ts). It finds the
 * config file, resolves the catalog as every command must (the `--catalog` flag or the config's
 * `catalog:`, else the signed update installed under ICTSGUARD_HOME, else the bundled one: see
 * src/catalog/active.ts), judges its freshness (`--require-fresh` fails on a stale one), and
 * picks the profile, the date, the output format (a table on a terminal, JSON when piped or
 * written to a file), colours, the fail-on threshold, the exceptions and the screen settings.
 */
import { resolveActiveCatalog, type ActiveCatalog } from "../catalog/active.js";
import type { Catalog, Profile } from "../model/catalog.js";
import type { ExceptionRule } from "../model/exception.js";
import { IctsError } from "../model/errors.js";
import type { AllowEntry } from "../model/screen-settings.js";
import { parseAsOf, today, type AsOf } from "../policy/time.js";
import { ictsguardHome } from "../util/home.js";
import { DEFAULTS } from "./defaults.js";
import { loadConfig, type Config } from "./index.js";

export type SettingsCommand = "scan" | "check" | "screen" | "serve";

/** The flags every command shares the meaning of (each command has only some of them). */
export type SettingsFlags<Format extends string = string, FailOn extends string = string> = {
  /** `--config FILE`. */
  config?: string | undefined;
  /** `--catalog DIR`. */
  catalog?: string | undefined;
  requireFresh?: boolean | undefined;
  /** `--profile` (scan), `--role` (check). */
  profile?: string | undefined;
  /** `--as-of` (scan), `--date` (check): YYYY-MM-DD or an instant with an offset. */
  asOf?: string | undefined;
  failOn?: FailOn | undefined;
  output?: Format | undefined;
  outputFile?: string | undefined;
  /** false with `--no-color`. */
  color?: boolean | undefined;
  /** `screen`: the raw `--threshold`, `--candidates`, `--min-score` and `--list` values. */
  threshold?: string | undefined;
  candidates?: string | undefined;
  minScore?: string | undefined;
  lists?: string[] | undefined;
};

/** Where the command runs: tests give their own. */
export type SettingsContext = {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Whether standard output is a terminal (default: process.stdout.isTTY). */
  stdoutIsTTY?: boolean;
  now?: Date;
};

export type ScreenSettingsResolved = {
  threshold: number;
  /** Candidates shown per input. */
  candidates: number;
  /** Candidates under this score are not shown (never above the threshold). */
  minScore: number;
  /** Lists to screen against; undefined is the catalog and every imported list. */
  lists?: string[];
  /** The config's `screen.allow` entries, each naming the config file it came from. */
  allow: (AllowEntry & { file?: string })[];
};

export type Settings<Format extends string = string, FailOn extends string = string> = {
  config: Config;
  /** The config file read, if any. */
  configPath?: string;
  catalog: Catalog;
  /** Where the catalog came from, how old it is, and what to warn about. */
  active: ActiveCatalog;
  requireFresh: boolean;
  /**
   * The profile in force, and whether a flag or the config named it (check requires that; its
   * `--role` may also be `exporter`, which is a role and not a scan profile, and is passed on as given).
   */
  profile: Profile;
  profileGiven: boolean;
  /** The date to judge on as given, else today. */
  date: string;
  /** The date parsed (throws a usage error for a bad one). */
  asOf(): AsOf;
  /** The real date on this machine, for the expiry of exceptions and allow-list entries. */
  today: string;
  output: { format: Format; toFile: boolean; color: boolean };
  failOn: FailOn;
  exceptions: readonly ExceptionRule[];
  /** For `screen` only. */
  screen?: ScreenSettingsResolved;
};

/** The config file and the catalog in use: what every command needs, `catalog list` included. */
export async function resolveCatalogSettings(
  flags: Pick<SettingsFlags, "config" | "catalog">,
  context: SettingsContext = {},
): Promise<{ config: Config; configPath?: string; active: ActiveCatalog }> {
  const { config, path: configPath } = await loadConfig(flags.config, context.cwd);
  return { config, ...(configPath ? { configPath } : {}), active: await activeCatalog(flags, config, context) };
}

function activeCatalog(flags: Pick<SettingsFlags, "catalog">, config: Config, context: SettingsContext): Promise<ActiveCatalog> {
  return resolveActiveCatalog({
    flag: flags.catalog,
    config,
    home: ictsguardHome(context.env ?? process.env),
    ...(context.now ? { now: context.now } : {}),
  });
}

/**
 * Resolves a command's settings. Throws an IctsError (exit 2) for a stale catalog under
 * `--require-fresh`, a bad config file, or a bad screen threshold or count.
 */
export async function resolveSettings<Format extends string = string, FailOn extends string = string>(
  command: SettingsCommand,
  flags: SettingsFlags<Format, FailOn>,
  context: SettingsContext = {},
): Promise<Settings<Format, FailOn>> {
  const env = context.env ?? process.env;
  const { config, path: configPath } = await loadConfig(flags.config, context.cwd);
  // usage errors in the flags before the (slower) catalog is loaded
  const screen = command === "screen" ? resolveScreen(flags, config, configPath) : undefined;
  const active = await activeCatalog(flags, config, context);
  const requireFresh = flags.requireFresh === true;
  if (requireFresh && active.stale) {
    const stale = active.warnings.find((w) => w.code === "catalog/stale");
    throw new IctsError("catalog/stale", `--require-fresh: ${stale?.message ?? "the catalog is stale"}`);
  }
  const given = (flags.profile ?? config.profile) as Profile | undefined;
  const now = context.now ?? new Date();
  const date = flags.asOf ?? today(now);
  const toFile = flags.outputFile !== undefined;
  const tty = context.stdoutIsTTY ?? process.stdout.isTTY === true;
  // the config's `output:` and `failOn:` are the scan's (their values are scan formats and statuses)
  const configured = command === "scan" ? (config.output as Format | undefined) : undefined;
  const format = flags.output ?? configured ?? ((tty && !toFile ? DEFAULTS.output.terminal : DEFAULTS.output.piped) as Format);
  const failOn =
    flags.failOn ??
    (command === "scan" ? ((config.failOn as FailOn | undefined) ?? (DEFAULTS.failOn.scan as FailOn)) : (DEFAULTS.failOn.check as FailOn));
  return {
    config,
    ...(configPath ? { configPath } : {}),
    catalog: active.catalog,
    active,
    requireFresh,
    profile: given ?? DEFAULTS.profile,
    profileGiven: given !== undefined,
    date,
    asOf: () => parseAsOf(date),
    today: today(now),
    output: { format, toFile, color: format === "table" && !toFile && flags.color !== false && tty && !env.NO_COLOR },
    failOn,
    exceptions: config.exceptions,
    ...(screen ? { screen } : {}),
  };
}

/** The config file's screen settings as `screen` resolves them without flags: what `serve` screens counterparties and `POST /screen` with. */
export function configScreenSettings(config: Config, configPath: string | undefined): ScreenSettingsResolved {
  return resolveScreen({}, config, configPath);
}

function resolveScreen(flags: SettingsFlags, config: Config, configPath: string | undefined): ScreenSettingsResolved {
  const settings = config.screen;
  const threshold = flags.threshold !== undefined ? score(flags.threshold, "--threshold") : (settings?.threshold ?? DEFAULTS.screen.threshold);
  const candidates = flags.candidates !== undefined ? Number(flags.candidates) : DEFAULTS.screen.candidates;
  if (!Number.isInteger(candidates) || candidates < 1) throw new IctsError("usage/candidates", `--candidates must be a whole number of at least 1, got "${flags.candidates}"`);
  const minScore = Math.min(flags.minScore !== undefined ? score(flags.minScore, "--min-score") : DEFAULTS.screen.minScore, threshold);
  const lists = flags.lists ?? settings?.lists;
  return {
    threshold,
    candidates,
    minScore,
    ...(lists ? { lists } : {}),
    allow: (settings?.allow ?? []).map((e) => ({ ...e, ...(configPath ? { file: configPath } : {}) })),
  };
}

function score(value: string, what: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 1) throw new IctsError("usage/score", `${what} must be a number from 0 to 1, got "${value}"`);
  return n;
}

export type LoadActiveCatalogOptions = {
  /** A catalog folder, as `--catalog` (default: the config's `catalog:`, the installed update, the bundled catalog). */
  catalog?: string;
  /** A config file, as `--config` (default: ictsguard.yaml or .ictsguard.yaml in `cwd`). */
  config?: string;
} & SettingsContext;

/**
 * The catalog `ictsguard scan` would use, loaded and validated, ready for createScanner: the
 * folder named (option, else the config's `catalog:`), else the signed update installed under
 * ICTSGUARD_HOME (re-verified), else the bundled catalog.
 */
export async function loadActiveCatalog(options: LoadActiveCatalogOptions = {}): Promise<Catalog> {
  return (await resolveCatalogSettings(options, options)).active.catalog;
}
