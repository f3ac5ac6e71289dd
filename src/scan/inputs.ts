/**
 * @module
 * Turning what the user named (files, directories, `-` for standard input) into inputs:
 * directories are walked in sorted order; each file is opened by the shared opener (src/io:
 * probe, gunzip, encoding, bytes counted for the progress bar). Zip archives among them are
 * opened by `archive.ts`.
 *
 * A walk never ends early and never drops a file without a word: symbolic links are followed
 * to the regular files and folders they name (a folder reached twice, a link loop, is walked
 * once, known by device and inode; a file reached twice is read once); a folder or link that
 * cannot be read is a located error and the walk goes on with the next entry; a FIFO, device or
 * socket is refused with a located error (opening a FIFO would block, and a device is not an
 * inventory). A folder named on the command line in which the walk finds no file at all is an
 * error (`input/empty`, as an empty file is). Standard input is named `-`, never by a special
 * file's path.
 */
import type { Dirent, Stats } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { openInput as openShared, type OpenedInput } from "../io/open.js";
/** Folders never worth walking into. */
const SKIP_DIRS = new Set([".git", "node_modules", ".svn", ".hg"]);

export type InputFile = {
  /** As shown in reports: the path as given or found under a given directory; `-` for stdin. */
  path: string;
  /** Found by walking a directory (an unknown format there is skipped with a warning, not an error). */
  discovered: boolean;
  size?: number;
  /** The bytes, for an input that is not a file (an upload's body): read instead of opening `path`. */
  stream?: Readable;
};

/** A name that could not be turned into inputs; `code` is the code, `severity` an error unless said. */
export type ExpandProblem = { path: string; code: string; message: string; severity?: "warning" };

/** Expands directories recursively (sorted), following symbolic links; returns the files and what could not be read. */
export async function expandInputs(inputs: readonly string[]): Promise<{ files: InputFile[]; problems: ExpandProblem[] }> {
  const files: InputFile[] = [];
  const problems: ExpandProblem[] = [];
  /** device:inode of every folder walked and file taken, so a loop or a second link is not read again. */
  const seen = new Set<string>();
  const identity = (s: Stats): string => `${s.dev}:${s.ino}`;

  const walk = async (dir: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    } catch (err) {
      problems.push({ path: dir, code: "input/read", message: `cannot read this folder: ${errnoText(err)}; the files in it were not scanned` });
      return;
    }
    for (const entry of entries) {
      if (entry.name.startsWith(".") && !entry.isDirectory()) continue; // hidden files: editor and tool state
      const full = join(dir, entry.name);
      if (entry.isDirectory() && SKIP_DIRS.has(entry.name)) continue;
      let s: Stats;
      try {
        s = await stat(full); // follows a symbolic link to what it names
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const what = entry.isSymbolicLink() && (code === "ENOENT" || code === "ELOOP") ? `broken symbolic link (${errnoText(err)})` : errnoText(err);
        problems.push({ path: full, code: "input/read", message: `cannot read: ${what}; skipped` });
        continue;
      }
      await take(full, s, true);
    }
  };

  const take = async (path: string, s: Stats, discovered: boolean): Promise<void> => {
    if (s.isDirectory()) {
      if (seen.has(identity(s))) {
        problems.push({ path, code: "input/loop", severity: "warning", message: "this folder was walked already (a symbolic link loop or a second link to it); not walked again" });
        return;
      }
      seen.add(identity(s));
      const before = { files: files.length, problems: problems.length };
      await walk(path);
      if (!discovered && files.length === before.files && problems.length === before.problems) {
        // a folder named on the command line with no file in it leaves no other trace: a failed
        // export job that left an empty folder is no clean answer, as an empty file is not
        problems.push({
          path,
          code: "input/empty",
          message: "empty folder: no file in it or its subfolders to scan (an export that failed?); remove it from the scan if it is meant to be empty",
        });
      }
    } else if (s.isFile()) {
      if (seen.has(identity(s))) return; // the same file by another link: read once
      seen.add(identity(s));
      files.push({ path, discovered, size: s.size });
    } else {
      problems.push({ path, code: "input/special-file", message: `${specialKind(s)}, not a regular file: refused (ictsguard reads files, folders, and standard input as -)` });
    }
  };

  for (const input of inputs) {
    if (input === "-") {
      files.push({ path: "-", discovered: false });
      continue;
    }
    let s: Stats;
    try {
      s = await stat(input);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      problems.push({ path: input, code: "input/not-found", message: code === "ENOENT" ? "no such file or directory" : errnoText(err) });
      continue;
    }
    await take(input, s, false);
  }
  return { files, problems };
}

function specialKind(s: Stats): string {
  if (s.isFIFO()) return "a FIFO (named pipe)";
  if (s.isSocket()) return "a socket";
  if (s.isCharacterDevice()) return "a character device";
  if (s.isBlockDevice()) return "a block device";
  return "a special file";
}

function errnoText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "ENOENT") return "no such file or directory";
  if (code === "ELOOP") return "too many levels of symbolic links";
  return (err as Error).message;
}

export type { OpenedInput };

/**
 * Opens an input named on the command line (a file found by expandInputs, or `-`), or a named
 * stream, through the shared opener (src/io): probe replayed, gzip removed, encoding sniffed, raw
 * bytes counted.
 */
export function openInput(file: InputFile, stdin: Readable, onBytes: (n: number) => void, maxGzipRatio?: number): Promise<OpenedInput> {
  return openShared(file.stream ? { path: file.path, stream: file.stream } : file.path, { stdin, onBytes, ...(maxGzipRatio !== undefined ? { maxGzipRatio } : {}) });
}
