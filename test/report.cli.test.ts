/**
 * `ictsguard report`: the real command on the real scan JSON of examples/fleet (made by the real
 * `ictsguard scan -o json`, with a fixed --as-of, a config with an exception, and one inventory
 * row whose product name is markup), rendered to HTML and to PDF, then opened in Debian's
 * Chromium through playwright-core (launched with the same flags as the PDF printer). The PDF's
 * text is read with pdfjs-dist (Chromium's PDF viewer is not scriptable headless).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { ReportDocument } from "../src/model/finding.js";
import { launchChromium, type LaunchedChromium } from "../src/render/chromium.js";
import { repoPath } from "../src/testing/index.js";
import { tempDir } from "../src/testing/temp.js";

const BIN = repoPath("bin/ictsguard.js");
const XSS = "<img src=x onerror=alert(1)>";

type Run = { code: number; stdout: string; stderr: string };
function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", ...env }, input: "" });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Every text run of a PDF, in page order, with the page count (pdfjs-dist, no worker). */
async function pdfText(bytes: Uint8Array): Promise<{ pages: number; text: string }> {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const pdf = await pdfjs.getDocument({ data: bytes, useSystemFonts: false, isEvalSupported: false, disableFontFace: true }).promise;
  let text = "";
  for (let i = 1; i <= pdf.numPages; i++) {
    const content = await (await pdf.getPage(i)).getTextContent();
    text += content.items.map((item) => ("str" in item ? item.str : "")).join(" ") + "\n";
  }
  const pages = pdf.numPages;
  await pdf.destroy();
  return { pages, text };
}

/** Whitespace removed: a PDF breaks lines where the page does. */
const squash = (s: string): string => s.replace(/\s+/g, "");

