/**
 * @module
 * The configuration file's schema and its parser, with line numbers for every problem. Loaded
 * by ./index.ts only when there is a file to read.
 */
import * as z from "zod";
import { PROFILES } from "../model/vocabulary.js";
import { STATUSES } from "../model/finding.js";
import { ExceptionRule } from "../model/exception.js";
import { IctsError } from "../model/errors.js";
import { excerpt } from "../io/limits.js";
import { ScreenSettings } from "../model/screen-settings.js";
import { lazyRequire } from "../util/lazy-require.js";
import { ServerConfig } from "./server-auth.js";

const yaml = lazyRequire<typeof import("yaml")>("yaml");

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
        maxGzipRatio: z.number().min(0),
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

/**
 * Largest config file read. A config is a few kilobytes (hundreds of exceptions fit in 100 kB);
 * the YAML parser's memory and time grow with the document (a 4 MB file ran a 512 MB heap out of
 * memory), so a larger file is refused before it is parsed.
 */
export const MAX_CONFIG_CHARS = 1 << 20;
/** Problems listed in one config/invalid error; the rest are counted. */
const PROBLEMS_LISTED = 20;

export function parseConfig(text: string, file: string): Config {
  if (text.length > MAX_CONFIG_CHARS) {
    throw new IctsError("config/too-large", `${file}:1: the config file has ${text.length.toLocaleString("en-US")} characters, over the limit of ${MAX_CONFIG_CHARS.toLocaleString("en-US")}: is this the right file?`);
  }
  const { LineCounter, parseDocument, isNode } = yaml();
  const lineCounter = new LineCounter();
  // prettyErrors off: it quotes each error's whole line, which is quadratic on one long line of errors (a quote storm)
  // and no stack traces while parsing: a quote storm makes one error object per quote, and capturing
  // their stacks was most of the time (only the first error's message is used)
  const traces = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false });
  } finally {
    Error.stackTraceLimit = traces;
  }
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const more = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more YAML errors)` : "";
    throw new IctsError("config/yaml", `${file}:${lineCounter.linePos(e.pos[0]).line}: invalid YAML: ${excerpt(e.message.split("\n")[0]!, 200)}${more}`);
  }
  let value: unknown;
  try {
    // yaml refuses a document whose aliases expand past maxAliasCount (a "billion laughs" bomb)
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new IctsError("config/yaml", `${file}:1: invalid YAML: ${excerpt((err as Error).message.split("\n")[0]!, 200)}`, { cause: err });
  }
  const result = Config.safeParse(value ?? {});
  if (result.success) return result.data;
  // a few located problems, each cut and escaped (a message may quote a value from the file), then a count
  const issues = result.error.issues;
  const problems = issues.slice(0, PROBLEMS_LISTED).map((issue) => {
    const node = doc.getIn(issue.path as (string | number)[], true);
    const line = isNode(node) && node.range ? lineCounter.linePos(node.range[0]).line : 1;
    return `${file}:${line}: ${excerpt(issue.path.join("."), 80) || "(top)"}: ${excerpt(issue.message, 200)}`;
  });
  if (issues.length > PROBLEMS_LISTED) problems.push(`${file}: and ${issues.length - PROBLEMS_LISTED} more problems`);
  throw new IctsError("config/invalid", `invalid config file:\n  ${problems.join("\n  ")}`);
}
