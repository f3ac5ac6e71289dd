/**
 * The dpkg status reader's fast path (fast.ts) against its full path (the same reader given no
 * prefilter: every line through `DpkgStatusReader`). Two ways of reading fast are checked:
 *
 * - with a prefilter whose automaton hits on every byte, the fast path counts nothing and builds
 *   every observation it can itself: observations and issues must then equal the full path's
 *   exactly (values, lines, order, messages), which checks its byte-level reading of stanzas and
 *   its hand-over of the other stanzas, line by line, to the full path;
 * - with the bundled catalog's prefilter (as `scan` reads), the observations it builds are the
 *   full path's in order, it counts the rest, and it never counts one the scanner's own check
 *   (`cannotMatch`, scan/scanner.ts) would send to the matchers; a scanner given either gives the
 *   same report.
 *
 * On the fixtures, on random status files (well-formed and damaged stanzas, Kaspersky packages
 * planted in random case, read in random chunks and under random line limits), and on a stanza
 * for every deb package and publisher of the catalog.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { before, describe, it } from "node:test";
import fc from "fast-check";
import { DEFAULT_LIMITS } from "../../io/limits.js";
import { buildCatalogIndex, identifierValue, type CatalogIndex } from "../../match/catalog-index.js";
import { matchObservation } from "../../match/index.js";
import { buildPrefilter, type Prefilter } from "../../match/prefilter.js";
import type { Catalog, IdentifierValue } from "../../model/catalog.js";
import type { Observation } from "../../model/observation.js";
import { createScanner } from "../../scan/scanner.js";
import { assertFastReading, bundledPrefilter, chunksAt, type Reading } from "../../testing/fast-path.js";
import { repoPath } from "../../testing/index.js";
import type { ReadContext } from "../types.js";
import { fastPathSound } from "./fast.js";
import { dpkgStatusReader } from "./index.js";

let catalog: Catalog;
let index: CatalogIndex;
let prefilter: Prefilter;

before(async () => {
  ({ catalog, index, prefilter } = await bundledPrefilter());
});

/** A prefilter that clears nothing: its automaton hits on the first byte of any value. */
const HITS_EVERYTHING = {
  enabled: true,
  mayMatchText: () => false,
  automaton: () => ({ classes: new Uint8Array(256), table: new Int32Array([0]), hitFrom: 0, width: 1 }),
} as unknown as Prefilter;

type How = "full" | "fast" | "fast-emit" | "fast-all";

async function read(bytes: Buffer, how: How, options: { cuts?: number[]; path?: string; maxRecordChars?: number } = {}): Promise<Reading> {
  const out: Reading = { observations: [], issues: [], skipped: 0 };
  const ctx: ReadContext = {
    report: (i) => void out.issues.push(`${i.source.line ?? "-"} ${i.code} ${i.severity ?? "error"} ${i.message}`),
    ...(options.maxRecordChars ? { limits: { ...DEFAULT_LIMITS, maxRecordChars: options.maxRecordChars } } : {}),
    ...(how === "full" ? {} : { prefilter: how === "fast-all" ? HITS_EVERYTHING : prefilter, skipped: (n: number) => void (out.skipped += n) }),
    ...(how === "fast-emit" ? { emit: (o: Observation) => void out.observations.push(o) } : {}),
  };
  const input = { path: options.path ?? "status", stream: Readable.from(chunksAt(bytes, options.cuts)), encoding: "utf-8" as const };
  for await (const o of dpkgStatusReader.read(input, ctx)) out.observations.push(o);
  return out;
}

async function report(o: Reading) {
  const scanner = createScanner({ catalog, profile: "business", asOf: "2025-06-01" });
  for (const x of o.observations) scanner.add(x);
  scanner.skip(o.skipped);
  const r = await scanner.finish();
  return { ...r, generatedAt: "" };
}

/** The checks of the module comment, on one input read in one way. */
async function same(bytes: Buffer, options: { cuts?: number[]; path?: string; maxRecordChars?: number } = {}): Promise<{ full: Reading; fast: Reading }> {
  const full = await read(bytes, "full", options);
  const all = await read(bytes, "fast-all", options);
  assert.equal(all.skipped, 0);
  assert.deepEqual(all.observations, full.observations, "built or read, the full path's observations");
  assert.deepEqual(all.issues, full.issues, "the full path's issues, at the same lines");

  const fast = await read(bytes, "fast", options);
  assertFastReading(full, fast, await read(bytes, "fast-emit", options), prefilter);
  assert.deepEqual(await report(fast), await report(full), "the same report");
  return { full, fast };
}

