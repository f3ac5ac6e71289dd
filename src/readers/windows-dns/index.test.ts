import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { readAll, repoPath, textProbe } from "../../testing/index.js";
import { createDateReader, windowsDnsReader, wireName } from "./index.js";
import { tempDir } from "../../testing/temp.js";

const fixture = (name: string) => repoPath("src/readers/windows-dns/testdata", name);

function tmpLog(lines: string[]): string {
  const path = join(tempDir("ictsguard-windns-"), "dns.log");
  writeFileSync(path, lines.join("\r\n") + "\r\n");
  return path;
}
const packet = (stamp: string, ip: string, name: string, r = "", opcode = "Q") =>
  `${stamp} 0D28 PACKET  000001C9B5E2B1A0 UDP Rcv ${ip.padEnd(15)} c3a1 ${r ? "R" : " "} ${opcode} [0001   D   NOERROR] A      ${name}`;

describe("windows dns debug log reader", () => {
  it("en-US log: only queries received from clients, wire-label names decoded, local times; legend, EVENT, details, forwarder traffic and updates skipped", async () => {
    const { observations, issues } = await readAll(windowsDnsReader, fixture("kaspersky-dns-en-us.log"));
    assert.deepEqual(issues, []);
    assert.equal(observations.length, 18);
    assert.deepEqual(observations[0], {
      kind: "domain",
      name: "s01.upd.kaspersky.com",
      host: "10.20.30.41",
      seenAt: "2024-10-01T08:00:00",
      source: { file: fixture("kaspersky-dns-en-us.log"), line: 32 },
    });
    assert.ok(!observations.some((o) => o.host === "9.9.9.9"), "the forwarder is not a client");
    assert.ok(!observations.some((o) => o.name === "corp.example"), "a dynamic update is not a lookup");
    assert.equal(observations.at(-1)!.seenAt, "2024-10-02T08:00:00");
  });

  it("de-DE log (day first, 24-hour) gives the same lookups and times", async () => {
    const us = (await readAll(windowsDnsReader, fixture("kaspersky-dns-en-us.log"))).observations;
    const { observations, issues } = await readAll(windowsDnsReader, fixture("kaspersky-dns-de-de.log"));
    assert.deepEqual(issues, []);
    assert.deepEqual(
      observations.map((o) => [o.name, o.host, o.seenAt]),
      us.map((o) => [o.name, o.host, o.seenAt]),
    );
  });

  it("malformed PACKET lines: located errors saying what was expected; bad times are warnings; the rest is read", async () => {
    const { observations, issues } = await readAll(windowsDnsReader, fixture("malformed.log"));
    assert.deepEqual(
      issues.map((i) => [i.code, i.severity ?? "error", i.source.line]),
      [
        ["windns/packet", "error", 36],
        ["windns/time", "warning", 38],
        ["windns/cut-off", "warning", 39],
      ],
    );
    assert.match(issues[0]!.message, /expected a PACKET line: date time thread PACKET id UDP\|TCP Snd\|Rcv remote-IP/);
    assert.deepEqual(
      observations.map((o) => [o.name, o.seenAt ?? null, o.source.line]),
      [
        ["s01.upd.kaspersky.com", "2024-10-01T08:00:00", 32],
        ["s06.upd.kaspersky.com", "2024-10-01T08:01:10", 37],
        ["s07.upd.kaspersky.com", null, 38],
      ],
    );
  });

  it("locale dates: year first, day first with dots, slashes by AM/PM, and a day over 12 settles the order", async () => {
    const path = tmpLog([
      packet("2023-06-14 10:12:45", "10.0.0.1", "(1)a(7)example(0)"),
      packet("14.06.2023 22:12:45", "10.0.0.1", "(1)b(7)example(0)"),
      packet("6/14/2023 10:12:45 PM", "10.0.0.1", "(1)c(7)example(0)"),
      packet("2023/6/14 午後 10:12:45", "10.0.0.1", "(1)d(7)example(0)"),
    ]);
    const { observations, issues } = await readAll(windowsDnsReader, path);
    assert.deepEqual(issues, []);
    assert.deepEqual(observations.map((o) => o.seenAt), ["2023-06-14T10:12:45", "2023-06-14T22:12:45", "2023-06-14T22:12:45", "2023-06-14T22:12:45"]);
  });

  it("a 24-hour log with slashes is read day first until a date proves otherwise; then a warning says how many lookups may be misdated", async () => {
    const path = tmpLog([
      packet("6/7/2023 10:00:00", "10.0.0.1", "(1)a(7)example(0)"),
      packet("6/7/2023 11:00:00", "10.0.0.1", "(1)b(7)example(0)"),
      packet("6/14/2023 10:00:00", "10.0.0.1", "(1)c(7)example(0)"),
      packet("6/15/2023 10:00:00", "10.0.0.1", "(1)d(7)example(0)"),
    ]);
    const { observations, issues } = await readAll(windowsDnsReader, path);
    assert.deepEqual(observations.map((o) => o.seenAt), ["2023-07-06T10:00:00", "2023-07-06T11:00:00", "2023-06-14T10:00:00", "2023-06-15T10:00:00"]);
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.severity, "warning");
    assert.equal(issues[0]!.source.line, 3);
    assert.match(issues[0]!.message, /read as day\/month\/year until this line, whose date 6\/14\/2023 10:00:00 can only be month\/day\/year: the 2 lookups before it may be misdated/);
  });

  it("wire-label names: by their lengths, loosely when the lengths do not add up", () => {
    assert.equal(wireName("(3)www(9)kaspersky(3)com(0)"), "www.kaspersky.com");
    assert.equal(wireName("(0)"), "");
    assert.equal(wireName("(3)www(5)kaspersky(3)com(0)"), "www.kaspersky.com");
    const dates = createDateReader();
    assert.equal(dates.read("12/31/2023 12:00:00 AM", 1).iso, "2023-12-31T00:00:00");
    assert.equal(dates.read("12/31/2023 12:30:00 PM", 2).iso, "2023-12-31T12:30:00");
  });

  it("detects the header or PACKET lines only", () => {
    assert.equal(windowsDnsReader.detect(textProbe("DNS Server log file creation at 6/14/2023 10:12:40 AM\r\n")), 0.95);
    assert.equal(windowsDnsReader.detect(textProbe(packet("6/14/2023 10:12:45 AM", "10.0.0.5", "(3)www(9)kaspersky(3)com(0)") + "\n")), 0.9);
    assert.equal(windowsDnsReader.detect(textProbe("Sep 21 00:00:12 dnsmasq[676]: query[A] a.example from 10.0.0.1\n")), 0);
  });

  it("a file with no PACKET line holds no record: an error, whether it is a DNS log's legend alone or another file forced as one", async () => {
    const legend = await readAll(windowsDnsReader, fixture("no-packets.log"));
    assert.deepEqual(legend.observations, []);
    assert.deepEqual(legend.issues.map((i) => [i.code, i.severity ?? "error"]), [["windns/empty", "error"]]);
    assert.match(legend.issues[0]!.message, /a Windows DNS Server debug log with no PACKET line: enable "Log packets for debugging"/);
    const csv = await readAll(windowsDnsReader, repoPath("src/readers/csv/testdata/generic.csv"));
    assert.deepEqual(csv.issues.map((i) => [i.code, i.severity ?? "error", i.source.file]), [["windns/empty", "error", repoPath("src/readers/csv/testdata/generic.csv")]]);
    assert.match(csv.issues[0]!.message, /^no PACKET line: expected a Windows DNS Server debug log/);
  });
});
