#!/usr/bin/env node
// Builds eval/detection/corpus/generated.csv from public sources, read from local snapshots:
//   - the git mirrors of public repositories (MicrosoftDocs/windows-driver-docs,
//     v2fly/domain-list-community, 0x192/universal-android-debloater, peass-ng/PEASS-ng), read
//     with `git show <commit>:<path>`;
//   - the PyPI and npm name lists (name, version, month, downloads, summary) of the workplace;
//   - Debian 12's package names (`apt-cache pkgnames`).
// Labels come from what each source says (the company column of Microsoft's altitude table, the
// vendor a list is named after, the product winPEAS files a process under, a package summary),
// never from what ictsguard matches. Run once; the output is committed, so tests and `npm run
// eval` need none of these inputs. Usage:
//   node eval/detection/build/build-corpus.mjs MIRRORS_DIR PACKAGE_LISTS_DIR > generated.csv
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const [mirrors, lists] = process.argv.slice(2);
if (!mirrors || !lists) {
  console.error("usage: build-corpus.mjs MIRRORS_DIR PACKAGE_LISTS_DIR");
  process.exit(2);
}
const git = (repo, ...args) => execFileSync("git", ["-C", join(mirrors, repo, "repo"), ...args], { encoding: "utf8", maxBuffer: 1 << 28 });
const head = (repo) => git(repo, "rev-parse", "HEAD").trim();
const show = (repo, path) => git(repo, "show", `HEAD:${path}`);

const COLUMNS = ["kind", "name", "vendor", "path", "purl", "bundle_id", "package_id", "extension_id", "signer", "expect", "set", "source", "label_reason"];
const rows = [];
const seen = new Set();
function add(row) {
  // DNS names are kept in every spelling (the spelling is what class 1 tests); other names once
  const name = row.kind === "domain" ? row.name : row.name.toLowerCase();
  const key = `${row.kind}|${name}|${row.purl ?? ""}|${row.package_id ?? ""}`;
  if (seen.has(key)) return;
  seen.add(key);
  rows.push(row);
}

// --- drivers: Microsoft's allocated minifilter altitudes (driver file name, company) ----------
{
  const repo = "MicrosoftDocs+windows-driver-docs";
  const path = "windows-driver-docs-pr/ifs/allocated-altitudes.md";
  const source = `https://github.com/MicrosoftDocs/windows-driver-docs/blob/${head(repo)}/${path}`;
  const all = [];
  for (const line of show(repo, path).split("\n")) {
    const m = /^\|\s*([A-Za-z0-9_.\-]+\.sys)\b[^|]*\|\s*[\d.]+\s*\|\s*([^|]+?)\s*\|/i.exec(line);
    if (m) all.push({ driver: m[1], company: m[2] });
  }
  // one company per driver name: a name two companies registered is labelled by both agreeing
  const byName = new Map();
  for (const d of all) {
    const k = d.driver.toLowerCase();
    const list = byName.get(k) ?? [];
    list.push(d);
    byName.set(k, list);
  }
  let i = 0;
  for (const [k, list] of byName) {
    const companies = new Set(list.map((d) => vendorOfCompany(d.company)));
    if (companies.size > 1) continue; // the name is registered to restricted and other companies alike
    const vendor = [...companies][0];
    const hard = /^k/.test(k); // "kl"/"ks"/"kv" names collide with naive Kaspersky rules
    if (vendor === "clean" && !hard && i++ % 5 !== 0) continue; // a fifth of the other drivers
    add({
      kind: "driver",
      name: list[0].driver,
      expect: vendor,
      set: "ms-altitudes",
      source,
      label_reason: `allocated to ${list[0].company}`,
    });
  }
}
function vendorOfCompany(company) {
  if (/kaspersky/i.test(company)) return "kaspersky";
  if (/huawei/i.test(company)) return "huawei";
  return "clean";
}