const fixtures = readdirSync(repoPath("src/readers/dpkg-status/testdata")).filter((f) => !f.endsWith(".md"));

describe("linux/dpkg-status fast path: fixtures", () => {
  it("is on for the bundled catalog: the purl's own words hold no literal", () => {
    assert.ok(fastPathSound(prefilter));
    assert.equal(fastPathSound(buildPrefilter(buildCatalogIndex({ ...catalog, products: [...catalog.products, { ...catalog.products[0]!, id: "x-deb", identifiers: { packages: ["deb/arch"] } }] }))), false, "a catalog with the literal `arch` turns it off");
  });

  it("gives every fixture's observations and issues, whole and cut into chunks", async () => {
    assert.ok(fixtures.length >= 7, fixtures.join(" "));
    for (const f of fixtures) {
      const bytes = readFileSync(repoPath("src/readers/dpkg-status/testdata", f));
      const { full, fast } = await same(bytes);
      await same(bytes, { cuts: [1, 7, 100, 101, 4096, 20_000, 65_536] });
      if (f === "debian-status" || f === "ubuntu-status") assert.ok(fast.skipped > 50, `${f}: ${fast.skipped} counted`);
      if (f === "kaspersky-status") assert.ok(fast.observations.length > 0 && full.observations.length > fast.observations.length);
    }
  });

  it("reads an opkg status file by its path the full way, and keeps Installed-Time stanzas' purls off", async () => {
    const bytes = readFileSync(repoPath("src/readers/dpkg-status/testdata/opkg-status"));
    for (const path of ["usr/lib/opkg/status", "opkg-status"]) {
      const { fast } = await same(bytes, { path });
      assert.ok(fast.observations.every((o) => o.ids?.purl === undefined));
    }
  });

  it("counts the stanzas it proves clean, whichever of Version, Architecture and Maintainer they have", async () => {
    const stanzas = [
      "Package: bash\nStatus: install ok installed",
      "Package: bash\nStatus: hold ok installed\nVersion: 1:5.2.15-2+b2",
      "Package: bash\nStatus: install ok installed\nArchitecture: amd64",
      "Package: bash\nStatus: install ok installed\nMaintainer: Matthias Klose <doko@debian.org>\nDescription: x\n more\n .",
      "Package: bash\r\nStatus: install ok installed\r\nVersion: 1.0\r\nArchitecture: all\r\nMaintainer: Matthias Klose\r",
    ];
    for (const s of stanzas) {
      for (const text of [s, `${s}\n`, `${s}\n\n${s}\n`]) {
        const { full, fast } = await same(Buffer.from(text));
        assert.deepEqual([fast.observations.length, fast.skipped], [0, full.observations.length], JSON.stringify(text));
      }
    }
  });

  it("reads the edge cases the same way", async () => {
    const cases = [
      "", // empty: dpkg/empty
      "\n \n\t\n",
      "\uFEFFPackage: bash\nStatus: install ok installed\n", // a BOM
      "Package: bash\nStatus: install ok installed", // no line break at the end
      "Package: bash\nStatus: install ok installed\n \u00a0\nPackage: kesl\nStatus: install ok installed\n", // a no-break space is blank to the reader
      "Package: bash\r\nStatus: install ok installed\r\n\r\nPackage: kesl\r\nStatus: install ok installed\r\n", // CRLF
      "PACKAGE: bash\nstatus:   hold   ok   installed \nversion: 1:2.3+4~5\nARCHITECTURE: all\n\n",
      "Package:bash\nStatus: install ok installed\n\nPackage: curl\nStatus: install ok installed\nPackage: apt\n", // no space after the colon; a Package twice
      "Package: libc++\nStatus: install ok installed\nVersion: 1 2\nArchitecture: a%20b\n", // percent-encoded purl parts
      "Package: x\nStatus: install user installed\n\nPackage: y\nStatus: install ok installed\nInstalled-Time: 1\n", // opkg's marks
      "Package: x\nStatus: deinstall ok config-files\n\nPackage: y\nStatus: install ok\n\nPackage: z\n\nVersion: 1\nStatus: install ok installed\n",
      "# a comment\nPackage: x\nStatus: install ok installed\n",
      "Package: x\nStatus: install ok installed\nMaintainer: Kaspersky <support@kaspersky.com>\n\nPackage: y\nStatus: install ok installed\nMaintainer: Someone <kesl@example.com>\n",
      "Package: x\nStatus: install ok installed\nDescription: kesl\n kaspersky klnagent64\n\xff\n",
      "Package: x\nStatus: install ok installed\nMaintainer: Jos\xe9\n", // not UTF-8
      "Description: caf\xff\nPackage: bash\nStatus: install ok installed\n\nPackage: kesl\nStatus: install ok installed\n \nPackage: bash\nStatus: install ok installed",
      `Package: x\nStatus: install ok installed\nDescription: ${"a".repeat(300)}\n${" b".repeat(200)}\n\nPackage: kesl\nStatus: install ok installed\n`,
      `Package: a\nStatus: install ok installed\n\n${"x".repeat(300)}\nPackage: kesl\nStatus: install ok installed\n`, // a long line after counted stanzas
      "Package: bash  \nStatus: install ok installed\t\nVersion: 1.0 \v\nArchitecture: amd64 \n", // values trimmed
      "Package: bash\nStatus: install ok installee\n\nPackage: bash\nStatus: deinstall ok installed\n\nPackage: bash\nStatus: purge ok not-installed\n",
    ];
    for (const text of cases) {
      const bytes = Buffer.from(text, text.includes("\xff") || text.includes("\xe9") ? "latin1" : "utf8");
      for (const cuts of [[], [3, 30, 31, 60], Array.from({ length: 40 }, (_, i) => i * 5)]) {
        await same(bytes, { cuts });
        await same(bytes, { cuts, maxRecordChars: 40 }); // lines over the record limit
      }
    }
  });
});

