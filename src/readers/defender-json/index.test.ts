/**
 * @module
 * Tests of the Defender software inventory JSON reader over hand-made exports
 * (testdata/README.md): API pages, JSON lines, advanced hunting results, broken input.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { probeFile, readAll, repoPath, textProbe } from "../../testing/index.js";
import type { ReportableIssue } from "../types.js";
import { defenderJsonReader } from "./index.js";

const fixture = (name: string): string => repoPath("src/readers/defender-json/testdata", name);
const read = (name: string) => readAll(defenderJsonReader, fixture(name));
const codes = (issues: ReportableIssue[]) => issues.map((i) => [i.code, i.severity ?? "error", i.source.line ?? i.source.record]);

describe("inventory/defender-json: detect", () => {
  it("recognizes API pages, JSON lines and hunting results by their columns", () => {
    for (const f of ["software-inventory-by-machine.json", "truncated.json", "via-files.jsonl", "advanced-hunting.json"]) {
      assert.equal(defenderJsonReader.detect(probeFile(fixture(f))), 0.9, f);
    }
    assert.equal(defenderJsonReader.detect(textProbe('{"value":[{"displayName":"x","deviceCount":1,"publisher":"y"}]}')), 0);
    assert.equal(defenderJsonReader.detect(textProbe("DeviceName,SoftwareVendor,SoftwareName\n")), 0);
  });
});

describe("inventory/defender-json: reading", () => {
  it("reads an API page: host, CPE-style tokens as they are, first disk path, first-seen time", async () => {
    const { observations, issues } = await read("software-inventory-by-machine.json");
    assert.deepEqual(issues, []);
    assert.deepEqual(observations[0], {
      kind: "software",
      name: "endpoint_security",
      vendor: "kaspersky",
      version: "12.6.0.438",
      path: "C:\\Program Files (x86)\\Kaspersky Lab\\Kaspersky Endpoint Security for Windows\\avp.exe",
      host: "ws-0142.corp.example",
      seenAt: "2024-01-15T10:00:00.000Z",
      source: { file: fixture("software-inventory-by-machine.json"), record: 1, pointer: "/value/0" },
    });
    assert.deepEqual(observations.map((o) => [o.vendor, o.name, o.host]), [
      ["kaspersky", "endpoint_security", "ws-0142.corp.example"],
      ["kaspersky", "security_center_network_agent", "ws-0142.corp.example"],
      ["microsoft", "edge_chromium", "ws-0142.corp.example"],
      ["eset", "endpoint_security", "srv-file-02.corp.example"],
      ["kingsoft", "antivirus", "srv-file-02.corp.example"],
      ["pango", "ultraav", "srv-file-02.corp.example"],
    ]);
    assert.equal(observations[4]!.path, undefined);
  });

  it("reads JSON lines, reporting a cut line and a row without SoftwareName by line", async () => {
    const { observations, issues } = await read("via-files.jsonl");
    assert.deepEqual(codes(issues), [
      ["json/syntax", "error", 4],
      ["defender/row", "warning", 6],
    ]);
    assert.deepEqual(observations.map((o) => [o.source.line, o.name]), [
      [1, "endpoint_security"],
      [2, "security_center_network_agent"],
      [3, "edge_chromium"],
      [5, "antivirus"],
      [7, "ultraav"],
    ]);
  });

  it("reads advanced hunting Results with their CPE", async () => {
    const { observations, issues } = await read("advanced-hunting.json");
    assert.deepEqual(issues, []);
    assert.deepEqual(observations.map((o) => [o.source.pointer, o.vendor, o.name, o.ids?.cpe]), [
      ["/Results/0", "kaspersky_lab", "total_security", "cpe:2.3:a:kaspersky:kaspersky_total_security:21.3.10.391:*:*:*:*:*:*:*"],
      ["/Results/1", "google", "chrome", "cpe:2.3:a:google:chrome:120.0.6099.130:*:*:*:*:*:*:*"],
      ["/Results/2", "checkmarx", "kics", undefined],
    ]);
  });

  it("keeps the rows before the cut of a truncated page", async () => {
    const { observations, issues } = await read("truncated.json");
    assert.deepEqual(codes(issues), [["json/truncated", "error", 1]]);
    assert.deepEqual(observations.map((o) => o.name), ["endpoint_security", "security_center_network_agent", "edge_chromium"]);
  });
});
