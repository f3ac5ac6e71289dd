/**
 * @module
 * The configuration file: defaults for `scan` (profile, fail-on, output) and exceptions
 * (accepted findings, each with a reason, an author and an expiry date). Looked up in the working
 * directory as `ictsguard.yaml`, `.ictsguard.yaml` or `.ictsguard.yml`, or given with `--config`.
 * Its schema and parser (./file.ts, with zod and the YAML parser) load only when there is a file.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { IctsError } from "../model/errors.js";
import type { Config } from "./file.js";

export type { Config };

export const CONFIG_FILE_NAMES = ["ictsguard.yaml", ".ictsguard.yaml", ".ictsguard.yml"] as const;

/**
 * What `Config` gives for an empty file (`Config.parse({})`; index.test.ts holds them equal): a
 * new object each time, as parsing gave, so that no caller changes another's.
 */
export function emptyConfig(): Config {
  return { exceptions: [] };
}

export type LoadedConfig = { path?: string; config: Config };

/** Finds and reads the config: the given path (which must exist), else the first default name in `cwd`. */
export async function loadConfig(explicit: string | undefined, cwd: string = process.cwd()): Promise<LoadedConfig> {
  const path = explicit ?? CONFIG_FILE_NAMES.map((n) => join(cwd, n)).find((p) => existsSync(p));
  if (!path) return { config: emptyConfig() };
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new IctsError("config/read", `cannot read config file ${path}: ${(err as Error).message}`, { cause: err });
  }
  return { path, config: (await import("./file.js")).parseConfig(text, path) };
}