// --- domains: v2fly domain-list-community -------------------------------------------------
{
  const repo = "v2fly+domain-list-community";
  const commit = head(repo);
  const src = (f) => `https://github.com/v2fly/domain-list-community/blob/${commit}/data/${f}`;
  const entries = (f) =>
    show(repo, `data/${f}`)
      .split("\n")
      .map((l) => l.replace(/#.*/, "").trim())
      .filter((l) => l && !/^(regexp|keyword|include):/.test(l))
      .map((l) => {
        const [d] = l.split(/\s+/);
        return { full: d.startsWith("full:"), host: d.replace(/^(full|domain):/, "") };
      });
  // log spellings of a DNS name (issue 12, class 1): each product host once as listed and once
  // in one of these forms, in turn
  const FORMS = [
    ["upper case", (h) => h.toUpperCase()],
    ["trailing dot", (h) => `${h}.`],
    ["mixed case", (h) => h.split(".").map((p, i) => (i % 2 ? p.toUpperCase() : p[0].toUpperCase() + p.slice(1))).join(".")],
    ["upper case, trailing dot", (h) => `${h.toUpperCase()}.`],
  ];
  let n = 0;
  for (const e of entries("kaspersky")) {
    if (e.full) {
      // full: hosts of the list are Kaspersky's update, activation, KSN and CRL services
      add({ kind: "domain", name: e.host, expect: "kaspersky", set: "v2fly", source: src("kaspersky"), label_reason: "Kaspersky product service host (update, activation, KSN, CRL)" });
      const [form, f] = FORMS[n++ % FORMS.length];
      add({ kind: "domain", name: f(e.host), expect: "kaspersky", set: "v2fly-log-form", source: src("kaspersky"), label_reason: `same host, ${form} as DNS logs write it` });
    } else if (!/^kaspersky(-labs)?\.com$/.test(e.host)) {
      // the regional showcase sites: reading a web site is browsing, reported as information
      add({ kind: "domain", name: e.host, expect: "clean", set: "v2fly", source: src("kaspersky"), label_reason: "regional Kaspersky web site (\"Global Showcase\"): browsing, not software" });
    }
  }
  for (const f of ["eset", "drweb", "yandex"]) {
    for (const e of entries(f)) {
      add({ kind: "domain", name: e.host, expect: "clean", set: "v2fly", source: src(f), label_reason: `${f} host: another vendor` });
    }
  }
}

// --- Android apps: Universal Android Debloater list ---------------------------------------
{
  const repo = "0x192+universal-android-debloater";
  const path = "resources/assets/uad_lists.json";
  const source = `https://github.com/0x192/universal-android-debloater/blob/${head(repo)}/${path}`;
  const list = JSON.parse(show(repo, path));
  let i = 0;
  for (const app of list) {
    const id = app.id;
    let expect = "clean";
    let reason = `${app.list} app; not a restricted vendor's package namespace`;
    if (/^com\.huawei\./.test(id)) [expect, reason] = ["huawei", "Huawei system app (com.huawei namespace)"];
    else if (/^com\.zte\./.test(id)) [expect, reason] = ["zte", "ZTE system app (com.zte namespace)"];
    else if (/^com\.(kaspersky|kms)\b/.test(id)) [expect, reason] = ["kaspersky", "Kaspersky app"];
    else if (i++ % 6 !== 0 && !/kasper|kms|hihonor|honor/.test(id)) continue; // a sixth of the rest
    add({ kind: "mobile-app", name: id, package_id: id, expect, set: "uad", source, label_reason: reason });
  }
}

// --- processes: winPEAS' table of security products' processes ---------------------------
{
  const repo = "peass-ng+PEASS-ng";
  const path = "winPEAS/winPEASexe/winPEAS/Info/ProcessInfo/DefensiveProcesses.cs";
  const source = `https://github.com/peass-ng/PEASS-ng/blob/${head(repo)}/${path}`;
  const byProcess = new Map();
  for (const m of show(repo, path).matchAll(/\{\s*"([^"]+)",\s*new HashSet<string>\(\)\s*\{([^}]*)\}/g)) {
    for (const p of m[2].matchAll(/"([^"]+)"/g)) {
      const k = p[1].trim().toLowerCase();
      const set = byProcess.get(k) ?? new Set();
      set.add(m[1]);
      byProcess.set(k, set);
    }
  }
  for (const [proc, products] of byProcess) {
    if (products.size > 1) continue; // filed under several products: a generic name
    const product = [...products][0];
    if (/^(uninstall|getsysteminfo|setup|feedback|helper)\.exe$/.test(proc)) continue; // generic names the research says never to use alone
    const expect = /kaspersky/i.test(product) ? "kaspersky" : "clean";
    add({ kind: "process", name: proc, expect, set: "winpeas", source, label_reason: `winPEAS files it under "${product}"` });
  }
}

// --- services: the AV and backup services ransomware stops (Sigma rule) -------------------
{
  const repo = "SigmaHQ+sigma";
  const path = "rules/windows/process_creation/proc_creation_win_susp_service_tamper.yml";
  const source = `https://github.com/SigmaHQ/sigma/blob/${head(repo)}/${path}`;
  // the Kaspersky services of the list, as the detection research identifies them
  const KASPERSKY = new Set(["kavfs", "kavfsgt", "kavfsslp", "klbackupdisk", "klbackupflt", "klflt", "klhk", "klif", "klim6", "klkbdflt", "klmouflt", "klnagent", "klpd", "kltap", "ksde1.0.0"]);
  const text = show(repo, path);
  const block = text.slice(text.indexOf("CommandLine|contains|all"), text.indexOf("condition:"));
  for (const m of block.matchAll(/^\s*-\s*'([^']+)'/gm)) {
    const svc = m[1].trim();
    if (/^(config|start=.*|AVP1|Antivirus)$/i.test(svc) || /[\s$!#]/.test(svc)) continue; // a flag, a substring pattern or a generic word
    const k = KASPERSKY.has(svc.toLowerCase());
    add({ kind: "service", name: svc, expect: k ? "kaspersky" : "clean", set: "sigma", source, label_reason: k ? "Kaspersky service named in the rule" : "another product's or Windows' service named in the rule" });
  }
}

// --- packages: PyPI and npm packages named after a restricted vendor ----------------------
{
  const BRAND = /(^|[-_.@/])(kaspersky|huawei|huaweicloud|hikvision|dahua|ezviz|hytera|zte|amcrest)([-_.@/]|$)/i;
  const WRAPPER = /(client|wrapper|api|bindings|integration|home assistant|downloader|tool|mcp|driver|plugin|provider|library|parse|interface|pilot|modem|router|inverter|scraper|camera|nvr|fetcher|gateway|bridge|sdk for interacting)/i;
  // the summary leaves open who wrote it or whether it ships the vendor's own library
  const AMBIGUOUS = new Set(["hikvision-sdk", "huawei-api-sdk", "iflow-mcp-huaweiclouddeveloper-huaweicloud-mcp-server", "hytera", "huawei-intel-sdk", "huawei-obs-sdk"]);
  const read = (file) => readFileSync(join(lists, file), "utf8").split("\n").slice(1).map((l) => l.split("\t"));
  for (const [file, type, summaryColumn] of [["pypi.tsv", "pypi", 4], ["npm.tsv", "npm", 3]]) {
    for (const cols of read(file)) {
      const name = cols[0];
      const summary = (cols[summaryColumn] ?? "").trim();
      if (!name || !BRAND.test(name)) continue;
      const url = type === "pypi" ? `https://pypi.org/project/${name}/` : `https://www.npmjs.com/package/${name}`;
      const purl = type === "pypi" ? `pkg:pypi/${name.toLowerCase()}` : `pkg:npm/${name.replace("@", "%40")}`;
      let expect, reason;
      if (/^@huaweicloud\//.test(name)) [expect, reason] = ["huawei", `Huawei Cloud's own SDK, published under the @huaweicloud scope: "${summary}"`];
      else if (/^@kaspersky\//.test(name)) [expect, reason] = ["clean", `Kaspersky's design-system UI kit, not security software: "${summary}"`];
      else if (/^huaweicloud/i.test(name) || /official/i.test(summary) || AMBIGUOUS.has(name)) continue; // authorship or what it ships not settled by the summary
      else if (/^(dahua|huawei)$/.test(name)) [expect, reason] = ["clean", `the word only (a pinyin word or a person's name): "${summary}"`];
      else if (WRAPPER.test(summary)) [expect, reason] = ["clean", `a third party's client or tool for the vendor's devices or cloud: "${summary}"`];
      else continue;
      add({ kind: "package", name, purl, expect, set: type, source: url, label_reason: reason });
    }
  }
}

// --- packages: Debian 12 package names that start with the letters naive rules key on ------
{
  const names = execFileSync("apt-cache", ["pkgnames"], { encoding: "utf8", maxBuffer: 1 << 26 }).split("\n").filter(Boolean).sort();
  const TRAPS = new Set(["klavaro", "ksnip", "kasumi", "klibc-utils", "kleopatra", "kicad", "ksystemlog", "kexec-tools"]);
  let i = 0;
  for (const name of names) {
    if (!/^k/.test(name)) continue;
    const hard = TRAPS.has(name) || /^(kl|ks|kav|kas|kes|kic|kv)/.test(name);
    if (!hard && i++ % 4 !== 0) continue;
    add({ kind: "package", name, purl: `pkg:deb/debian/${name}`, expect: "clean", set: "debian", source: `https://packages.debian.org/bookworm/${name}`, label_reason: "a Debian 12 package: no restricted vendor ships in Debian" });
  }
}

// --- SBOM components: CycloneDX's public example SBOMs (open-source libraries) ----------------
// Added after the first results (the corpus had no `component` rows); the label is the source's:
// the components of these open-source projects' SBOMs are open-source libraries, none a
// restricted vendor's (a brand word in one is reported, and the build stops).
{
  const REPO_COMMIT = "aaa24717f3101c27ff9006c1caa0fc848c2cb2fd";
  const here = new URL("../../../", import.meta.url).pathname;
  for (const [file, path] of [
    ["src/readers/cyclonedx-json/testdata/laravel-7.12.0.bom.1.4.json", "SBOM/laravel-7.12.0/bom.1.4.json"],
    ["test/fixtures/real/proton-bridge-v1.8.0.bom.json", "SBOM/proton-bridge/proton-bridge-v1.8.0.bom.json"],
  ]) {
    const bom = JSON.parse(readFileSync(join(here, file), "utf8"));
    const source = `https://github.com/CycloneDX/bom-examples/blob/${REPO_COMMIT}/${path}`;
    for (const c of bom.components ?? []) {
      if (/kaspersky|huawei|hikvision|dahua|zte|hytera/i.test(`${c.name} ${c.group ?? ""} ${c.purl ?? ""}`)) throw new Error(`${file}: ${c.name} names a restricted vendor: label it by hand`);
      add({ kind: "component", name: c.group ? `${c.group}/${c.name}` : c.name, purl: c.purl, expect: "clean", set: "cyclonedx-examples", source, label_reason: "a component of an open-source project's example SBOM" });
    }
  }
}

const esc = (v) => (v === undefined ? "" : /[",\n]/.test(v) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
process.stdout.write(COLUMNS.join(",") + "\n");
for (const r of rows) process.stdout.write(COLUMNS.map((c) => esc(r[c])).join(",") + "\n");
console.error(`${rows.length} rows`);