// Random status files: stanzas well-formed or damaged, Kaspersky packages planted in random case.

const BAD = "\uffff";
const RESTRICTED = ["kesl", "klnagent64", "kav4fs", "kess", "klnagent"];
const NAMES = ["bash", "libc6", "tzdata", "ksnip", "kleopatra", "libstdc++6", "g++", "python3.11", "x"];
const VERSIONS = ["1.0", "1:2.36-9+deb12u4", "2.0~rc1", "5.2.15-2+b2", "", "1 2", "100%", "12.1.0.1543"];
const MAINTAINERS = ["GNU Libc Maintainers <debian-glibc@lists.debian.org>", "Josué Ortega <josue@debian.org>", "ООО «Касперский»", "AO Kaspersky Lab <support@kaspersky.com>", "Matthias Klose", ""];
const STATUSES = ["install ok installed", "install ok installed", "hold ok installed", "deinstall ok config-files", "install ok half-installed", "install user installed", "installed", "install  ok\tinstalled "];
const DAMAGE = ["# comment", " continuation", "no colon here", "Bad Name: x", "Package:nospace", "\u00a0", `Description: caf${BAD}`, "X-Field: a\rb", "Installed-Time: 1700000000"];

/** UTF-8 bytes of `text`, each U+FFFF written as the byte 0xFF (never valid UTF-8). */
function withBadBytes(text: string): Buffer {
  const parts = text.split(BAD).map((p) => Buffer.from(p, "utf8"));
  return Buffer.concat(parts.flatMap((p, i) => (i === 0 ? [p] : [Buffer.from([0xff]), p])));
}

type Stanza = { lines: string[]; planted?: string; clean: boolean };

const spell = (s: string, how: number): string => (how === 1 ? s.toUpperCase() : how === 2 ? s[0]!.toUpperCase() + s.slice(1) : s);

const stanza = (): fc.Arbitrary<Stanza> =>
  fc
    .record({
      restricted: fc.boolean(),
      name: fc.constantFrom(...NAMES),
      planted: fc.constantFrom(...RESTRICTED),
      how: fc.nat(2),
      status: fc.constantFrom(...STATUSES),
      version: fc.option(fc.constantFrom(...VERSIONS)),
      arch: fc.option(fc.constantFrom("amd64", "all", "arm64", "x y")),
      maintainer: fc.option(fc.constantFrom(...MAINTAINERS)),
      fieldCase: fc.constantFrom("Package", "package", "PACKAGE"),
      description: fc.option(fc.array(fc.constantFrom("text", "kaspersky inside", ".", "Лаборатория", "50%25"), { maxLength: 3 })),
      order: fc.nat(5),
      damage: rarely(fc.tuple(fc.constantFrom(...DAMAGE), fc.nat(8)), 4),
      drop: rarely(fc.constantFrom("package", "status"), 10),
      pad: fc.constantFrom("", "", "", "  ", "\t", " \v"),
      crlf: fc.boolean(),
    })
    .map((r) => {
      const name = r.restricted ? spell(r.planted, r.how) : r.name;
      const lines = [
        ...(r.drop === "package" ? [] : [`${r.fieldCase}: ${name}${r.pad}`]),
        ...(r.drop === "status" ? [] : [`Status: ${r.status}`]),
        ...(r.version !== null ? [`Version: ${r.version}${r.pad}`] : []),
        ...(r.arch !== null ? [`Architecture: ${r.arch}`] : []),
        ...(r.maintainer !== null ? [`Maintainer: ${r.maintainer}`] : []),
        ...(r.description !== null ? ["Description: a package", ...r.description.map((d) => ` ${d}`)] : []),
      ];
      // the Package line somewhere else than first, now and then
      if (r.order === 1 && lines.length > 2) lines.push(lines.shift()!);
      if (r.damage) lines.splice(r.damage[1] % (lines.length + 1), 0, r.damage[0]);
      if (r.crlf) for (let i = 0; i < lines.length; i++) lines[i] += "\r";
      const installed = r.status.trim().split(/\s+/).join(" ").replace("hold", "install") === "install ok installed";
      const clean = r.restricted && installed && r.drop === null && !r.damage;
      return { lines, ...(r.restricted ? { planted: r.planted } : {}), clean };
    });

