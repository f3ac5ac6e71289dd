/**
 * One suite every registered reader must pass: detection stays in 0..1 and picks the right
 * reader for its own fixtures; reading yields schema-valid, located observations; garbage and
 * cut-off input are reported as issues, never thrown.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Observation } from "../model/observation.js";
import { probeFile, readAll, repoPath } from "../testing/index.js";
import { detectReader } from "./detect.js";
import { READERS } from "./registry.js";
import { tempDir } from "../testing/temp.js";

/** Fixture folders of each reader, and the files that are not inputs of that reader. */
const FOLDERS: Record<string, string> = {
  "sbom/cyclonedx-json": "src/readers/cyclonedx-json/testdata",
  "sbom/spdx-json": "src/readers/spdx-json/testdata",
  osquery: "src/readers/osquery/testdata",
  "inventory/csv": "src/readers/csv/testdata",
  "network/zeek": "src/readers/zeek/testdata",
  "network/suricata-eve": "src/readers/suricata-eve/testdata",
  "network/dnsmasq": "src/readers/dnsmasq/testdata",
  "network/squid": "src/readers/squid/testdata",
  "network/windows-dns": "src/readers/windows-dns/testdata",
  "sbom/cyclonedx-xml": "src/readers/cyclonedx-xml/testdata",
  "sbom/spdx-tag-value": "src/readers/spdx-tag-value/testdata",
  "sbom/spdx3-jsonld": "src/readers/spdx3-jsonld/testdata",
  "windows/reg": "src/readers/windows-reg/testdata",
  "linux/dpkg-status": "src/readers/dpkg-status/testdata",
  "linux/dpkg-list": "src/readers/dpkg-list/testdata",
  "linux/rpm-list": "src/readers/rpm-list/testdata",
  "macos/system-profiler": "src/readers/system-profiler/testdata",
  "macos/info-plist": "src/readers/info-plist/testdata",
  "windows/winget": "src/readers/winget/testdata",
  "windows/wmic": "src/readers/wmic/testdata",
  "windows/powershell-json": "src/readers/powershell-json/testdata",
  "inventory/defender-json": "src/readers/defender-json/testdata",
  "inventory/intune-json": "src/readers/intune-json/testdata",
  "inventory/nmap-xml": "src/readers/nmap-xml/testdata",
};
const NOT_INPUTS = /(\.md|inventory\.csv|spdx3-package_sbom\.json|empty\.[a-z.]+|no-name-column\.csv|no-records\.log)$/;

/** Fixtures read only with --input-format: a table osquery's columns do not identify. */
const FORCED_ONLY = /unknown-table\.json$/;

const fixtures = (reader: string): string[] =>
  readdirSync(repoPath(FOLDERS[reader]!))
    .filter((f) => !NOT_INPUTS.test(f))
    .map((f) => repoPath(FOLDERS[reader]!, f));

describe("reader conformance", () => {
  it("every registered reader has fixtures here", () => {
    assert.deepEqual(READERS.map((r) => r.name).sort(), Object.keys(FOLDERS).sort());
  });

  for (const reader of READERS) {
    describe(reader.name, () => {
      it("detection picks this reader for its own fixtures, with scores in 0..1", () => {
        for (const file of fixtures(reader.name)) {
          const probe = probeFile(file);
          for (const r of READERS) {
            const score = r.detect(probe);
            assert.ok(score >= 0 && score <= 1, `${r.name} scored ${score} on ${file}`);
          }
          if (!FORCED_ONLY.test(file)) assert.equal(detectReader(probe)?.name, reader.name, file);
        }
      });

      it("yields schema-valid observations with a non-empty name and a location", async () => {
        let total = 0;
        for (const file of fixtures(reader.name)) {
          const { observations } = await readAll(reader, file);
          for (const o of observations) {
            const parsed = Observation.safeParse(o);
            assert.ok(parsed.success, `${file}: ${JSON.stringify(o)} ${parsed.error?.message}`);
            assert.ok(o.name.trim().length > 0 && o.name === o.name.trim(), `${file}: name "${o.name}"`);
            assert.equal(o.source.file, file);
            assert.ok(o.source.line !== undefined || o.source.record !== undefined || o.source.pointer !== undefined, `${file}: unlocated`);
          }
          total += observations.length;
        }
        assert.ok(total > 0);
      });

      it("reports garbage and a file cut in half as issues, without throwing", async () => {
        const dir = tempDir("ictsguard-conf-");
        const garbage = join(dir, "garbage.bin");
        writeFileSync(garbage, Buffer.from([0x7b, 0x5b, 0x22, 0xff, 0xfe, 0x00, 0x2c, 0x0a, 0x7d, 0x7d, 0x22, 0x3a]));
        const { issues } = await readAll(reader, garbage);
        assert.ok(issues.length > 0, `${reader.name} said nothing about garbage`);
        const source = fixtures(reader.name).find((f) => readFileSync(f).length > 400 && !/utf16|latin1/.test(f))!;
        const half = join(dir, "half");
        const bytes = readFileSync(source);
        writeFileSync(half, bytes.subarray(0, Math.floor(bytes.length / 2)));
        const cut = await readAll(reader, half);
        for (const i of cut.issues) assert.equal(i.source.file, half);
      });
    });
  }
});
