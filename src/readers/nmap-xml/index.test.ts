/**
 * Tests of the nmap XML reader over hand-written fixtures (testdata/README.md): each host that is
 * up is one device with its MAC address and MAC vendor; a cut-off file is one located issue.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readAll, repoPath } from "../../testing/index.js";
import { nmapXmlReader } from "./index.js";

const fixture = (name: string) => repoPath("src/readers/nmap-xml/testdata", name);

describe("inventory/nmap-xml", () => {
  it("one device per host that is up, named by its PTR name or address, with its MAC and the MAC vendor", async () => {
    const { observations, issues } = await readAll(nmapXmlReader, fixture("arp-scan.xml"));
    assert.deepEqual(issues, []);
    assert.deepEqual(
      observations.map((o) => ({ kind: o.kind, name: o.name, vendor: o.vendor, host: o.host, mac: o.ids?.mac, line: o.source.line })),
      [
        { kind: "device", name: "lobby-cam-01.corp.example", vendor: "Hangzhou Hikvision Digital Technology Co.,Ltd.", host: "lobby-cam-01.corp.example", mac: "0C:75:D2:11:22:33", line: 6 },
        { kind: "device", name: "10.0.5.30", vendor: "Zhejiang Dahua Technology Co., Ltd.", host: "10.0.5.30", mac: "74:C9:29:AA:BB:CC", line: 14 },
        { kind: "device", name: "10.0.5.40", vendor: undefined, host: "10.0.5.40", mac: "00:00:5E:00:53:01", line: 24 },
      ],
    );
  });

  it("a cut-off file keeps the hosts before the cut, none half-read, and says so", async () => {
    const { observations, issues } = await readAll(nmapXmlReader, fixture("truncated.xml"));
    assert.deepEqual(observations.map((o) => o.ids?.mac), ["0C:75:D2:11:22:33"]);
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.source.file, fixture("truncated.xml"));
  });

  it("detects nmap XML and nothing else", () => {
    assert.equal(nmapXmlReader.detect({ path: "x.xml", head: new Uint8Array(), encoding: "utf-8", text: '<?xml version="1.0"?>\n<nmaprun scanner="nmap">' }), 0.95);
    assert.equal(nmapXmlReader.detect({ path: "x.xml", head: new Uint8Array(), encoding: "utf-8", text: "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\">" }), 0);
  });
});