describe("ictsguard report: HTML and PDF of the example fleet's scan", () => {
  const dir = tempDir("ictsguard-report-");
  let doc: ReportDocument;
  let html: string;
  let pdf: Uint8Array;
  let chrome: LaunchedChromium;

  before(async () => {
    copyFileSync(repoPath("examples/fleet/windows-software.csv"), join(dir, "windows-software.csv"));
    copyFileSync(repoPath("examples/fleet/linux-hosts.osquery.json"), join(dir, "linux-hosts.osquery.json"));
    // one more inventory row: a Kaspersky program (by its publisher) whose name is markup
    writeFileSync(join(dir, "odd.csv"), `host,kind,name,vendor,version\nws-odd-07,software,${XSS},Kaspersky Lab,1.0\n`);
    writeFileSync(
      join(dir, "ictsguard.yaml"),
      [
        "exceptions:",
        "  - product: kaspersky-anti-virus",
        "    host: ws-hr-02",
        "    reason: Isolated HR kiosk awaiting replacement under ticket CHG-4711",
        "    author: Dana Whitfield (CISO)",
        "    expires: 2099-06-30",
        "",
      ].join("\n"),
    );
    const scan = run(["scan", ".", "--as-of", "2025-01-15", "--profile", "business", "-o", "json", "--quiet", "--output-file", "scan.json"], dir);
    assert.equal(scan.code, 1, scan.stderr); // findings over the threshold
    doc = JSON.parse(readFileSync(join(dir, "scan.json"), "utf8")) as ReportDocument;
    const h = run(["report", "scan.json", "--format", "html", "--output-file", "report.html"], dir);
    assert.equal(h.code, 0, h.stderr);
    html = readFileSync(join(dir, "report.html"), "utf8");
    const p = run(["report", "scan.json", "--format", "pdf", "--output-file", "report.pdf"], dir);
    assert.equal(p.code, 0, p.stderr);
    pdf = new Uint8Array(readFileSync(join(dir, "report.pdf")));
    chrome = await launchChromium(undefined, { javaScript: true });
  });
  after(async () => {
    await chrome?.close();
  });

  it("the scan has findings, one accepted exception and the markup-named program", () => {
    assert.ok(doc.findings.length >= 9);
    assert.equal(doc.suppressed.length, 1);
    assert.equal(doc.suppressed[0]!.exception.author, "Dana Whitfield (CISO)");
    assert.ok(doc.findings.some((f) => f.observation.name === XSS));
  });

  it("the HTML opened in Chromium shows the findings, 89 FR 52434, remediation and the exception, and fetches nothing", async () => {
    const page = await chrome.context.newPage();
    const requests: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    let dialogs = 0;
    page.on("dialog", (d) => {
      dialogs++;
      void d.dismiss();
    });
    await page.setContent(html, { waitUntil: "load" });
    const text = await page.locator("body").innerText();
    for (const f of doc.findings) {
      const product = doc.products.find((p) => p.id === f.product)!;
      assert.ok(text.includes(product.name), `finding ${f.id}: ${product.name}`);
      assert.ok(text.includes(f.observation.name!), `finding ${f.id}: found as ${f.observation.name}`);
    }
    assert.equal(await page.locator("section.finding").count(), doc.findings.length);
    assert.ok(text.includes("89 FR 52434"), "the Final Determination is cited for a business");
    // the primary instrument is the first citation of the deciding rule
    const first = await page.locator("section.finding ol.citations li.primary").first().innerText();
    assert.match(first, /89 FR 52434/);
    for (const r of doc.remediations) assert.ok(text.includes(r.text.trim()), `remediation ${r.id}`);
    assert.match(text, /Isolated HR kiosk awaiting replacement under ticket CHG-4711/);
    assert.match(text, /Dana Whitfield \(CISO\)/);
    assert.match(text, /2099-06-30/);
    assert.ok(text.includes(doc.catalog.digest), "catalog digest");
    assert.ok(text.includes("Антивирус Касперского"), "a Russian name as text");
    assert.deepEqual(requests.filter((u) => !u.startsWith("data:")), [], "no request from the page");
    assert.deepEqual(chrome.blocked, []);
    assert.equal(dialogs, 0);
    await page.close();
  });

  it("counting requests works: a page with a remote image is seen asking for it (and it is aborted)", async () => {
    const page = await chrome.context.newPage();
    const requests: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    await page.setContent(`<p>x</p><img src="http://127.0.0.1:9/pixel.png">`, { waitUntil: "load" });
    assert.deepEqual(requests, ["http://127.0.0.1:9/pixel.png"]);
    assert.ok(chrome.blocked.includes("http://127.0.0.1:9/pixel.png"));
    chrome.blocked.length = 0;
    await page.close();
  });

  it(`a product named ${XSS} is text in the HTML: no img element, no dialog, even with JavaScript on`, async () => {
    assert.ok(!html.includes(XSS), "the raw markup is not in the file");
    assert.ok(html.includes("&lt;img src=x onerror=alert(1)&gt;"));
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;; img-src data:/);
    const page = await chrome.context.newPage();
    let dialogs = 0;
    page.on("dialog", (d) => {
      dialogs++;
      void d.dismiss();
    });
    await page.setContent(html, { waitUntil: "load" });
    assert.equal(await page.locator("img").count(), 0);
    assert.equal(await page.locator("script").count(), 0);
    assert.ok((await page.locator("body").innerText()).includes(XSS), "shown as text");
    // the policy itself forbids inline script: a script planted into the page does not run
    await page.setContent(html.replace("</body>", "<script>document.title='ran'</script></body>"), { waitUntil: "load" });
    assert.notEqual(await page.title(), "ran");
    assert.equal(dialogs, 0);
    await page.close();
  });

  it("the PDF has pages and the same findings, citation, remediation, exception and the markup as text", async () => {
    assert.equal(Buffer.from(pdf.subarray(0, 5)).toString("latin1"), "%PDF-");
    const { pages, text } = await pdfText(pdf);
    assert.ok(pages >= 3, `pages: ${pages}`);
    const flat = squash(text);
    for (const f of doc.findings) assert.ok(flat.includes(squash(f.observation.name!)), `finding ${f.observation.name}`);
    assert.ok(flat.includes(squash("89 FR 52434")));
    assert.ok(flat.includes(squash(doc.remediations[0]!.text)), "remediation");
    assert.ok(flat.includes(squash("Isolated HR kiosk awaiting replacement under ticket CHG-4711")));
    assert.ok(flat.includes(squash("Dana Whitfield (CISO)")));
    assert.ok(flat.includes(squash(XSS)), "the markup printed as text");
    assert.ok(flat.includes("Антивирусасперского".slice(0, 0) + squash("Антивирус Касперского")), "Cyrillic rendered with a font that has it");
    assert.ok(flat.includes(doc.catalog.digest));
  });

  it("Chromium missing: exit 2 naming the Debian packages (the --chromium option and ICTSGUARD_CHROMIUM)", () => {
    const r = run(["report", "scan.json", "--format", "pdf", "--output-file", "x.pdf", "--chromium", join(dir, "no-such-chromium")], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /apt-get install chromium fonts-noto-cjk/);
    assert.match(r.stderr, /no-such-chromium/);
    const e = run(["report", "scan.json", "--format", "pdf", "--output-file", "y.pdf"], dir, { ICTSGUARD_CHROMIUM: "/nonexistent/chromium" });
    assert.equal(e.code, 2);
    assert.match(e.stderr, /\/nonexistent\/chromium.*apt-get install chromium fonts-noto-cjk/s);
  });
});

