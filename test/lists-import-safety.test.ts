/**
 * `ictsguard lists import` as a user runs it (a child process with its own ICTSGUARD_HOME): an
 * import never replaces a stored list with nothing, with garbage, with an import that had errors
 * or one that keeps under half of it, unless --force; it refuses files that are no list; it reads
 * the UN consolidated list and screens against it.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { repoPath } from "../src/testing/index.js";
import { tempDir } from "../src/testing/temp.js";

const BIN = repoPath("bin/ictsguard.js");
const lists = (...p: string[]) => repoPath("src/screen/lists/testdata", ...p);

function run(args: string[], home: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: tempDir("ictsguard-cwd-"), input: "", encoding: "utf8", env: { ...process.env, NO_COLOR: "1", ICTSGUARD_HOME: home } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
const entries = (home: string, name: string) =>
  (JSON.parse(run(["lists", "-o", "json"], home).stdout) as { lists: { name: string; entries: number }[] }).lists.find((l) => l.name === name)?.entries;
const file = (name: string, content: string | Buffer) => {
  const path = join(tempDir("ictsguard-in-"), name);
  writeFileSync(path, content);
  return path;
};

describe("lists import: a stored list is never replaced by less without --force", () => {
  const home = tempDir("ictsguard-home-");
  before(() => {
    const r = run(["lists", "import", lists("ofac-sdn"), "-q"], home);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(entries(home, "ofac-sdn"), 9043);
  });

  it("an empty CSV under the list's name is refused (exit 2) and the 9,043 entries stay", () => {
    const r = run(["lists", "import", file("empty.csv", ""), "--name", "ofac-sdn", "-q"], home);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /empty/);
    assert.equal(entries(home, "ofac-sdn"), 9043);
  });

  it("3 KB of random bytes are refused as no list (exit 2) and the list stays", () => {
    let seed = 11;
    const bytes = Buffer.from(Buffer.alloc(3072).map(() => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff));
    const r = run(["lists", "import", file("random.csv", bytes), "--name", "ofac-sdn", "-q"], home);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not a list this importer can read: the file holds binary data/);
    assert.equal(entries(home, "ofac-sdn"), 9043);
  });

  it("a list with one bad row among good ones does not replace it; with --force it does", () => {
    const rows = ["name,country"];
    for (let i = 0; i < 9000; i++) rows.push(`Replacement Trading Company ${i},DE`);
    rows.push(",DE");
    const path = file("replacement.csv", rows.join("\n") + "\n");
    const refused = run(["lists", "import", path, "--name", "ofac-sdn", "-q"], home);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /row without a name[\s\S]*the list "ofac-sdn" was not replaced: 1 record\(s\) could not be read/);
    assert.equal(entries(home, "ofac-sdn"), 9043);
    const forced = run(["lists", "import", path, "--name", "ofac-sdn", "-q", "--force"], home);
    assert.equal(forced.code, 2, "stored, and still exit 2 for the bad row");
    assert.match(forced.stdout, /imported ofac-sdn \(csv\): 9000 entries.*\(was 9043 entries\)/);
    assert.equal(entries(home, "ofac-sdn"), 9000);
  });

  it("an import that keeps under half of the list is refused; a new list of the same file is stored", () => {
    const small = file("small.csv", "name\nAcme One\nAcme Two\n");
    const r = run(["lists", "import", small, "--name", "ofac-sdn", "-q"], home);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /the import has 2 entries, under half of the 9000/);
    assert.equal(entries(home, "ofac-sdn"), 9000);
    assert.equal(run(["lists", "import", small, "--name", "mine", "-q"], home).code, 0);
    assert.equal(entries(home, "mine"), 2);
  });

  it("an XML file that is no list is refused, naming its root element", () => {
    const r = run(["lists", "import", file("report.xml", '<?xml version="1.0"?><nmaprun><host/></nmaprun>'), "-q"], home);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /report\.xml: not a list this importer can read: XML whose root element is <nmaprun>/);
  });
});

describe("lists import: the UN Security Council Consolidated List", () => {
  it("imports the XML as un-sc and screens against it", () => {
    const home = tempDir("ictsguard-home-");
    const r = run(["lists", "import", lists("un/consolidated-excerpt.xml"), "-q"], home);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /imported un-sc \(un-xml\): 18 entries/);
    const s = run(["screen", "--name", "Abdullah Azzam Brigades", "-o", "json", "--list", "un-sc"], home);
    assert.equal(s.code, 1, s.stderr);
    const doc = JSON.parse(s.stdout) as { results: { candidates: { entity: { id: string } }[] }[] };
    assert.equal(doc.results[0]!.candidates[0]!.entity.id, "QDe.144");
    assert.ok(readFileSync(lists("un/consolidated-excerpt.xml"), "utf8").includes("QDe.144"));
  });
});
