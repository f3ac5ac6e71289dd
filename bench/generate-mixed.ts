/**
 * @module
 * A synthetic estate for the mixed-format benchmark: a directory tree of every input format
 * ictsguard reads (CSV, osquery arrays and results logs, CycloneDX JSON and XML, SPDX JSON,
 * tag-value and 3.0 JSON-LD, and a zip holding more), up to a byte budget. Restricted software
 * is planted at known places, under its real names and identifiers, so the benchmark can check
 * that every planted item (and nothing else) is found. Deterministic (seeded) and streamed, so
 * generating 500 MB needs little memory.
 */
import { createWriteStream, mkdirSync, rmSync, statSync } from "node:fs";
import { once } from "node:events";
import { dirname, join } from "node:path";
import yazl from "yazl";
import { writeCsvInventory, writeOsqueryPrograms } from "./generate.js";

/** One planted item in this many components, packages or rows (CSV and osquery use generate.ts's own). */
const PLANT_EVERY = 1500;

/** What the scan must report: one finding per planted item, and this many observations. */
export type Expected = { observations: number; planted: number; bytes: number; files: number };

function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Open-source components as SBOMs list them: ecosystem, namespace, name, supplier. */
const LIBRARIES: [string, string, string, string][] = [
  ["npm", "", "lodash", "OpenJS Foundation"], ["npm", "", "react", "Meta Platforms, Inc."], ["npm", "", "express", "OpenJS Foundation"],
  ["npm", "@babel", "core", "Babel"], ["npm", "", "axios", "axios"], ["maven", "com.fasterxml.jackson.core", "jackson-databind", "FasterXML"],
  ["maven", "org.apache.logging.log4j", "log4j-core", "The Apache Software Foundation"], ["maven", "org.springframework", "spring-core", "VMware, Inc."],
  ["maven", "com.google.guava", "guava", "Google LLC"], ["pypi", "", "requests", "Python Software Foundation"], ["pypi", "", "numpy", "NumPy Developers"],
  ["pypi", "", "urllib3", "urllib3"], ["golang", "github.com/spf13", "cobra", "spf13"], ["golang", "golang.org/x", "net", "The Go Authors"],
  ["deb", "debian", "openssl", "Debian"], ["deb", "debian", "zlib1g", "Debian"], ["deb", "debian", "curl", "Debian"], ["deb", "debian", "bash", "Debian"],
  ["rpm", "redhat", "glibc", "Red Hat, Inc."], ["rpm", "redhat", "systemd", "Red Hat, Inc."], ["deb", "debian", "ksnip", "Debian"], ["npm", "", "kleur", "Luke Edwards"],
];

/** Kaspersky components as SBOMs of a Linux or Windows host would carry them; each is one finding. */
const PLANTED: { name: string; version: string; supplier?: string; purl?: string; cpe?: string }[] = [
  { name: "Kaspersky Endpoint Security for Linux", version: "12.1.0.1297", supplier: "AO Kaspersky Lab", purl: "pkg:deb/kaspersky/kesl@12.1.0.1297?arch=amd64" },
  { name: "klnagent64", version: "14.2.0-35148", supplier: "AO Kaspersky Lab", purl: "pkg:rpm/kaspersky/klnagent64@14.2.0-35148?arch=x86_64" },
  { name: "Kaspersky Anti-Virus", version: "21.3.10.391", cpe: "cpe:2.3:a:kaspersky:kaspersky_anti-virus:21.3.10.391:*:*:*:*:*:*:*" },
];

type Component = { name: string; version: string; supplier?: string | undefined; purl?: string | undefined; cpe?: string | undefined; sha256: string };

/** An endless, seeded stream of components; every PLANT_EVERY-th one is planted. */
function* components(seed: number, counts: { planted: number }): Generator<Component> {
  const random = rng(seed);
  for (let i = 1; ; i++) {
    const hex = Array.from({ length: 8 }, () => Math.floor(random() * 0xffffffff).toString(16).padStart(8, "0")).join("");
    if (i % PLANT_EVERY === 0) {
      counts.planted++;
      yield { ...PLANTED[Math.floor(random() * PLANTED.length)]!, sha256: hex };
      continue;
    }
    const [type, namespace, name, supplier] = LIBRARIES[Math.floor(random() * LIBRARIES.length)]!;
    const version = `${Math.floor(random() * 12)}.${Math.floor(random() * 30)}.${Math.floor(random() * 100)}`;
    const ns = namespace ? `${namespace.replace("@", "%40")}/` : "";
    yield { name, version, supplier, purl: `pkg:${type}/${ns}${name}@${version}`, sha256: hex };
  }
}

