/**
 * @module
 * Where imported lists live: one file per list under ICTSGUARD_HOME/lists/, `<name>.jsonl`.
 * Its first line is the list's header (where it came from: files, sizes, sha256; when it was
 * imported; its counts), then one entity a line.
 *
 * Why JSON lines: a list of millions of entries is written as it is read (the importer never
 * holds it whole) and read back one entry at a time, so neither import nor load needs the whole
 * document in memory at once, and the header (all `ictsguard lists` shows) is one short line.
 * Lists stored by earlier versions (`<name>.json`, one JSON document, layout 1) are still read.
 *
 * Writes are atomic: the entries go to a temporary file, the header and the entries to a second
 * one, which is renamed over the list; a list is never half-written, and an import that fails
 * or is refused leaves the old list as it was. Files are private to the user (0600, folder 0700).
 */
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { IctsError } from "../../model/errors.js";
import { ictsguardHome } from "../../util/home.js";
import { privateDir } from "../../util/private-fs.js";
import { ListHeader, ScreenEntity, StoredListV1, type StoredList } from "../model.js";

const EXT = ".jsonl";
const LEGACY_EXT = ".json";
const CHUNK = 1 << 20;

export function listsDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(ictsguardHome(env), "lists");
}

export function listPath(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(listsDir(env), `${name}${EXT}`);
}

function legacyPath(name: string, env: NodeJS.ProcessEnv): string {
  return join(listsDir(env), `${name}${LEGACY_EXT}`);
}

/** A list being written: entities go to a temporary file as they come; `commit` makes it the list. */
export type ListWriter = {
  add(entity: ScreenEntity): void;
  /** Entities written so far. */
  readonly count: number;
  /** Writes the header and the entities to the list's file (atomically) and returns its path. */
  commit(header: Omit<ListHeader, "version">): string;
  /** Forgets what was written; the stored list (if any) is left as it was. */
  abort(): void;
};

export function openListWriter(name: string, env: NodeJS.ProcessEnv = process.env): ListWriter {
  const dir = listsDir(env);
  privateDir(ictsguardHome(env), dir); // 0700 folders, whatever the umask (files are opened 0600, which no umask widens)
  const path = listPath(name, env);
  const bodyPath = `${path}.${process.pid}.body.tmp`;
  const fd = openSync(bodyPath, "w", 0o600);
  let open = true;
  let buffer = "";
  let count = 0;
  const flush = () => {
    if (buffer) writeSync(fd, buffer);
    buffer = "";
  };
  const close = () => {
    if (!open) return;
    open = false;
    closeSync(fd);
  };
  return {
    add(entity) {
      buffer += JSON.stringify(entity) + "\n";
      count++;
      if (buffer.length >= CHUNK) flush();
    },
    get count() {
      return count;
    },
    commit(header) {
      flush();
      close();
      const tmp = `${path}.${process.pid}.tmp`;
      try {
        const out = openSync(tmp, "w", 0o600);
        try {
          writeSync(out, JSON.stringify(ListHeader.parse({ version: 2, ...header })) + "\n");
          const input = openSync(bodyPath, "r");
          try {
            const buf = Buffer.allocUnsafe(CHUNK);
            for (let n; (n = readSync(input, buf, 0, CHUNK, null)) > 0; ) writeSync(out, buf, 0, n);
          } finally {
            closeSync(input);
          }
        } finally {
          closeSync(out);
        }
        renameSync(tmp, path);
      } finally {
        rmSync(tmp, { force: true });
        rmSync(bodyPath, { force: true });
      }
      rmSync(legacyPath(name, env), { force: true });
      return path;
    },
    abort() {
      close();
      rmSync(bodyPath, { force: true });
    },
  };
}

/** Stores a list held in memory (tests, small lists). */
export function writeList(list: StoredList, env: NodeJS.ProcessEnv = process.env): string {
  const writer = openListWriter(list.name, env);
  try {
    for (const e of list.entities) writer.add(e);
  } catch (err) {
    writer.abort();
    throw err;
  }
  const { entities: _entities, version: _version, ...header } = list;
  return writer.commit(header);
}