/** `arb` one time in `n`, else null. */
const rarely = <T>(arb: fc.Arbitrary<T>, n: number): fc.Arbitrary<T | null> => fc.oneof({ weight: n - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });

const separator = fc.constantFrom("\n", "\n", "\n", " \n", "\t\n", "\r\n", "\n\n", "\u00a0\n");

describe("linux/dpkg-status fast path: random status files", () => {
  it("gives the full path's observations, issues and report, and finds every planted package", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(stanza(), separator), { minLength: 1, maxLength: 25 }),
        fc.array(fc.nat(6000), { maxLength: 12 }),
        rarely(fc.integer({ min: 20, max: 200 }), 5),
        fc.boolean(),
        fc.constantFrom("status", "status", "status", "status", "var/lib/opkg/status"),
        async (stanzas, cuts, maxRecordChars, endsWithBreak, path) => {
          let text = "";
          const planted: { line: number; name: string }[] = [];
          let line = 1;
          for (const [s, sep] of stanzas) {
            if (s.clean && s.planted) planted.push({ line, name: s.planted });
            text += s.lines.join("\n") + "\n" + sep;
            line += s.lines.length + (sep.match(/\n/g)?.length ?? 0);
          }
          if (!endsWithBreak) text = text.replace(/\n+$/, "");
          const bytes = withBadBytes(text);
          const options = { cuts, path, ...(maxRecordChars !== null ? { maxRecordChars } : {}) };
          const { fast } = await same(bytes, options);
          if (maxRecordChars !== null) return; // a long line may hide a stanza's start
          const found = new Set(fast.observations.filter((o) => matchObservation(o, index).matches.length > 0).map((o) => `${o.source.line} ${o.name.toLowerCase()}`));
          for (const p of planted) assert.ok(found.has(`${p.line} ${p.name}`), `${p.name} at line ${p.line} found: ${[...found].join(", ")}`);
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe("linux/dpkg-status fast path: the catalog's packages and publishers", () => {
  it("finds a stanza for every deb package and every publisher of the catalog as the full path does", async () => {
    const debs: string[] = [];
    const publishers: string[] = [];
    const take = (values: IdentifierValue[] | undefined): void => {
      for (const v of values ?? []) {
        const value = identifierValue(v).value;
        if (value.startsWith("deb/")) debs.push(value.slice(4).replace(/\*$/, "21"));
      }
    };
    for (const p of catalog.products) take(p.identifiers.packages);
    for (const l of catalog.lookalikes) take(l.identifiers.packages);
    for (const e of catalog.entities) publishers.push(...e.publishers);
    for (const l of catalog.lookalikes) publishers.push(...l.publishers);
    assert.ok(debs.length >= 5, `${debs.length} deb packages`);
    const stanzas = [
      ...debs.flatMap((name) => [name, name.toUpperCase()].map((n) => `Package: ${n}\nStatus: install ok installed\nMaintainer: Somebody <a@b.c>\nArchitecture: amd64\nVersion: 1.0\n`)),
      ...publishers.map((p) => `Package: tool\nStatus: install ok installed\nMaintainer: ${p} <support@example.com>\nVersion: 1.0\n`),
    ];
    const { full, fast } = await same(Buffer.from(stanzas.join("\n")));
    assert.equal(full.observations.length, stanzas.length);
    const found = new Set(fast.observations.filter((o) => matchObservation(o, index).matches.length > 0).map((o) => o.name.toLowerCase()));
    for (const name of debs) {
      if (catalog.products.some((p) => (p.identifiers.packages ?? []).some((v) => identifierValue(v).value === `deb/${name}`))) assert.ok(found.has(name), `deb/${name} found`);
    }
  });
});