/** Writes strings with backpressure until `budget` bytes; returns the bytes written. */
async function writeUntil(path: string, budget: number, head: string, body: Iterator<string>, tail: string): Promise<number> {
  mkdirSync(dirname(path), { recursive: true });
  const out = createWriteStream(path);
  let bytes = 0;
  const put = async (s: string) => {
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, "drain");
  };
  await put(head);
  while (bytes < budget - tail.length) {
    const next = body.next();
    if (next.done) break;
    await put(next.value);
  }
  await put(tail);
  out.end();
  await once(out, "finish");
  return bytes;
}

const xml = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** CycloneDX 1.6 JSON; one component in 20 holds 3 nested ones (counted as 4 observations). */
async function cyclonedxJson(path: string, budget: number, seed: number, e: Expected): Promise<void> {
  const counts = { planted: 0 };
  const gen = components(seed, counts);
  const one = (c: Component, nested: string) =>
    JSON.stringify({
      type: "library",
      "bom-ref": `${c.name}@${c.version}-${c.sha256.slice(0, 8)}`,
      ...(c.supplier ? { supplier: { name: c.supplier } } : {}),
      name: c.name,
      version: c.version,
      hashes: [{ alg: "SHA-256", content: c.sha256 }],
      licenses: [{ license: { id: "MIT" } }],
      ...(c.cpe ? { cpe: c.cpe } : {}),
      ...(c.purl ? { purl: c.purl } : {}),
      properties: [{ name: "syft:package:foundBy", value: "bench-cataloger" }],
    }).replace(/}$/, nested ? `,"components":[${nested}]}` : "}");
  let n = 0;
  let first = true;
  const body = (function* () {
    for (;;) {
      n++;
      let nested = "";
      let count = 1;
      if (n % 20 === 0) {
        nested = [gen.next().value, gen.next().value, gen.next().value].map((c) => one(c as Component, "")).join(",");
        count += 3;
      }
      e.observations += count;
      yield `${first ? "" : ",\n"}    ${one(gen.next().value as Component, nested)}`;
      first = false;
    }
  })();
  const head = `{"bomFormat":"CycloneDX","specVersion":"1.6","serialNumber":"urn:uuid:00000000-0000-4000-8000-${String(seed).padStart(12, "0")}","version":1,"metadata":{"component":{"type":"operating-system","name":"bench-host-${seed}","version":"2025.03"}},"components":[\n`;
  e.observations += 1; // metadata.component
  e.bytes += await writeUntil(path, budget, head, body, "\n]}\n");
  e.planted += counts.planted;
  e.files++;
}

/** CycloneDX 1.5 XML; nested components as in the JSON ones. */
async function cyclonedxXml(path: string, budget: number, seed: number, e: Expected): Promise<void> {
  const counts = { planted: 0 };
  const gen = components(seed, counts);
  const one = (c: Component, nested: string, indent: string) =>
    `${indent}<component type="library" bom-ref="${xml(c.name)}@${c.version}-${c.sha256.slice(0, 8)}">\n` +
    (c.supplier ? `${indent}  <supplier><name>${xml(c.supplier)}</name></supplier>\n` : "") +
    `${indent}  <name>${xml(c.name)}</name>\n${indent}  <version>${c.version}</version>\n` +
    `${indent}  <hashes><hash alg="SHA-256">${c.sha256}</hash></hashes>\n` +
    `${indent}  <licenses><license><id>Apache-2.0</id></license></licenses>\n` +
    (c.cpe ? `${indent}  <cpe>${xml(c.cpe)}</cpe>\n` : "") +
    (c.purl ? `${indent}  <purl>${xml(c.purl)}</purl>\n` : "") +
    (nested ? `${indent}  <components>\n${nested}${indent}  </components>\n` : "") +
    `${indent}</component>\n`;
  let n = 0;
  const body = (function* () {
    for (;;) {
      n++;
      let nested = "";
      if (n % 20 === 0) {
        nested = [gen.next().value, gen.next().value, gen.next().value].map((c) => one(c as Component, "", "        ")).join("");
        e.observations += 3;
      }
      e.observations++;
      yield one(gen.next().value as Component, nested, "    ");
    }
  })();
  const head = `<?xml version="1.0" encoding="UTF-8"?>\n<bom xmlns="http://cyclonedx.org/schema/bom/1.5" version="1">\n  <components>\n`;
  e.bytes += await writeUntil(path, budget, head, body, "  </components>\n</bom>\n");
  e.planted += counts.planted;
  e.files++;
}