/** Names of the imported lists, sorted. */
export function listNames(env: NodeJS.ProcessEnv = process.env): string[] {
  try {
    const names = new Set<string>();
    for (const f of readdirSync(listsDir(env))) {
      if (f.endsWith(EXT)) names.add(f.slice(0, -EXT.length));
      else if (f.endsWith(LEGACY_EXT)) names.add(f.slice(0, -LEGACY_EXT.length));
    }
    return [...names].sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
}

function unknown(name: string, env: NodeJS.ProcessEnv): IctsError {
  const known = listNames(env);
  return new IctsError("list/unknown", `no imported list named "${name}" (imported: ${known.length ? known.join(", ") : "none"}; see ictsguard lists import)`);
}

function corrupt(path: string, what: string): IctsError {
  return new IctsError("list/corrupt", `${path}: ${what}; import the list again`);
}

function zodProblem(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  const issue = error.issues[0]!;
  return `${issue.path.map(String).join(".") || "(top)"}: ${issue.message}`;
}

/** Lines of a file, read in 1 MiB chunks (a list of millions of lines is never read whole). */
function* fileLines(path: string): Generator<{ text: string; line: number }> {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    const decoder = new TextDecoder("utf-8");
    let rest = "";
    let line = 0;
    for (let n; (n = readSync(fd, buf, 0, CHUNK, null)) > 0; ) {
      const text = rest + decoder.decode(buf.subarray(0, n), { stream: true });
      let start = 0;
      for (let nl; (nl = text.indexOf("\n", start)) >= 0; start = nl + 1) yield { text: text.slice(start, nl), line: ++line };
      rest = text.slice(start);
    }
    rest += decoder.decode();
    if (rest) yield { text: rest, line: ++line };
  } finally {
    closeSync(fd);
  }
}

function readLegacy(name: string, env: NodeJS.ProcessEnv): StoredList {
  const path = legacyPath(name, env);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw corrupt(path, `not valid JSON (${(err as Error).message})`);
  }
  const parsed = StoredListV1.safeParse(json);
  if (!parsed.success) throw corrupt(path, zodProblem(parsed.error));
  return parsed.data;
}

/** The header of an imported list (its source, date and counts), without reading its entries. */
export function readListHeader(name: string, env: NodeJS.ProcessEnv = process.env): ListHeader | (Omit<ListHeader, "version"> & { version: 1 }) {
  const path = listPath(name, env);
  if (!existsSync(path)) {
    if (existsSync(legacyPath(name, env))) {
      const { entities: _entities, ...header } = readLegacy(name, env);
      return header;
    }
    throw unknown(name, env);
  }
  const first = fileLines(path).next();
  if (first.done) throw corrupt(path, "empty file");
  let json: unknown;
  try {
    json = JSON.parse(first.value.text);
  } catch (err) {
    throw corrupt(path, `line 1: not valid JSON (${(err as Error).message})`);
  }
  const parsed = ListHeader.safeParse(json);
  if (!parsed.success) throw corrupt(path, `line 1: ${zodProblem(parsed.error)}`);
  return parsed.data;
}

/**
 * The entities of an imported list, one at a time, in the order they were imported. Each line is
 * checked for the fields screening relies on (a full schema check of millions of entries would
 * cost more than the load); a damaged file is an error naming its line.
 */
export function* listEntities(name: string, env: NodeJS.ProcessEnv = process.env): Generator<ScreenEntity> {
  const path = listPath(name, env);
  if (!existsSync(path)) {
    if (existsSync(legacyPath(name, env))) return yield* readLegacy(name, env).entities;
    throw unknown(name, env);
  }
  let expected: number | undefined;
  let n = 0;
  for (const { text, line } of fileLines(path)) {
    if (line === 1) {
      expected = readListHeader(name, env).counts.entries;
      continue;
    }
    if (!text) continue;
    let e: ScreenEntity;
    try {
      e = JSON.parse(text) as ScreenEntity;
    } catch (err) {
      throw corrupt(path, `line ${line}: not valid JSON (${(err as Error).message})`);
    }
    if (!looksLikeEntity(e)) {
      const parsed = ScreenEntity.safeParse(e);
      throw corrupt(path, `line ${line}: ${parsed.success ? "not an entity" : zodProblem(parsed.error)}`);
    }
    n++;
    yield e;
  }
  if (expected !== undefined && n !== expected) throw corrupt(path, `${n} entries where the header says ${expected} (cut off?)`);
}

/**
 * An imported list's file held open, its entities read where they are: screening a list of
 * millions of entries keeps their names in its index and reads an entry back (by the byte
 * offset and length `entries` gave) only when one is reported. The file stays open so that a
 * list imported again meanwhile (its file renamed over) does not change what the offsets point at.
 */
export type StoredListFile = {
  readonly path: string;
  readonly header: ListHeader;
  /** Bytes in the file: the last entry ends there. */
  readonly size: number;
  /** The entities in order, each with where its line is; the same checks as listEntities. */
  entries(): Generator<{ entity: ScreenEntity; offset: number; length: number }>;
  /** The entity at `offset` (`length` bytes), as `entries` gave it. */
  read(offset: number, length: number): ScreenEntity;
  close(): void;
};

