import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { Ajv2020 } from "ajv/dist/2020.js";
import { STATUSES, type ReportDocument } from "../../model/finding.js";
import { repoPath } from "../../testing/index.js";
import { assertGolden, render } from "../testdata/helpers.js";
import { emptyDocument, sampleDocument } from "../testdata/sample-document.js";
import { LEVELS, toUri, type SarifLog } from "./index.js";

// The SARIF 2.1.0 schema as shipped in @microsoft/sarif-multitool-linux (see PROVENANCE.md).
// It declares JSON Schema 2020-12, hence Ajv2020. Its formats are checked by small regexes,
// strict enough to catch what code-scanning services reject (an unencoded space, a backslash).
const schema = JSON.parse(readFileSync(repoPath("src/report/sarif/testdata/sarif-schema-2.1.0.json"), "utf8")) as object;
const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addFormat("uri", /^[a-z][a-z0-9+.-]*:[^\s\\]*$/i);
ajv.addFormat("uri-reference", (s: string) => !/[\s\\<>"{}|^`]/.test(s) && !/%(?![0-9a-f]{2})/i.test(s));
ajv.addFormat("uuid", /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
ajv.addFormat("date-time", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
const validate = ajv.compile(schema);

const sarif = async (doc: ReportDocument): Promise<SarifLog> => JSON.parse(await render("sarif", doc)) as SarifLog;
const assertValid = (log: unknown): void => {
  assert.ok(validate(log), ajv.errorsText(validate.errors, { separator: "\n" }));
};

describe("sarif report", () => {
  it("validates against the SARIF 2.1.0 schema", async () => {
    assertValid(await sarif(sampleDocument()));
    assertValid(await sarif(emptyDocument()));
  });

  it("the validator does reject broken logs (so the test above means something)", async () => {
    const log = await sarif(sampleDocument());
    (log.runs[0]!.results[0]! as { level: string }).level = "critical";
    assert.equal(validate(log), false);
    const noMessage = await sarif(sampleDocument());
    delete (noMessage.runs[0]!.results[0]! as { message?: unknown }).message;
    assert.equal(validate(noMessage), false);
    const badUri = await sarif(sampleDocument());
    badUri.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri = "C:\\inv\\a b.csv";
    assert.equal(validate(badUri), false);
  });

  it("matches the golden file", async () => {
    assertGolden("sample.sarif.json", await render("sarif", sampleDocument()));
  });

  it("describes the tool and the run", async () => {
    const log = await sarif(sampleDocument());
    assert.equal(log.$schema, "https://json.schemastore.org/sarif-2.1.0.json");
    assert.equal(log.version, "2.1.0");
    assert.equal(log.runs.length, 1);
    const run = log.runs[0]!;
    assert.equal(run.tool.driver.name, "ictsguard");
    assert.equal(run.tool.driver.version, "0.1.0");
    assert.equal(run.tool.driver.informationUri, "https://github.com/ictsguard/ictsguard");
    assert.deepEqual(run.properties, {
      profile: "federal-contractor",
      asOf: "2025-01-01",
      catalogVersion: "2026.11.22",
      catalogDate: "2026-11-22",
      catalogDigest: sampleDocument().catalog.digest,
    });
  });

  it("has one rule per product, each result pointing at its own", async () => {
    const run = (await sarif(sampleDocument())).runs[0]!;
    const ids = run.tool.driver.rules.map((r) => r.id);
    assert.deepEqual(ids, ["ictsguard/kaspersky-endpoint-security", "ictsguard/kaspersky-anti-virus", "ictsguard/kaspersky-rescue-disk"]);
    assert.equal(run.results.length, 5);
    for (const r of run.results) assert.equal(ids[r.ruleIndex], r.ruleId);
    const kes = run.tool.driver.rules[0]!;
    assert.deepEqual(kes.properties.tags, ["restricted-software", "kaspersky", "endpoint-security"]);
    assert.match(kes.fullDescription.text, /endpoint-security software of Kaspersky/);
    assert.match(kes.help.text, /Remediation: Uninstall Kaspersky Endpoint Security/);
  });

  it("maps statuses to levels: prohibited and unsupported error, deadline warning, review note", async () => {
    assert.deepEqual(LEVELS, { prohibited: "error", unsupported: "error", deadline: "warning", review: "note" });
    const doc = sampleDocument();
    doc.findings.forEach((f, i) => (f.status = STATUSES[i]!));
    const results = (await sarif(doc)).runs[0]!.results;
    assert.deepEqual(
      results.slice(0, 4).map((r) => [r.properties.status, r.level]),
      [["prohibited", "error"], ["unsupported", "error"], ["deadline", "warning"], ["review", "note"]],
    );
  });

  it("results carry a message, the file, a line only when there is one, a fingerprint and properties", async () => {
    const doc = sampleDocument();
    const [kes, , kav] = (await sarif(doc)).runs[0]!.results;
    assert.match(kes!.message.text, /^prohibited: Kaspersky Endpoint Security \(Kaspersky\) found as "Kaspersky Endpoint Security for Windows 12\.3\.0\.493" on ws-001\. .* Rule: us-ndaa18-1634-far-52-204-23\.$/);
    assert.deepEqual(kes!.locations[0]!.physicalLocation, { artifactLocation: { uri: "inventory.csv" }, region: { startLine: 3 } });
    assert.deepEqual(kes!.partialFingerprints, { "ictsguard/v2": doc.findings[0]!.id });
    assert.deepEqual(kes!.properties.rules, ["us-ndaa18-1634-far-52-204-23", "us-bis-icts-kaspersky-final-determination"]);
    assert.equal(kes!.properties.vendor, "kaspersky");
    assert.equal(kes!.properties.confidence, 0.95);
    assert.ok((kes!.properties.citations as string[]).includes("Federal Acquisition Regulation, FAR 52.204-23"));

    // a CycloneDX record has no line: no region, the record named as a logical location
    assert.deepEqual(kav!.locations[0]!.physicalLocation, { artifactLocation: { uri: "sboms/app.cdx.json" } });
    assert.deepEqual(kav!.locations[0]!.logicalLocations, [{ name: "record 4", fullyQualifiedName: "/components/3", kind: "object" }]);
    assert.equal(kav!.properties.record, 4);
    for (const r of (await sarif(doc)).runs[0]!.results) assert.ok(r.message.text.length > 0);
  });

  it("puts the deadline in the message and the properties", async () => {
    const doc = sampleDocument();
    doc.findings[2]!.status = "deadline";
    doc.findings[2]!.deadline = "2026-06-30";
    const r = (await sarif(doc)).runs[0]!.results[2]!;
    assert.match(r.message.text, /Deadline: 2026-06-30\.$/);
    assert.equal(r.properties.deadline, "2026-06-30");
    assert.equal(r.level, "warning");
  });

  it("suppressed findings are results with an accepted external suppression; others have none", async () => {
    const results = (await sarif(sampleDocument())).runs[0]!.results;
    assert.deepEqual(results.map((r) => r.suppressions !== undefined), [false, false, false, false, true]);
    assert.deepEqual(results[4]!.suppressions, [
      {
        kind: "external",
        status: "accepted",
        justification: "Isolated malware-analysis lab, no network; removal ticket SEC-1234",
        properties: { exception: 1, author: "j.doe@example.com", expires: "2099-12-31" },
      },
    ]);
  });

  it("reports input problems as tool execution notifications; a run with errors did not succeed and exits 2", async () => {
    const inv = (await sarif(sampleDocument())).runs[0]!.invocations[0]!;
    assert.equal(inv.executionSuccessful, false);
    assert.equal(inv.exitCode, 2);
    const clean = (await sarif(emptyDocument())).runs[0]!.invocations[0]!;
    assert.deepEqual([clean.executionSuccessful, clean.exitCode], [true, 0]);
    const findingsOnly = sampleDocument();
    findingsOnly.errors = [];
    findingsOnly.summary.errors = 0;
    findingsOnly.summary.warnings = 0;
    const failed = (await sarif(findingsOnly)).runs[0]!.invocations[0]!;
    assert.deepEqual([failed.executionSuccessful, failed.exitCode], [true, 1]);
    assert.deepEqual(inv.toolExecutionNotifications[0], {
      level: "error",
      message: { text: "expected 5 columns, found 3" },
      locations: [{ physicalLocation: { artifactLocation: { uri: "inventory.csv" }, region: { startLine: 7 } } }],
      descriptor: { id: "csv/columns" },
    });
    assert.equal(inv.toolExecutionNotifications[1]!.level, "warning");
    assert.deepEqual((await sarif(emptyDocument())).runs[0]!.invocations[0]!.toolExecutionNotifications, []);
  });

  it("turns input paths into URI references code scanning accepts", async () => {
    assert.equal(toUri("-"), "stdin");
    assert.equal(toUri("inventory.csv"), "inventory.csv");
    assert.equal(toUri("./exports/hosts.csv"), "exports/hosts.csv");
    assert.equal(toUri("exports\\2024 Q3\\hosts#1.csv"), "exports/2024%20Q3/hosts%231.csv");
    assert.equal(toUri("C:\\Users\\it\\inv 1.csv"), "file:///C:/Users/it/inv%201.csv");
    assert.equal(toUri("/var/lib/ictsguard/inv.csv"), "file:///var/lib/ictsguard/inv.csv");
    assert.equal(toUri("\\\\fileserver\\share\\inv.csv"), "file://fileserver/share/inv.csv");
    assert.equal(toUri("weird:name.csv"), "weird%3Aname.csv", "a colon must not read as a scheme");

    const doc = sampleDocument();
    doc.findings[0]!.source.file = "C:\\Inventories\\Q3 hosts.csv";
    doc.findings[1]!.source.file = "-";
    const log = await sarif(doc);
    assertValid(log);
    const uris = log.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri);
    assert.deepEqual(uris.slice(0, 2), ["file:///C:/Inventories/Q3%20hosts.csv", "stdin"]);
  });

  it("locates what a host collector read: a file there is a file URI, a command is described", async () => {
    const doc = sampleDocument();
    doc.findings[0]!.source = { file: "host:/var/lib/dpkg/status", line: 12 };
    doc.findings[1]!.source = { file: "host:C:\\Program Files\\Kaspersky Lab\\avp.exe" };
    doc.findings[2]!.source = { file: "host:command rpm -qa", line: 3 };
    const log = await sarif(doc);
    assertValid(log);
    const [dpkg, avp, rpm] = log.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation);
    assert.deepEqual(dpkg, { artifactLocation: { uri: "file:///var/lib/dpkg/status" }, region: { startLine: 12 } });
    assert.deepEqual(avp, { artifactLocation: { uri: "file:///C:/Program%20Files/Kaspersky%20Lab/avp.exe" } });
    assert.deepEqual(rpm, { artifactLocation: { description: { text: "on the scanned host: command rpm -qa" } }, region: { startLine: 3 } });
  });
});