/** SPDX 2.3 JSON: packages, then (as tools write them) relationships the reader skips. */
async function spdxJson(path: string, budget: number, seed: number, e: Expected): Promise<void> {
  const counts = { planted: 0 };
  const gen = components(seed, counts);
  let first = true;
  const body = (function* () {
    for (let i = 1; ; i++) {
      const c = gen.next().value as Component;
      e.observations++;
      const refs = [...(c.purl ? [{ referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: c.purl }] : []), ...(c.cpe ? [{ referenceCategory: "SECURITY", referenceType: "cpe23Type", referenceLocator: c.cpe }] : [])];
      const p = {
        name: c.name,
        SPDXID: `SPDXRef-Package-${i}`,
        versionInfo: c.version,
        supplier: c.supplier ? `Organization: ${c.supplier}` : "NOASSERTION",
        downloadLocation: "NOASSERTION",
        filesAnalyzed: false,
        checksums: [{ algorithm: "SHA256", checksumValue: c.sha256 }],
        licenseConcluded: "NOASSERTION",
        copyrightText: "NOASSERTION",
        externalRefs: refs,
      };
      yield `${first ? "" : ",\n"}    ${JSON.stringify(p)}`;
      first = false;
    }
  })();
  const head = `{"spdxVersion":"SPDX-2.3","dataLicense":"CC0-1.0","SPDXID":"SPDXRef-DOCUMENT","name":"bench-${seed}","documentNamespace":"https://example.org/bench/${seed}","creationInfo":{"created":"2025-03-01T00:00:00Z","creators":["Tool: ictsguard-bench"]},"packages":[\n`;
  e.bytes += await writeUntil(path, budget, head, body, '\n],"relationships":[{"spdxElementId":"SPDXRef-DOCUMENT","relationshipType":"DESCRIBES","relatedSpdxElement":"SPDXRef-Package-1"}]}\n');
  e.planted += counts.planted;
  e.files++;
}

/** SPDX 2.3 tag-value, with a multi-line <text> description in each package. */
async function spdxTagValue(path: string, budget: number, seed: number, e: Expected): Promise<void> {
  const counts = { planted: 0 };
  const gen = components(seed, counts);
  const body = (function* () {
    for (let i = 1; ; i++) {
      const c = gen.next().value as Component;
      e.observations++;
      yield `\n##### Package: ${c.name}\n\nPackageName: ${c.name}\nSPDXID: SPDXRef-Package-${i}\nPackageVersion: ${c.version}\n` +
        `PackageSupplier: ${c.supplier ? `Organization: ${c.supplier}` : "NOASSERTION"}\nPackageDownloadLocation: NOASSERTION\nFilesAnalyzed: false\n` +
        `PackageChecksum: SHA256: ${c.sha256}\nPackageDescription: <text>${c.name} ${c.version}.\nPackaged for the benchmark host.</text>\n` +
        (c.purl ? `ExternalRef: PACKAGE-MANAGER purl ${c.purl}\n` : "") +
        (c.cpe ? `ExternalRef: SECURITY cpe23Type ${c.cpe}\n` : "");
    }
  })();
  const head = `SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: bench-${seed}\nDocumentNamespace: https://example.org/bench/${seed}\nCreator: Tool: ictsguard-bench\nCreated: 2025-03-01T00:00:00Z\n`;
  e.bytes += await writeUntil(path, budget, head, body, "\n");
  e.planted += counts.planted;
  e.files++;
}

