/**
 * @module
 * Every default of the commands' settings, in one place: the CLI options have none of their own
 * (their help text quotes these), and resolveSettings (settings.ts) applies them after the flags
 * and the config file.
 */
import type { Profile } from "../model/catalog.js";
import { DEFAULT_LIMITS, type InputLimits } from "../io/limits.js";

/**
 * The limits every input is read under (src/io/limits.ts; the config file's `limits:` overrides
 * them): a record over `maxRecordChars` characters or a value nested deeper than `maxDepth` is a
 * located error and is skipped, reading goes on; an input read for longer than
 * `maxSecondsPerInput` (0: no limit) ends with a located error.
 */
export const LIMITS: Readonly<InputLimits> = DEFAULT_LIMITS;

export const DEFAULTS = {
  /** Who you are, when neither `--profile` (`--role` for check) nor the config says. */
  profile: "business" satisfies Profile as Profile,
  /** Exit 1 from this status (scan) or decision (check) up. */
  failOn: { scan: "deadline", check: "review" },
  /** The output format when none is given: a table for people, JSON when piped or written to a file. */
  output: { terminal: "table", piped: "json" },
  /** `ictsguard server init`: the site it creates, and that site's profile. */
  server: { site: "default", profile: "business" satisfies Profile as Profile },
  screen: {
    /** The best F1 on the bundled evaluation set (src/screen/eval/pairs.csv; docs/cli.md). */
    threshold: 0.75,
    minScore: 0.5,
    candidates: 3,
  },
  /**
   * Bounds on zip archives, each counted over one input (the archive named and every zip in it);
   * reaching one is a located error (exit 2) and the scan goes on with the next input.
   * The config file's `archive:` overrides them (docs/SECURITY.md).
   */
  archive: {
    /** Zips inside zips are opened down to this depth (the archive named is level 1). */
    maxDepth: 4,
    /** Zip entries, nested ones counted: inventory archives hold a few hundred; a 42.zip-style bomb is stopped here in seconds. */
    maxEntries: 10_000,
    /** Decompressed bytes read out of entries: 64 GiB. */
    maxExpandedBytes: 64 * 1024 ** 3,
    /** Decompressed bytes over the input's size. Deflate alone stays under about 1,032, so only nested zips (a zip bomb) reach it. */
    maxExpansionRatio: 2_000,
    /** Temporary disk written to open zips that are not files (inside zips, standard input, gzip): 1 GiB. */
    maxTempBytes: 1024 ** 3,
  },
} as const;
