import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadCatalogOrThrow } from "../../catalog/index.js";
import { buildCatalogIndex, matchObservation } from "../../match/index.js";
import { readAll, repoPath, textProbe } from "../../testing/index.js";
import { hostOfUrl, squidReader } from "./index.js";

const fixture = (name: string) => repoPath("src/readers/squid/testdata", name);

describe("squid reader", () => {
  it("the real plaso sample: CONNECT hosts and URL hosts with their clients (IPv6 too, double-space padding); nothing restricted", async () => {
    const { observations, issues } = await readAll(squidReader, fixture("plaso-squid_access.log"));
    assert.deepEqual(issues, []);
    assert.deepEqual(
      observations.map((o) => [o.name, o.host, o.seenAt, o.source.line]),
      [
        ["domain.xyz", "1.2.3.4", "2023-03-04T23:15:34.079Z", 1],
        ["domain.xyz", "1.2.3.4", "2023-03-04T23:15:34.080Z", 2],
        ["example.com", "192.168.1.100", "2023-03-04T23:15:35.123Z", 3],
        ["example.com", "10.0.0.50", "2023-03-04T23:15:36.456Z", 4],
        ["example.com", "2001:db8::1", "2023-03-04T23:15:37.789Z", 5],
        ["example.com", "172.16.0.1", "2023-03-04T23:15:38.012Z", 6],
        ["cdn.example.com", "192.168.0.5", "2023-03-04T23:15:39.345Z", 7],
        ["secure.example.com", "10.10.10.10", "2023-03-04T23:15:40.678Z", 8],
      ],
    );
    const index = buildCatalogIndex(await loadCatalogOrThrow());
    assert.ok(observations.every((o) => matchObservation(o, index).matches.length === 0));
  });

  it("crafted native log: update downloads by URL, KSN and activation by CONNECT", async () => {
    const { observations, issues } = await readAll(squidReader, fixture("kaspersky-access.log"));
    assert.deepEqual(issues, []);
    assert.equal(observations.length, 18);
    assert.deepEqual(observations[0], {
      kind: "domain",
      name: "s01.upd.kaspersky.com",
      host: "10.20.30.41",
      seenAt: "2024-10-01T08:00:00.000Z",
      source: { file: fixture("kaspersky-access.log"), line: 1 },
    });
    assert.deepEqual([observations[2]!.name, observations[2]!.host], ["ksn-file-geo.kaspersky-labs.com", "10.20.30.41"]);
  });

  it("the combined format gives the same requests, times converted from the log's zone to UTC", async () => {
    const native = (await readAll(squidReader, fixture("kaspersky-access.log"))).observations;
    const { observations, issues } = await readAll(squidReader, fixture("kaspersky-access-combined.log"));
    assert.deepEqual(issues, []);
    assert.deepEqual(
      observations.map((o) => [o.name, o.host, o.seenAt!.slice(0, 19)]),
      native.map((o) => [o.name, o.host, o.seenAt!.slice(0, 19)]),
    );
  });

  it("malformed lines: located errors saying what was expected; pseudo-URLs skipped; the rest is read", async () => {
    const { observations, issues } = await readAll(squidReader, fixture("malformed.log"));
    assert.deepEqual(
      issues.map((i) => [i.code, i.severity ?? "error", i.source.line]),
      [
        ["squid/line", "error", 2],
        ["squid/line", "error", 5],
        ["squid/cut-off", "warning", 7],
      ],
    );
    assert.match(issues[0]!.message, /expected a Squid access\.log line: `time\.ms elapsed client action\/code bytes method URL/);
    // line 3 (`NONE error:transaction-end-before-headers`) is a real Squid line without a host
    assert.deepEqual(observations.map((o) => o.source.line), [1, 4, 6]);
  });

  it("hosts of CONNECT targets and absolute URLs only", () => {
    assert.equal(hostOfUrl("CONNECT", "ksn-file-geo.kaspersky-labs.com:443"), "ksn-file-geo.kaspersky-labs.com");
    assert.equal(hostOfUrl("CONNECT", "[2001:db8::5]:443"), "2001:db8::5");
    assert.equal(hostOfUrl("GET", "http://S01.UPD.kaspersky.com:8080/x?y=1"), "s01.upd.kaspersky.com");
    assert.equal(hostOfUrl("GET", "/index.html"), undefined);
    assert.equal(hostOfUrl("NONE", "error:invalid-request"), undefined);
    assert.equal(hostOfUrl("CONNECT", "error:invalid-request"), undefined);
  });

  it("detects the native and Squid's combined format, not a web server's log or other lines", () => {
    assert.equal(squidReader.detect(textProbe("1677971734.079  1234 1.2.3.4 TCP_TUNNEL/200 39 CONNECT domain.xyz:443 - HIER_DIRECT/1.2.3.4 -\n")), 0.9);
    assert.equal(squidReader.detect(textProbe('10.0.0.1 - - [01/Oct/2024:10:00:00 +0200] "GET http://a.example/ HTTP/1.1" 200 10 "-" "-" TCP_MISS:HIER_DIRECT\n')), 0.85);
    assert.equal(squidReader.detect(textProbe('10.0.0.1 - - [01/Oct/2024:10:00:00 +0200] "GET /index.html HTTP/1.1" 200 10 "-" "-"\n')), 0);
    assert.equal(squidReader.detect(textProbe("Sep 21 00:00:12 dnsmasq[676]: query[A] a.example from 10.0.0.1\n")), 0);
  });

  it("a file of comment lines only holds no record: an error, not a clean log", async () => {
    const { observations, issues } = await readAll(squidReader, fixture("no-records.log"));
    assert.deepEqual(observations, []);
    assert.deepEqual(issues.map((i) => [i.code, i.severity ?? "error"]), [["squid/empty", "error"]]);
  });
});