describe("ictsguard report: input that is not a scan report is a located error (exit 2)", () => {
  const dir = tempDir("ictsguard-report-bad-");
  const scanned = (): Record<string, unknown> => {
    const r = run(["scan", repoPath("examples/fleet"), "--as-of", "2025-01-15", "-o", "json", "--quiet"], dir);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  };

  it("a JSON syntax error names the file, line and column", () => {
    writeFileSync(join(dir, "broken.json"), '{\n  "reportVersion": 2,\n  "tool": oops\n}\n');
    const r = run(["report", "broken.json"], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /broken\.json: not JSON at line 3, column \d+/);
  });

  it("another report version, a missing field and a dangling product id are named", () => {
    const doc = scanned();
    writeFileSync(join(dir, "v1.json"), JSON.stringify({ ...doc, reportVersion: 1 }));
    const v = run(["report", "v1.json"], dir);
    assert.equal(v.code, 2);
    assert.match(v.stderr, /v1\.json: reportVersion is 1; expected 2/);

    const findings = doc.findings as Record<string, unknown>[];
    writeFileSync(join(dir, "shape.json"), JSON.stringify({ ...doc, findings: [{ ...findings[0], status: "forbidden" }, ...findings.slice(1)] }));
    const s = run(["report", "shape.json"], dir);
    assert.equal(s.code, 2);
    assert.match(s.stderr, /shape\.json: not a valid report document: findings\[0\]\.status/);

    writeFileSync(join(dir, "dangling.json"), JSON.stringify({ ...doc, findings: [...findings.slice(0, 2), { ...findings[2], product: "no-such-product" }] }));
    const d = run(["report", "dangling.json"], dir);
    assert.equal(d.code, 2);
    assert.match(d.stderr, /dangling\.json: findings\[2\]: .*"no-such-product"/);
  });

  it("a scan with unread input: the HTML opens with the errors, unknown is not clean", () => {
    writeFileSync(join(dir, "cut.json"), '[{"name":"kesl","version":"12.1","source":"deb_packages"');
    const scan = run(["scan", "cut.json", "-f", "osquery", "--as-of", "2025-01-15", "-o", "json", "-q", "--output-file", "errors.json"], dir);
    assert.equal(scan.code, 2, scan.stderr);
    const r = run(["report", "errors.json"], dir);
    assert.equal(r.code, 0, r.stderr);
    const alert = /<section class="alert" id="errors">([\s\S]*?)<\/section>/.exec(r.stdout);
    assert.ok(alert, "an alert section");
    assert.match(alert[1]!, /unknown is not clean/);
    assert.match(alert[1]!, /cut\.json/);
    assert.ok(r.stdout.indexOf('id="errors"') < r.stdout.indexOf('id="findings"'), "errors come before the findings");
    // nothing found in what was read is not called clean
    assert.match(r.stdout, /No restricted product was found in what could be read, but <strong>1 input error<\/strong> left part of the input unread: this is not a clean result/);
  });

  it("a missing file is named", () => {
    const r = run(["report", "nowhere.json"], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /nowhere\.json: no such file/);
  });
});
