/**
 * @module
 * The table report (`scan -o table`, the default on a terminal) beside the JSON report on the
 * same scan: 5,000 and 20,000 findings, each a host with Kaspersky Endpoint Security. One
 * cli-table3 table of every finding made the table writer quadratic (20,000 findings: over a
 * minute; src/report/table/grid.ts). Two figures per size: the writer alone (the scan's JSON
 * report read back and written again, median of 3, into a stream that drops it) and the whole
 * command (`scan -o table` against `scan -o json`, one run each, output dropped).
 */
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import type { ReportDocument } from "../src/model/finding.js";
import { writeReport, type ReportFormat } from "../src/report/index.js";

const SIZES = [5_000, 20_000];
const RUNS = 3;

/** A CSV inventory of `count` hosts, each with Kaspersky Endpoint Security: one finding a row. */
function writeInventory(path: string, count: number): void {
  const lines = ["host,kind,name,vendor,version"];
  for (let i = 0; i < count; i++) lines.push(`h${i},software,Kaspersky Endpoint Security for Windows,AO Kaspersky Lab,12.1`);
  writeFileSync(path, `${lines.join("\n")}\n`);
}

/** A stream that takes everything at once and keeps nothing. */
const sink = (): Writable => new Writable({ write: (_chunk, _encoding, done) => done() });

async function writerMs(doc: ReportDocument, format: ReportFormat): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    await writeReport(doc, format, sink(), { color: false });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

function commandMs(child: string, input: string, format: ReportFormat): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [child, "scan", input, "-o", format, "--quiet", "--fail-on", "none"], { maxBuffer: 1024 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`scan -o ${format} of ${input} exited ${r.status ?? r.signal}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** The table beside JSON at each size, as lines to print; `child` runs the CLI (bench/cli-child.ts). */
export async function benchTable(out: string, child: string): Promise<string> {
  const rows: string[][] = [];
  for (const count of SIZES) {
    const input = join(out, `table-${count}.csv`);
    const report = join(out, `table-${count}.report.json`);
    writeInventory(input, count);
    const r = spawnSync(process.execPath, [child, "scan", input, "-o", "json", "--output-file", report, "--quiet", "--fail-on", "none"], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`scan of ${input} exited ${r.status ?? r.signal}: ${r.stderr}`);
    const doc = JSON.parse(readFileSync(report, "utf8")) as ReportDocument;
    if (doc.findings.length !== count) throw new Error(`expected ${count} findings, the scan found ${doc.findings.length}`);
    const table = await writerMs(doc, "table");
    const json = await writerMs(doc, "json");
    const tableCommand = commandMs(child, input, "table");
    const jsonCommand = commandMs(child, input, "json");
    rmSync(input, { force: true });
    rmSync(report, { force: true });
    rows.push([
      count.toLocaleString("en-US"),
      `${table.toFixed(0)} ms`,
      `${json.toFixed(0)} ms`,
      `${(table / json).toFixed(1)}x`,
      `${tableCommand.toFixed(0)} ms`,
      `${jsonCommand.toFixed(0)} ms`,
      `${(tableCommand / jsonCommand).toFixed(1)}x`,
    ]);
  }
  const head = ["findings", "table writer", "json writer", "ratio", "scan -o table", "scan -o json", "ratio"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return (
    `\ntable report against JSON on the same scan (writer: median of ${RUNS}, into a stream that drops it; scan: the whole command, one run)\n` +
    `${line(head)}\n${rows.map(line).join("\n")}\n`
  );
}
