/**
 * @module
 * Where imported lists live: one JSON file per list under ICTSGUARD_HOME/lists/, holding where
 * the list came from (files, sizes, sha256), when it was imported, its counts and its entries.
 *
 * Why JSON and not SQLite: screening holds every name of the lists it screens against in memory
 * anyway (the candidate index and the token statistics are built from all of them), so an index
 * on disk would be read whole at every start; a JSON file of the full SDN list (about 9,000
 * entries, 12,000 aliases) is a few MiB and loads in a fraction of the time the index takes to
 * build. Files are written to a temporary name and renamed, so a list is never half-written.
 */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { IctsError } from "../../model/issue.js";
import { ictsguardHome } from "../../util/home.js";
import { privateDir, writePrivateFileAtomic } from "../../util/private-fs.js";
import { StoredList } from "../model.js";

export function listsDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(ictsguardHome(env), "lists");
}

export function listPath(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(listsDir(env), `${name}.json`);
}

export function writeList(list: StoredList, env: NodeJS.ProcessEnv = process.env): string {
  const dir = listsDir(env);
  privateDir(ictsguardHome(env), dir); // 0700 folders and a 0600 file, whatever the umask
  const path = listPath(list.name, env);
  writePrivateFileAtomic(path, JSON.stringify(StoredList.parse(list)) + "\n");
  return path;
}

/** Names of the imported lists, sorted. */
export function listNames(env: NodeJS.ProcessEnv = process.env): string[] {
  try {
    return readdirSync(listsDir(env))
      .filter((f) => f.endsWith(".json"))
      .map((f) => f.slice(0, -".json".length))
      .sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
}

export function readList(name: string, env: NodeJS.ProcessEnv = process.env): StoredList {
  const path = listPath(name, env);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      const known = listNames(env);
      throw new IctsError("list/unknown", `no imported list named "${name}" (imported: ${known.length ? known.join(", ") : "none"}; see ictsguard lists import)`);
    }
    throw new IctsError("list/read", `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new IctsError("list/corrupt", `${path}: not valid JSON (${(err as Error).message}); import the list again`);
  }
  const parsed = StoredList.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new IctsError("list/corrupt", `${path}: ${issue.path.join(".") || "(top)"}: ${issue.message}; import the list again`);
  }
  return parsed.data;
}

export function removeList(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const path = listPath(name, env);
  try {
    rmSync(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw err;
  }
}