/** SPDX 3.0 JSON-LD; the supplier agents come after all the packages (the worst case for streaming). */
async function spdx3(path: string, budget: number, seed: number, e: Expected): Promise<void> {
  const counts = { planted: 0 };
  const gen = components(seed, counts);
  const suppliers = new Map<string, string>();
  const body = (function* () {
    for (let i = 1; ; i++) {
      const c = gen.next().value as Component;
      e.observations++;
      let agent: string | undefined;
      if (c.supplier) {
        agent = suppliers.get(c.supplier) ?? `https://example.org/bench/${seed}/Agent/${suppliers.size + 1}`;
        suppliers.set(c.supplier, agent);
      }
      const ids = c.cpe ? [{ type: "ExternalIdentifier", externalIdentifierType: "cpe23", identifier: c.cpe }] : [];
      yield `,\n    ${JSON.stringify({
        type: "software_Package",
        spdxId: `https://example.org/bench/${seed}/Package/${i}`,
        creationInfo: "_:creationinfo",
        name: c.name,
        software_packageVersion: c.version,
        ...(c.purl ? { software_packageUrl: c.purl } : {}),
        ...(agent ? { suppliedBy: agent } : {}),
        ...(ids.length ? { externalIdentifier: ids } : {}),
        verifiedUsing: [{ type: "Hash", algorithm: "sha256", hashValue: c.sha256 }],
      })}`;
    }
  })();
  const head = `{"@context":"https://spdx.org/rdf/3.0.1/spdx-context.jsonld","@graph":[\n    {"type":"CreationInfo","@id":"_:creationinfo","specVersion":"3.0.1","created":"2025-03-01T00:00:00Z","createdBy":[]}`;
  // the tail names the agents seen; it is written after the budget is reached, so build it lazily
  const tailOf = () => [...suppliers].map(([name, id]) => `,\n    ${JSON.stringify({ type: "Organization", spdxId: id, creationInfo: "_:creationinfo", name })}`).join("") + "\n]}\n";
  mkdirSync(dirname(path), { recursive: true });
  const bytes = await writeUntil(path, budget - 4096, head, body, "");
  const out = createWriteStream(path, { flags: "a" });
  out.end(tailOf());
  await once(out, "finish");
  e.bytes += bytes + Buffer.byteLength(tailOf());
  e.planted += counts.planted;
  e.files++;
}

/** osqueryd results log lines (event form) of the processes table: avp.exe planted, klist.exe a look-alike. */
async function osqueryLog(path: string, budget: number, seed: number, e: Expected): Promise<void> {
  const random = rng(seed);
  const common = [["svchost.exe", "C:\\Windows\\System32\\svchost.exe"], ["chrome.exe", "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe"], ["explorer.exe", "C:\\Windows\\explorer.exe"], ["klist.exe", "C:\\Windows\\System32\\klist.exe"], ["Teams.exe", "C:\\Users\\u\\AppData\\Local\\Microsoft\\Teams\\current\\Teams.exe"], ["MsMpEng.exe", "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24010.12-0\\MsMpEng.exe"]];
  const body = (function* () {
    for (let i = 1; ; i++) {
      const planted = i % PLANT_EVERY === 0;
      const [name, p] = planted ? ["avp.exe", "C:\\Program Files (x86)\\Kaspersky Lab\\Kaspersky Endpoint Security for Windows\\avp.exe"] : common[Math.floor(random() * common.length)]!;
      if (planted) e.planted++;
      e.observations++;
      const host = `ws-${String(Math.floor(i / 200)).padStart(6, "0")}`;
      yield `${JSON.stringify({ name: "pack_edr_processes", hostIdentifier: host, calendarTime: "Mon Mar  3 10:00:00 2025 UTC", unixTime: 1740996000 + i, epoch: 0, counter: 1, numerics: false, decorations: { hostname: host }, columns: { cmdline: `"${p}"`, cwd: "", name, parent: "680", path: p, pid: String(1000 + (i % 60000)) }, action: "added" })}\n`;
    }
  })();
  e.bytes += await writeUntil(path, budget, "", body, "");
  e.files++;
}

/** A zip of a CSV export and a CycloneDX JSON SBOM (deflated), and a zip inside it (stored). */
async function zipArchive(path: string, budget: number, seed: number, staging: string, e: Expected): Promise<void> {
  mkdirSync(staging, { recursive: true });
  const inner: Expected = { observations: 0, planted: 0, bytes: 0, files: 0 };
  const csv = join(staging, "inventory.csv");
  const csvRows = Math.floor((budget * 0.6) / 95);
  await writeCsvInventory(csv, csvRows);
  inner.observations += csvRows;
  inner.planted += Math.floor(csvRows / 2000);
  await cyclonedxJson(join(staging, "sbom.cdx.json"), budget * 0.3, seed, inner);
  const nestedCsv = join(staging, "nested.csv");
  await writeCsvInventory(nestedCsv, 2000);
  inner.observations += 2000;
  inner.planted += 1;
  const nestedZip = join(staging, "nested.zip");
  const z2 = new yazl.ZipFile();
  z2.addFile(nestedCsv, "lab/nested.csv", { compress: false });
  z2.end();
  await new Promise<void>((resolve, reject) => z2.outputStream.pipe(createWriteStream(nestedZip)).on("close", resolve).on("error", reject));
  const z = new yazl.ZipFile();
  z.addFile(csv, "fleet-export/inventory.csv");
  z.addFile(join(staging, "sbom.cdx.json"), "fleet-export/sboms/host.cdx.json");
  z.addFile(nestedZip, "fleet-export/lab.zip", { compress: false });
  z.end();
  mkdirSync(dirname(path), { recursive: true });
  await new Promise<void>((resolve, reject) => z.outputStream.pipe(createWriteStream(path)).on("close", resolve).on("error", reject));
  rmSync(staging, { recursive: true, force: true });
  e.observations += inner.observations;
  e.planted += inner.planted;
  e.bytes += statSync(path).size;
  e.files++;
}

/**
 * Writes the mixed estate under `dir` (emptied first), about `totalBytes` in all; returns what a
 * scan of it must find. Shares of the budget follow what an estate holds most: inventories, then
 * SBOMs.
 */
export async function writeMixedEstate(dir: string, totalBytes: number): Promise<Expected> {
  rmSync(dir, { recursive: true, force: true });
  const e: Expected = { observations: 0, planted: 0, bytes: 0, files: 0 };
  const part = (share: number, files: number) => (totalBytes * share) / files;
  let seed = 1;
  // CSV inventories (generate.ts: ~95 bytes a row, one restricted row in 2,000), nested by site
  for (let i = 0; i < 8; i++) {
    const rows = Math.floor(part(0.28, 8) / 95);
    const path = join(dir, "inventories", `site-${i % 3}`, "windows", `software-${i}.csv`);
    mkdirSync(dirname(path), { recursive: true });
    await writeCsvInventory(path, rows);
    e.observations += rows;
    e.planted += Math.floor(rows / 2000);
    e.bytes += statSync(path).size;
    e.files++;
  }
  // osqueryi --json programs (~230 bytes a row)
  for (let i = 0; i < 4; i++) {
    const rows = Math.floor(part(0.18, 4) / 230);
    const path = join(dir, "osquery", `host-group-${i}`, "programs.json");
    mkdirSync(dirname(path), { recursive: true });
    await writeOsqueryPrograms(path, rows);
    e.observations += rows;
    e.planted += Math.floor(rows / 2000);
    e.bytes += statSync(path).size;
    e.files++;
  }
  for (let i = 0; i < 2; i++) await osqueryLog(join(dir, "osquery", "logs", `osqueryd.results.log.${i}`), part(0.1, 2), seed++, e);
  for (let i = 0; i < 6; i++) await cyclonedxJson(join(dir, "sboms", "cyclonedx", `image-${i}.cdx.json`), part(0.14, 6), seed++, e);
  for (let i = 0; i < 4; i++) await cyclonedxXml(join(dir, "sboms", "cyclonedx", "xml", `appliance-${i}.cdx.xml`), part(0.1, 4), seed++, e);
  for (let i = 0; i < 3; i++) await spdxJson(join(dir, "sboms", "spdx", `service-${i}.spdx.json`), part(0.06, 3), seed++, e);
  for (let i = 0; i < 3; i++) await spdxTagValue(join(dir, "sboms", "spdx", "tag-value", `vm-${i}.spdx`), part(0.05, 3), seed++, e);
  for (let i = 0; i < 2; i++) await spdx3(join(dir, "sboms", "spdx", "v3", `firmware-${i}.spdx3.json`), part(0.03, 2), seed++, e);
  await zipArchive(join(dir, "exports", "intune-export.zip"), part(0.06, 1), seed++, join(dir, ".staging"), e);
  return e;
}
