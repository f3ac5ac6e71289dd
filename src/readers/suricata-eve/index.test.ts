import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadCatalogOrThrow } from "../../catalog/index.js";
import { buildCatalogIndex, matchObservation } from "../../match/index.js";
import { readAll, repoPath, textProbe } from "../../testing/index.js";
import { hostsOf, suricataEveReader } from "./index.js";

const fixture = (name: string) => repoPath("src/readers/suricata-eve/testdata", name);
const lookups = async (name: string) => (await readAll(suricataEveReader, fixture(name))).observations.map((o) => [o.name, o.host, o.seenAt]);

describe("suricata eve reader", () => {
  it("the real DCSO/fever sample: a v1 DNS answer (client on the non-53 side), an HTTP host, fileinfo skipped; nothing restricted", async () => {
    const { observations, issues } = await readAll(suricataEveReader, fixture("fever-jsonparse_eve.json"));
    assert.deepEqual(issues, []);
    assert.deepEqual(
      observations.map((o) => [o.name, o.host, o.seenAt, o.source.line]),
      [
        ["test.test.local", "10.0.0.11", "2017-03-06T06:54:06.047Z", 1],
        ["foobar", "10.0.0.10", "2017-03-06T06:54:14.002Z", 3],
      ],
    );
    const index = buildCatalogIndex(await loadCatalogOrThrow());
    assert.ok(observations.every((o) => matchObservation(o, index).matches.length === 0));
  });

  it("DNS v1, v2 and v3 logs of the same lookups give the same observations: each lookup counted once", async () => {
    const v3 = await lookups("kaspersky-eve-v3.json");
    assert.equal(v3.length, 18);
    assert.deepEqual(v3[0], ["s01.upd.kaspersky.com", "10.20.30.41", "2024-10-01T08:00:00.000Z"]);
    // v1 logs a query event and one event per answer record; v2 adds an alert and a flow event
    assert.deepEqual(await lookups("kaspersky-eve-v1.json"), v3);
    assert.deepEqual(await lookups("kaspersky-eve-v2.json"), v3);
  });

  it("responses only (v3 responses come from the responder): the client is the other side, and each response counts", async () => {
    const only = await lookups("kaspersky-eve-v3-responses-only.json");
    assert.deepEqual(
      only.map(([n, h]) => [n, h]),
      (await lookups("kaspersky-eve-v3.json")).map(([n, h]) => [n, h]),
    );
    assert.deepEqual(only[0], ["s01.upd.kaspersky.com", "10.20.30.41", "2024-10-01T08:00:00.000Z"]);
  });

  it("TLS SNI, HTTP hostname and QUIC SNI are contacted hosts; fileinfo repeats HTTP and is skipped", async () => {
    assert.deepEqual(await lookups("kaspersky-tls-http-quic.json"), [
      ["ksn-file-geo.kaspersky-labs.com", "10.20.30.41", "2024-10-01T08:00:20.000Z"],
      ["s14.upd.kaspersky.com", "10.20.30.57", "2024-10-01T08:01:20.000Z"],
      ["activation-v2.kaspersky.com", "10.20.30.41", "2024-10-01T08:01:35.000Z"],
      ["www.google.com", "10.20.30.12", "2024-10-01T08:01:39.000Z"],
    ]);
  });

  it("malformed lines: located errors saying what was expected; the rest is read; a cut-off last line is a warning", async () => {
    const { observations, issues } = await readAll(suricataEveReader, fixture("malformed.json"));
    assert.deepEqual(
      issues.map((i) => [i.code, i.severity ?? "error", i.source.line]),
      [
        ["eve/json", "error", 2],
        ["eve/event", "error", 3],
        ["eve/event", "error", 4],
        ["eve/timestamp", "warning", 5],
        ["eve/cut-off", "warning", 7],
      ],
    );
    assert.match(issues[0]!.message, /expected one EVE event per line/);
    assert.match(issues[1]!.message, /expected an EVE event: a JSON object with "event_type"/);
    assert.deepEqual(
      observations.map((o) => [o.source.line, o.seenAt ?? null]),
      [
        [1, "2024-10-01T08:00:00.000Z"],
        [5, null],
        [6, "2024-10-01T08:00:12.000Z"],
      ],
    );
  });

  it("a v3 request with several queries gives each name; a v3 response without ports is the responder's", () => {
    const seen = new Map<string, true>();
    const request = { event_type: "dns", flow_id: 1, src_ip: "10.0.0.5", dest_ip: "10.0.0.53", dns: { version: 3, type: "request", id: 7, queries: [{ rrname: "a.example" }, { rrname: "b.example" }] } };
    assert.deepEqual(hostsOf(request, seen), [
      { host: "a.example", client: "10.0.0.5" },
      { host: "b.example", client: "10.0.0.5" },
    ]);
    const response = { event_type: "dns", flow_id: 2, src_ip: "10.0.0.53", dest_ip: "10.0.0.6", dns: { version: 3, type: "response", id: 8, queries: [{ rrname: "c.example" }] } };
    assert.deepEqual(hostsOf(response, seen), [{ host: "c.example", client: "10.0.0.6" }]);
    assert.deepEqual(hostsOf({ ...response }, seen), [], "the same response again is the same lookup");
  });

  it("detects EVE by event_type and timestamp, not other JSON lines", () => {
    assert.equal(suricataEveReader.detect(textProbe('{"timestamp":"2017-03-06T06:54:06.047429+0000","flow_id":1,"event_type":"dns"}\n')), 0.9);
    assert.equal(suricataEveReader.detect(textProbe('{"_path":"dns","ts":1.5,"id.orig_h":"10.0.0.1","query":"x"}\n')), 0);
    assert.equal(suricataEveReader.detect(textProbe("#separator \\x09\n")), 0);
  });
});