/** The list's file held open for reading entries by offset, or undefined for a list in the old single-document layout (read it whole). */
export function openStoredList(name: string, env: NodeJS.ProcessEnv = process.env): StoredListFile | undefined {
  const path = listPath(name, env);
  if (!existsSync(path)) {
    if (existsSync(legacyPath(name, env))) return undefined;
    throw unknown(name, env);
  }
  const header = readListHeader(name, env);
  if (header.version !== 2) return undefined;
  const fd = openSync(path, "r");
  const size = fstatSync(fd).size;
  let open = true;
  const parse = (text: string, line: number | undefined): ScreenEntity => {
    const where = line === undefined ? "an entry" : `line ${line}`;
    let e: ScreenEntity;
    try {
      e = JSON.parse(text) as ScreenEntity;
    } catch (err) {
      throw corrupt(path, `${where}: not valid JSON (${(err as Error).message})`);
    }
    if (!looksLikeEntity(e)) {
      const parsed = ScreenEntity.safeParse(e);
      throw corrupt(path, `${where}: ${parsed.success ? "not an entity" : zodProblem(parsed.error)}`);
    }
    return e;
  };
  return {
    path,
    header,
    size,
    *entries() {
      let n = 0;
      for (const { bytes, offset, line } of byteLines(fd)) {
        if (line === 1 || bytes.length === 0) continue;
        n++;
        yield { entity: parse(bytes.toString("utf8"), line), offset, length: bytes.length };
      }
      if (n !== header.counts.entries) throw corrupt(path, `${n} entries where the header says ${header.counts.entries} (cut off?)`);
    },
    read(offset, length) {
      if (!open) throw new Error(`${path}: read after close`);
      const buf = Buffer.allocUnsafe(length);
      let got = 0;
      while (got < length) {
        const n = readSync(fd, buf, got, length - got, offset + got);
        if (n === 0) throw corrupt(path, `an entry at byte ${offset} is cut off`);
        got += n;
      }
      return parse(buf.toString("utf8"), undefined);
    },
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}

/**
 * Lines of an open file as bytes, with the byte offset each starts at, read from the start in
 * 1 MiB chunks into one buffer that is reused (an unfinished line is moved to its front), so
 * reading a list of hundreds of megabytes allocates no buffer per chunk. A line is valid until
 * the next is asked for.
 */
function* byteLines(fd: number): Generator<{ bytes: Buffer; offset: number; line: number }> {
  let buf = Buffer.allocUnsafe(2 * CHUNK);
  let kept = 0; // bytes of an unfinished line at the front of buf
  let keptOffset = 0;
  let position = 0;
  let line = 0;
  for (;;) {
    if (buf.length - kept < CHUNK) {
      // a line longer than the buffer: a larger one
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, kept);
      buf = bigger;
    }
    const n = readSync(fd, buf, kept, buf.length - kept, position);
    if (n === 0) break;
    position += n;
    const end = kept + n;
    let start = 0;
    for (let nl; (nl = buf.indexOf(10, start)) >= 0 && nl < end; start = nl + 1) yield { bytes: buf.subarray(start, nl), offset: keptOffset + start, line: ++line };
    buf.copy(buf, 0, start, end);
    keptOffset += start;
    kept = end - start;
  }
  if (kept > 0) yield { bytes: buf.subarray(0, kept), offset: keptOffset, line: ++line };
}

function looksLikeEntity(e: unknown): e is ScreenEntity {
  if (typeof e !== "object" || e === null) return false;
  const v = e as Record<string, unknown>;
  return (
    typeof v.id === "string" &&
    v.id !== "" &&
    typeof v.name === "string" &&
    v.name !== "" &&
    (v.schema === "organization" || v.schema === "person" || v.schema === "vessel" || v.schema === "aircraft") &&
    Array.isArray(v.aliases) &&
    Array.isArray(v.countries) &&
    Array.isArray(v.addresses) &&
    Array.isArray(v.programs) &&
    (v.aliases as unknown[]).every((a) => typeof a === "object" && a !== null && typeof (a as { name?: unknown }).name === "string" && typeof (a as { kind?: unknown }).kind === "string")
  );
}

/** An imported list with all its entries in memory (small lists, tests, the screening eval). */
export function readList(name: string, env: NodeJS.ProcessEnv = process.env): StoredList {
  const header = readListHeader(name, env);
  return { ...header, entities: [...listEntities(name, env)] };
}

export function removeList(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
  let removed = false;
  for (const path of [listPath(name, env), legacyPath(name, env)]) {
    try {
      rmSync(path);
      removed = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  }
  return removed;
}
