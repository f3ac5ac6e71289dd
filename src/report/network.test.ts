/**
 * Network evidence, informational browsing and integrations in every report format: the
 * client, each domain with its count, first and last seen, and the total; browsing apart from
 * the findings; the relation `integration` where a product embeds the vendor's technology.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { ReportDocument } from "../model/finding.js";
import { repoPath } from "../testing/index.js";
import { render } from "./testdata/helpers.js";
import { networkDocument } from "./testdata/network-document.js";
import { INFORMATIONAL_RULE_ID, type SarifLog } from "./sarif/index.js";

const schema = JSON.parse(readFileSync(repoPath("src/report/sarif/testdata/sarif-schema-2.1.0.json"), "utf8")) as object;
const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addFormat("uri", /^[a-z][a-z0-9+.-]*:[^\s\\]*$/i);
ajv.addFormat("uri-reference", (s: string) => !/[\s\\<>"{}|^`]/.test(s) && !/%(?![0-9a-f]{2})/i.test(s));
ajv.addFormat("uuid", /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
ajv.addFormat("date-time", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
const validate = ajv.compile(schema);

describe("network evidence in reports", () => {
  it("table: the finding row counts hosts and lookups; the block lists the client's domains; browsing is informational", async () => {
    const text = await render("table", networkDocument());
    const row = text.split("\n")[1]!;
    assert.match(row, /^unsupported\s+Kaspersky\s+Kaspersky software \(product n…\s+s01\.upd\.kaspersky\.com \+1 ×42\s+10\.1\.2\.3 · logs\/dns\.log:9/);
    assert.match(
      text,
      /Client 10\.1\.2\.3: 42 lookups, 2024-10-01T08:00:00\.000Z to 2024-10-02T17:30:00\.000Z:\s+s01\.upd\.kaspersky\.com \(update\) ×40,\s+ksn-file-geo\.kaspersky-labs\.com \(telemetry\) ×2/,
    );
    assert.match(text, /Informational, not findings \(1 client visited vendors' web sites: browsing, not software\):\n  10\.1\.2\.9 · Kaspersky: 3 lookups, [\s\S]*www\.kaspersky\.com \(browsing\) ×2, securelist\.com \(browsing\) ×1/);
    // browsing is not in the findings table
    const tableRows = text.split("\n\n")[0]!.split("\n");
    assert.equal(tableRows.length, 3, tableRows.join("\n"));
    assert.ok(!tableRows.some((l) => l.includes("10.1.2.9")));
    assert.match(text, /2 findings \(2 unsupported\), 0 suppressed, 0 errors, 1 informational/);
  });

  it("table: an integration says so in its product block", async () => {
    const text = await render("table", networkDocument());
    assert.match(text, /unsupported · Kaspersky Anti-Virus SDK \(KAV SDK\) built into a third-party product \(Kaspersky, security-sdk, integration\) · 1 finding · confidence \d\.\d\d\n  Integration:/);
  });

  it("csv: relation and network columns on findings, an `informational` row for browsing", async () => {
    const rows = parse(await render("csv", networkDocument()), { columns: true }) as Record<string, string>[];
    assert.equal(rows.length, 3);
    const [net, integration, info] = rows;
    assert.equal(net!.client, "10.1.2.3");
    assert.equal(net!.lookups, "42");
    assert.equal(net!.first_seen, "2024-10-01T08:00:00.000Z");
    assert.equal(net!.last_seen, "2024-10-02T17:30:00.000Z");
    assert.equal(
      net!.domains,
      "s01.upd.kaspersky.com (update) ×40 2024-10-01T08:00:00.000Z..2024-10-02T17:30:00.000Z; ksn-file-geo.kaspersky-labs.com (telemetry) ×2 2024-10-01T09:15:00.000Z..2024-10-01T09:16:00.000Z",
    );
    assert.equal(net!.relation, "own");
    assert.equal(integration!.relation, "integration");
    assert.equal(integration!.client, "");
    assert.equal(info!.status, "informational");
    assert.equal(info!.host, "10.1.2.9");
    assert.equal(info!.product_id, "kaspersky-corporate-web");
    assert.equal(info!.lookups, "3");
    assert.match(info!.remediation!, /Information only/);
  });

  it("sarif: valid; network evidence in the result's properties; browsing as informational results of level none", async () => {
    const log = JSON.parse(await render("sarif", networkDocument())) as SarifLog;
    assert.ok(validate(log), ajv.errorsText(validate.errors, { separator: "\n" }));
    const [net, integration, info] = log.runs[0]!.results;
    assert.equal((net!.properties.network as { total: number }).total, 42);
    assert.equal(net!.properties.host, "10.1.2.3");
    assert.equal(net!.level, "error");
    assert.equal(integration!.properties.relation, "integration");
    assert.equal(info!.ruleId, INFORMATIONAL_RULE_ID);
    assert.equal(info!.kind, "informational");
    assert.equal(info!.level, "none");
    assert.equal(log.runs[0]!.tool.driver.rules[info!.ruleIndex]!.id, INFORMATIONAL_RULE_ID);
    assert.deepEqual(info!.locations[0]!.physicalLocation, { artifactLocation: { uri: "logs/dns.log" }, region: { startLine: 30 } });
  });

  it("json: the document's network and informational fields, unchanged", async () => {
    const doc = JSON.parse(await render("json", networkDocument())) as ReportDocument;
    assert.deepEqual(doc.findings[0]!.network, networkDocument().findings[0]!.network);
    assert.deepEqual(doc.informational, networkDocument().informational);
    assert.equal(doc.summary.informational, 1);
  });
});
