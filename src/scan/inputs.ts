/**
 * @module
 * Turning what the user named (files, directories, `-` for standard input) into inputs:
 * directories are walked in sorted order; each file is opened by the shared opener (src/io:
 * probe, gunzip, encoding, bytes counted for the progress bar). Zip archives among them are
 * opened by `archive.ts`.
 */
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

export type ExpandProblem = { path: string; message: string };

/** Expands directories recursively (sorted); returns the files and the names that do not exist. */
export async function expandInputs(inputs: readonly string[]): Promise<{ files: InputFile[]; problems: ExpandProblem[] }> {
  const files: InputFile[] = [];
  const problems: ExpandProblem[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) await walk(full);
      } else if (entry.isFile() && !entry.name.startsWith(".")) {
        files.push({ path: full, discovered: true, size: (await stat(full)).size });
      }
    }
  };
  for (const input of inputs) {
    if (input === "-") {
      files.push({ path: "-", discovered: false });
      continue;
    }
    try {
      const s = await stat(input);
      if (s.isDirectory()) await walk(input);
      else files.push({ path: input, discovered: false, size: s.size });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      problems.push({ path: input, message: code === "ENOENT" ? "no such file or directory" : (err as Error).message });
    }
  }
  return { files, problems };
}

export type { OpenedInput };

/**
 * Opens an input named on the command line (a file found by expandInputs, or `-`), or a named
 * stream, through the shared opener (src/io): probe replayed, gzip removed, encoding sniffed, raw
 * bytes counted.
 */
export function openInput(file: InputFile, stdin: Readable, onBytes: (n: number) => void): Promise<OpenedInput> {
  return openShared(file.stream ? { path: file.path, stream: file.stream } : file.path, { stdin, onBytes });
}
