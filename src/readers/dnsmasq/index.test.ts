import assert from "node:assert/strict";
import { copyFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { readAll, repoPath, textProbe } from "../../testing/index.js";
import { dnsmasqReader, withYear } from "./index.js";
import { tempDir } from "../../testing/temp.js";

const fixture = (name: string) => repoPath("src/readers/dnsmasq/testdata", name);

/** A copy of a fixture last written at `mtime`: the year of its timestamps comes from it. */
function writtenAt(name: string, mtime: Date): string {
  const path = join(tempDir("ictsguard-dnsmasq-"), name);
  copyFileSync(fixture(name), path);
  utimesSync(path, mtime, mtime);
  return path;
}

describe("dnsmasq / Pi-hole reader", () => {
  it("the real Pi-hole sample (reply and gravity lines only): recognized, no lookups, no problems", async () => {
    const { observations, issues } = await readAll(dnsmasqReader, fixture("pihole-logfile-reader.log"));
    assert.deepEqual(observations, []);
    assert.deepEqual(issues, []);
  });

  it("counts each query line once (forwarded, reply, cached and gravity lines answer it), with client and local time", async () => {
    const path = writtenAt("kaspersky-pihole.log", new Date(2024, 9, 3, 12, 0, 0));
    const { observations, issues } = await readAll(dnsmasqReader, path);
    assert.deepEqual(issues, []);
    assert.equal(observations.length, 18);
    assert.deepEqual(observations[0], {
      kind: "domain",
      name: "s01.upd.kaspersky.com",
      host: "10.20.30.41",
      seenAt: "2024-10-01T08:00:00",
      source: { file: path, line: 1 },
    });
    assert.equal(observations.at(-1)!.seenAt, "2024-10-02T08:00:00");
    assert.ok(observations.some((o) => o.name === "notkaspersky.com"), "a blocked lookup is still a lookup");
  });

  it("syslog: host names, other programs skipped, log-queries=extra, RFC 3339 times, pihole-FTL, IPv6 clients", async () => {
    const path = writtenAt("kaspersky-syslog.log", new Date(2024, 9, 1, 9, 0, 0));
    const { observations, issues } = await readAll(dnsmasqReader, path);
    assert.deepEqual(issues, []);
    assert.deepEqual(
      observations.map((o) => [o.name, o.host, o.seenAt, o.source.line]),
      [
        ["s01.upd.kaspersky.com", "10.20.30.41", "2024-10-01T08:00:00", 4],
        ["ksn-url-geo.kaspersky-labs.com", "10.20.30.57", "2024-10-01T08:00:45.120Z", 8],
        ["www.kaspersky.com", "fe80::1c2b:3dff:fe4a:5b6c", "2024-10-01T08:01:00", 9],
        ["s14.upd.kaspersky.com", "10.20.30.57", "2024-10-01T08:01:05", 10],
      ],
    );
  });

  it("no year in the timestamp: the latest year that is not after the file's last write, across New Year too", async () => {
    const path = writtenAt("new-year.log", new Date(2025, 0, 1, 0, 5, 0));
    const { observations } = await readAll(dnsmasqReader, path);
    assert.deepEqual(observations.map((o) => o.seenAt), ["2024-12-31T23:59:58", "2025-01-01T00:00:03"]);
    const ref = new Date(2024, 2, 1, 12, 0, 0);
    assert.equal(withYear(ref, 2, 29, 10, 0, 0), "2024-02-29T10:00:00");
    assert.equal(withYear(ref, 3, 2, 10, 0, 0), "2024-03-02T10:00:00", "within a day after the last write: clock skew");
    assert.equal(withYear(ref, 3, 5, 10, 0, 0), "2023-03-05T10:00:00");
    assert.equal(withYear(new Date(2023, 5, 1), 2, 29, 0, 0, 0), "2020-02-29T00:00:00", "29 Feb goes back to a leap year");
  });

  it("malformed lines: located errors saying what was expected; the rest is read; a cut-off last line is a warning", async () => {
    const path = writtenAt("malformed.log", new Date(2024, 9, 3));
    const { observations, issues } = await readAll(dnsmasqReader, path);
    assert.deepEqual(
      issues.map((i) => [i.code, i.severity ?? "error", i.source.line]),
      [
        ["dnsmasq/line", "error", 2],
        ["dnsmasq/query", "error", 3],
        ["dnsmasq/cut-off", "warning", 5],
      ],
    );
    assert.match(issues[0]!.message, /expected a syslog line: `Mon DD HH:MM:SS \[host\] dnsmasq\[pid\]: message`/);
    assert.match(issues[1]!.message, /expected `query\[TYPE\] name from client`/);
    assert.deepEqual(observations.map((o) => [o.name, o.source.line]), [
      ["s01.upd.kaspersky.com", 1],
      ["dnl-07.geo.kaspersky.com", 4],
    ]);
  });

  it("a last line cut off inside the query is a warning, not an error", async () => {
    const path = join(tempDir("ictsguard-dnsmasq-"), "live.log");
    writeFileSync(path, "Oct  1 08:00:00 dnsmasq[676]: query[A] s01.upd.kaspersky.com from 10.20.30.41\nOct  1 08:00:10 dnsmasq[676]: query[A] s0");
    const { observations, issues } = await readAll(dnsmasqReader, path);
    assert.equal(observations.length, 1);
    assert.deepEqual(issues.map((i) => [i.code, i.severity, i.source.line]), [["dnsmasq/cut-off", "warning", 2]]);
  });

  it("detects dnsmasq lines, strongly when they are all dnsmasq's", () => {
    assert.equal(dnsmasqReader.detect(textProbe("Sep 21 00:00:12 dnsmasq[676]: query[A] a.example from 10.0.0.1\n")), 0.9);
    assert.equal(dnsmasqReader.detect(textProbe("Sep 21 00:00:12 gw CRON[1]: x\nSep 21 00:00:13 gw dnsmasq[676]: reply a.example is 1.2.3.4\n")), 0.7);
    assert.equal(dnsmasqReader.detect(textProbe("Sep 21 00:00:12 gw CRON[1]: x\n")), 0);
    assert.equal(dnsmasqReader.detect(textProbe("1677971734.079  1234 1.2.3.4 TCP_TUNNEL/200 39 CONNECT domain.xyz:443 - HIER_DIRECT/1.2.3.4 -\n")), 0);
  });

  it("a syslog with no dnsmasq line holds no record: an error, not a clean log", async () => {
    const { observations, issues } = await readAll(dnsmasqReader, fixture("no-records.log"));
    assert.deepEqual(observations, []);
    assert.deepEqual(issues.map((i) => [i.code, i.severity ?? "error"]), [["dnsmasq/empty", "error"]]);
  });
});
