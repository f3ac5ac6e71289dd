/**
 * @module
 * Tests of the Info.plist reader over real app bundle plists (Slack, Ghostty; testdata/PROVENANCE.md)
 * and hand-made ones: Kaspersky XML and binary plists, a look-alike, broken and truncated files.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { probeFile, readAll, repoPath, textProbe } from "../../testing/index.js";
import type { ReportableIssue } from "../types.js";
import { copyrightHolder, infoPlistReader, parseInfoPlist } from "./index.js";

const fixture = (name: string): string => repoPath("src/readers/info-plist/testdata", name);
const read = (name: string) => readAll(infoPlistReader, fixture(name));
const codes = (issues: ReportableIssue[]) => issues.map((i) => [i.code, i.severity ?? "error", i.source.line]);

describe("macos/info-plist: detect", () => {
  it("recognizes XML and binary app bundle plists, and plists named Info.plist", () => {
    for (const f of ["Slack.app-Info.plist", "Ghostty.app-Info.plist", "kaspersky-kav-Info.plist", "kaspersky-agent-binary-Info.plist", "ultraav-Info.plist", "malformed-Info.plist", "truncated-binary-Info.plist"]) {
      assert.equal(infoPlistReader.detect(probeFile(fixture(f))), 0.9, f);
    }
    assert.equal(infoPlistReader.detect(probeFile(fixture("dock-prefs-Info.plist"))), 0.8);
    assert.equal(infoPlistReader.detect(textProbe('<?xml version="1.0"?><plist version="1.0"><dict><key>autohide</key><true/></dict></plist>', "com.apple.dock.plist")), 0);
    assert.equal(infoPlistReader.detect(probeFile(repoPath("src/readers/system-profiler/testdata/applications.xml"))), 0);
  });
});

describe("macos/info-plist: reading", () => {
  it("reads the real Slack and Ghostty bundle plists: bundle id, display name, short version, copyright holder", async () => {
    const slack = await read("Slack.app-Info.plist");
    assert.deepEqual(slack.issues, []);
    assert.deepEqual(slack.observations, [
      {
        kind: "software",
        name: "Slack",
        vendor: "Slack Technologies LLC, a Salesforce company",
        version: "4.50.128",
        ids: { bundleId: "com.tinyspeck.slackmacgap" },
        source: { file: fixture("Slack.app-Info.plist"), line: 11 },
      },
    ]);
    const ghostty = await read("Ghostty.app-Info.plist");
    assert.deepEqual(ghostty.observations.map((o) => [o.name, o.version, o.vendor, o.ids?.bundleId]), [["Ghostty", "1.3.1", undefined, "com.mitchellh.ghostty"]]);
  });

  it("reads Kaspersky bundles from XML and binary plists", async () => {
    const xml = await read("kaspersky-kav-Info.plist");
    assert.deepEqual(xml.observations.map((o) => [o.name, o.version, o.vendor, o.ids?.bundleId]), [["Kaspersky Anti-Virus For Mac", "21.0.29.463", "AO Kaspersky Lab", "com.kaspersky.kav.gui"]]);
    const binary = await read("kaspersky-agent-binary-Info.plist");
    assert.deepEqual(binary.issues, []);
    assert.deepEqual(binary.observations, [
      {
        kind: "software",
        name: "Kaspersky Endpoint Security for Mac",
        vendor: "AO Kaspersky Lab",
        version: "12.1.0.553",
        ids: { bundleId: "com.kaspersky.kav_agent" },
        source: { file: fixture("kaspersky-agent-binary-Info.plist"), record: 1 },
      },
    ]);
  });

  it("takes the .app folder as the path when the plist sits in a bundle", async () => {
    const file = "/Applications/Kaspersky Anti-Virus For Mac.app/Contents/Info.plist";
    const { observations } = await parseInfoPlist(readFileSync(fixture("kaspersky-kav-Info.plist")), file);
    assert.equal(observations[0]!.path, "/Applications/Kaspersky Anti-Virus For Mac.app");
    assert.equal(observations[0]!.source.file, file);
  });

  it("reports a malformed XML plist at its line, a damaged binary plist, and a plist that is not a bundle's", async () => {
    const bad = await read("malformed-Info.plist");
    assert.deepEqual(codes(bad.issues), [["plist/syntax", "error", 10]]);
    assert.match(bad.issues[0]!.message, /Opening and ending tag mismatch: "string" != "strin"/);
    const cut = await read("truncated-binary-Info.plist");
    assert.deepEqual(codes(cut.issues), [["plist/syntax", "error", undefined]]);
    assert.match(cut.issues[0]!.message, /not a valid binary plist .*\(cut short or damaged\?\)/);
    const prefs = await read("dock-prefs-Info.plist");
    assert.deepEqual(codes(prefs.issues), [["plist/not-a-bundle", "error", 1]]);
    for (const r of [bad, cut, prefs]) assert.deepEqual(r.observations, []);
  });

  it("reads the copyright holder out of NSHumanReadableCopyright", () => {
    assert.equal(copyrightHolder("© 2021 AO Kaspersky Lab. All Rights Reserved."), "AO Kaspersky Lab");
    assert.equal(copyrightHolder("Copyright © 1997-2023 AO Kaspersky Lab. All rights reserved."), "AO Kaspersky Lab");
    assert.equal(copyrightHolder("Copyright (c) 2024 Example, Inc."), "Example, Inc.");
    assert.equal(copyrightHolder("©2026 Slack Technologies LLC, a Salesforce company. All rights reserved."), "Slack Technologies LLC, a Salesforce company");
    assert.equal(copyrightHolder("All rights reserved."), undefined);
  });
});
