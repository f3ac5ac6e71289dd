/**
 * @module
 * Every default of the commands' settings, in one place: the CLI options have none of their own
 * (their help text quotes these), and resolveSettings (settings.ts) applies them after the flags
 * and the config file.
 */
import type { Profile } from "../model/catalog.js";

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
} as const;
