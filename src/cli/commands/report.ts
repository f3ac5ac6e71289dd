/**
 * @module
 * `ictsguard report SCAN.json`: a scan's JSON report as a document a person can keep (HTML or a
 * PDF printed by Chromium), or, with `--far-52-204-23` / `--far-52-204-25`, the draft of the
 * report a federal contractor owes (Markdown, HTML or PDF). The renderers (src/render/) and
 * playwright-core load only when the action runs.
 */
import { Command, Option } from "commander";

export const REPORT_DOCUMENT_FORMATS = ["html", "pdf", "md"] as const;
type DocFormat = (typeof REPORT_DOCUMENT_FORMATS)[number];

type ReportFlags = {
  format?: DocFormat;
  outputFile?: string;
  chromium?: string;
  far5220423?: boolean;
  far5220425?: boolean;
  discovered?: string;
  config?: string;
  catalog?: string;
  title?: string;
};

export function reportCommand(): Command {
  return new Command("report")
    .description("turn a scan's JSON report (scan -o json) into an HTML or PDF document, or a FAR 52.204-23 / 52.204-25(d) report draft")
    .argument("<scan-json>", "the report `ictsguard scan -o json` wrote, or - for standard input")
    .addOption(new Option("--format <format>", "html or pdf (default html); for a FAR draft md, html or pdf (default md)").choices(REPORT_DOCUMENT_FORMATS))
    .option("--output-file <path>", "write the document to this file instead of standard output (needed for pdf on a terminal)")
    .option("--far-52-204-23", "draft the FAR 52.204-23 report of the Kaspersky Lab covered articles found")
    .option("--far-52-204-25", "draft the FAR 52.204-25(d) report of the covered telecommunications equipment or services (section 889) found")
    .option("--discovered <date>", "for a FAR draft: the day the items were identified, YYYY-MM-DD (default: the scan's date in US Eastern)")
    .option("--chromium <path>", "the Chromium executable for pdf (default: $ICTSGUARD_CHROMIUM, else /usr/bin/chromium)")
    .option("--title <text>", "the report's title (default: ictsguard compliance report)")
    .option("-c, --config <file>", "config file (for a FAR draft's catalog; default: ictsguard.yaml or .ictsguard.yaml in the working directory)")
    .option("--catalog <dir>", "catalog folder for a FAR draft's duty and deadlines (default: as scan resolves it)")
    .action(async (input: string, flags: ReportFlags) => {
      process.exitCode = await report(input, flags);
    });
}

async function readInput(input: string): Promise<string> {
  const { readFile } = await import("node:fs/promises");
  const { IctsError } = await import("../../model/errors.js");
  if (input === "-") {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  }
  try {
    return await readFile(input, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "a directory, not a file" : (err as Error).message;
    throw new IctsError("input/open", `${input}: ${why}; expected the JSON report of \`ictsguard scan -o json\``);
  }
}

async function report(input: string, flags: ReportFlags): Promise<number> {
  const { UsageError } = await import("../../scan/index.js");
  const { isValidDate } = await import("../../model/date.js");
  const far = flags.far5220423 ? "52.204-23" : flags.far5220425 ? "52.204-25" : undefined;
  if (flags.far5220423 && flags.far5220425) throw new UsageError("give one of --far-52-204-23 and --far-52-204-25: each is its own draft");
  if (!far && flags.discovered !== undefined) throw new UsageError("--discovered is for a FAR draft (--far-52-204-23 or --far-52-204-25)");
  if (flags.discovered !== undefined && !isValidDate(flags.discovered)) throw new UsageError(`--discovered: "${flags.discovered}" is not a date YYYY-MM-DD`);
  const format: DocFormat = flags.format ?? (far ? "md" : "html");
  if (!far && format === "md") throw new UsageError("--format md is for a FAR draft; a report is html or pdf");
  if (format === "pdf" && flags.outputFile === undefined && process.stdout.isTTY) throw new UsageError("a PDF is not written to a terminal: give --output-file FILE (or redirect standard output)");

  const render = await import("../../render/index.js");
  const name = input === "-" ? "standard input" : input;
  const doc = render.parseReportDocument(await readInput(input), name);

  let html: string | undefined;
  let text: string | undefined;
  if (far) {
    const { resolveCatalogSettings } = await import("../../config/settings.js");
    const { catalog } = (await resolveCatalogSettings(flags)).active;
    const draft = render.buildFarDraft(doc, catalog, { clause: far, ...(flags.discovered ? { discovered: flags.discovered } : {}) });
    if (!draft) {
      const what = render.FAR_CLAUSES[far];
      process.stderr.write(`ictsguard: nothing to report under ${what.clause}: no finding in ${name} is a ${what.item}; no draft written\n`);
      return 0;
    }
    for (const w of draft.warnings) process.stderr.write(`ictsguard: check: ${w}\n`);
    if (format === "md") text = render.renderFarMarkdown(draft);
    else html = render.renderFarHtml(draft);
  } else {
    html = render.renderReportHtml(doc, flags.title ? { title: flags.title } : {});
  }
  const bytes: Uint8Array | string =
    format === "pdf" ? await render.renderPdf(html!, flags.chromium ? { chromium: flags.chromium } : {}) : (text ?? html!);

  const { openOutput } = await import("../output.js");
  const out = openOutput(flags.outputFile);
  await out.write(
    (stream) =>
      new Promise<void>((resolve, reject) => {
        stream.write(bytes, (err) => (err ? reject(err) : resolve()));
      }),
  );
  await out.end();
  return 0;
}
