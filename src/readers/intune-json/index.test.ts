/**
 * @module
 * Tests of the Intune detectedApps reader over hand-made Graph pages (testdata/README.md).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { probeFile, readAll, repoPath, textProbe } from "../../testing/index.js";
import type { ReportableIssue } from "../types.js";
import { intuneJsonReader } from "./index.js";

const fixture = (name: string): string => repoPath("src/readers/intune-json/testdata", name);
const read = (name: string) => readAll(intuneJsonReader, fixture(name));
const codes = (issues: ReportableIssue[]) => issues.map((i) => [i.code, i.severity ?? "error", i.source.line ?? i.source.record]);

describe("inventory/intune-json: detect", () => {
  it("recognizes detectedApps pages by their @odata.context or their properties", () => {
    for (const f of ["detected-apps.json", "truncated.json", "detected-apps-with-devices.json"]) assert.equal(intuneJsonReader.detect(probeFile(fixture(f))), 0.95, f);
    assert.equal(intuneJsonReader.detect(textProbe('[{"displayName":"Kaspersky","deviceCount":3,"publisher":"AO Kaspersky Lab"}]')), 0.9);
    assert.equal(intuneJsonReader.detect(textProbe('{"value":[{"SoftwareName":"x","SoftwareVendor":"y","DeviceName":"z"}]}')), 0);
  });
});

describe("inventory/intune-json: reading", () => {
  it("reads one observation per app; apps of mobile platforms are mobile apps", async () => {
    const { observations, issues } = await read("detected-apps.json");
    assert.deepEqual(issues, []);
    assert.deepEqual(observations.map((o) => [o.source.record, o.kind, o.name, o.vendor, o.version, o.host]), [
      [1, "software", "Kaspersky", "AO Kaspersky Lab", "21.9.6.465", undefined],
      [2, "software", "Kaspersky Security Cloud", "AO Kaspersky Lab", "21.3.10.391", undefined],
      [3, "software", "Kaspersky Endpoint Security for Mac", undefined, "12.1.0.553", undefined],
      [4, "mobile-app", "Kaspersky: VPN & Antivirus", "Kaspersky Lab Switzerland", "11.112.4.9791", undefined],
      [5, "software", "UltraAV", "Pango Group", "1.3.5", undefined],
      [6, "software", "Microsoft Edge", "Microsoft Corporation", "120.0.2210.144", undefined],
    ]);
    assert.deepEqual(observations[0]!.source, { file: fixture("detected-apps.json"), record: 1, pointer: "/value/0" });
  });

  it("with managedDevices expanded: one observation per device, the device name as host", async () => {
    const { observations, issues } = await read("detected-apps-with-devices.json");
    assert.deepEqual(codes(issues), [
      ["intune/app", "warning", 3],
      ["intune/app", "error", 4],
    ]);
    assert.deepEqual(observations.map((o) => [o.source.record, o.name, o.host, o.seenAt]), [
      [1, "Kaspersky", "LAPTOP-HR-014", "2024-10-01T08:12:00.000Z"],
      // "0001-01-01T00:00:00Z" is Graph's "never": no time
      [1, "Kaspersky", "LAPTOP-SALES-03", undefined],
      [2, "UltraAV", "LAPTOP-SALES-03", undefined],
    ]);
  });

  it("keeps the apps before the cut of a truncated page", async () => {
    const { observations, issues } = await read("truncated.json");
    assert.deepEqual(codes(issues), [["json/truncated", "error", 1]]);
    assert.equal(observations.length, 4);
  });
});
