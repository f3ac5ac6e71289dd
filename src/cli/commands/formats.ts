/**
 * @module
 * `ictsguard formats`: the input formats this build reads (the names `--input-format` takes).
 */
import { Command } from "commander";
import { READERS } from "../../readers/registry.js";

export function formatsCommand(): Command {
  return new Command("formats").description("list the input formats that scan detects and reads").action(() => {
    const width = Math.max(...READERS.map((r) => r.name.length));
    for (const r of READERS) process.stdout.write(`${r.name.padEnd(width)}  ${r.description}\n`);
  });
}
