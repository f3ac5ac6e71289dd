/**
 * @module
 * Tests of the osquery endpoint tables (processes, services, drivers, windows_security_products,
 * authenticode, kernel_modules, kernel_extensions, system_extensions) over hand-made fixtures
 * (testdata/README.md): each table's rows become the Observation kind its matcher reads, and,
 * with the bundled catalog, Kaspersky's process, service, driver, signer, kext and system
 * extension identifiers are found while Microsoft, ESET and Kingsoft look-alikes are not.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { loadCatalogOrThrow } from "../../catalog/index.js";
import { buildCatalogIndex, matchObservation, type CatalogIndex } from "../../match/index.js";
import type { Observation } from "../../model/observation.js";
import { probeFile, readAll, repoPath } from "../../testing/index.js";
import { detectReader } from "../detect.js";
import { osqueryReader } from "./index.js";

const fixture = (name: string): string => repoPath("src/readers/osquery/testdata", name);
const read = (name: string) => readAll(osqueryReader, fixture(name));
const facts = (o: Observation) => [o.kind, o.name, o.vendor, o.version, o.path, o.ids];

const KES = "C:\\Program Files (x86)\\Kaspersky Lab\\Kaspersky Endpoint Security for Windows\\";
const AGENT = "C:\\Program Files (x86)\\Kaspersky Lab\\NetworkAgent\\klnagent.exe";

describe("osquery endpoint tables: detection", () => {
  for (const name of [
    "processes.json", "services.json", "drivers.json", "drivers-legacy.json", "windows_security_products.json",
    "authenticode.json", "kernel_modules.json", "kernel_extensions.json", "system_extensions.json", "results-endpoint.log",
  ]) {
    it(`claims ${name}`, () => {
      const probe = probeFile(fixture(name));
      assert.equal(osqueryReader.detect(probe), 0.9);
      assert.equal(detectReader(probe)?.name, "osquery");
    });
  }
});

describe("osquery endpoint tables: rows to observations", () => {
  it("processes: kind process, the executable path", async () => {
    const { observations, issues } = await read("processes.json");
    assert.deepEqual(issues, []);
    assert.deepEqual(observations.map(facts).slice(0, 4), [
      ["process", "avp.exe", undefined, undefined, `${KES}avp.exe`, undefined],
      ["process", "avpui.exe", undefined, undefined, `${KES}avpui.exe`, undefined],
      ["process", "klnagent.exe", undefined, undefined, AGENT, undefined],
      ["process", "klist.exe", undefined, undefined, "C:\\Windows\\System32\\klist.exe", undefined],
    ]);
    assert.equal(observations.length, 7);
    assert.deepEqual(observations[0]?.source, { file: fixture("processes.json"), record: 1, pointer: "/0" });
  });

  it("services: kind service; the path is the executable of the command line (quotes and arguments dropped)", async () => {
    const { observations, issues } = await read("services.json");
    assert.deepEqual(issues, []);
    assert.deepEqual(observations.map((o) => [o.kind, o.name, o.path]), [
      ["service", "AVP", `${KES}avp.exe`],
      ["service", "klnagent", AGENT],
      ["service", "KeyIso", "C:\\Windows\\system32\\lsass.exe"],
      ["service", "ekrn", "C:\\Program Files\\ESET\\ESET Security\\ekrn.exe"],
      ["service", "wuauserv", "C:\\Windows\\system32\\svchost.exe"], // "-k netsvcs -p" dropped
    ]);
  });

  it("drivers: kind driver named by its image file, the provider as vendor; a device without an image by its name", async () => {
    const { observations, issues } = await read("drivers.json");
    assert.deepEqual(issues, []);
    assert.deepEqual(observations.map(facts), [
      ["driver", "klif.sys", "AO Kaspersky Lab", "12.6.0.438", "C:\\Windows\\system32\\DRIVERS\\klif.sys", undefined],
      ["driver", "klhk.sys", "AO Kaspersky Lab", "12.6.0.438", "C:\\Windows\\system32\\DRIVERS\\klhk.sys", undefined],
      ["driver", "kbdclass.sys", "Microsoft", "10.0.19041.1", "C:\\Windows\\system32\\drivers\\kbdclass.sys", undefined],
      ["driver", "ksfsflt.sys", "Kingsoft Corporation", "2021.1.0.1", "C:\\Windows\\system32\\drivers\\ksfsflt.sys", undefined],
      ["driver", "ehdrv.sys", "ESET", "10.1.2050.0", "C:\\Windows\\system32\\DRIVERS\\ehdrv.sys", undefined],
      ["driver", "ACPI Power Button", "Microsoft", "10.0.19041.1", undefined, undefined],
    ]);
  });

  it("drivers of older osquery (service-like columns with an .inf): kind driver, not service", async () => {
    const { observations } = await read("drivers-legacy.json");
    assert.deepEqual(observations.map((o) => [o.kind, o.name, o.path]), [
      ["driver", "klif", "\\SystemRoot\\system32\\DRIVERS\\klif.sys"],
      ["driver", "kbdclass", "\\SystemRoot\\system32\\drivers\\kbdclass.sys"],
    ]);
  });

  it("windows_security_products: kind software; a remediation URL is not a path", async () => {
    const { observations } = await read("windows_security_products.json");
    assert.deepEqual(observations.map((o) => [o.kind, o.name, o.path]), [
      ["software", "Kaspersky Endpoint Security for Windows", `${KES}avp.exe`],
      ["software", "Kaspersky Endpoint Security for Windows", `${KES}avp.exe`],
      ["software", "Windows Defender", undefined],
      ["software", "ESET Security", "C:\\Program Files\\ESET\\ESET Security\\ecmds.exe"],
    ]);
  });

  it("authenticode: kind signer named by the subject; an unsigned file is skipped without a warning", async () => {
    const { observations, issues } = await read("authenticode.json");
    assert.deepEqual(issues, []);
    assert.deepEqual(observations.map((o) => [o.kind, o.name, o.path]), [
      ["signer", "AO Kaspersky Lab", `${KES}avp.exe`],
      ["signer", "AO Kaspersky Lab", AGENT],
      ["signer", "Kaspersky Lab ZAO", "C:\\Users\\jdoe\\Downloads\\kav2013_setup.exe"],
      ["signer", "Microsoft Windows", "C:\\Windows\\System32\\notepad.exe"],
      ["signer", "ESET, spol. s r.o.", "C:\\Program Files\\ESET\\ESET Security\\ekrn.exe"],
    ]);
  });

  it("kernel_modules (Linux): kind driver", async () => {
    const { observations } = await read("kernel_modules.json");
    assert.deepEqual(observations.map((o) => [o.kind, o.name]), [["driver", "nf_tables"], ["driver", "kvm_intel"], ["driver", "ext4"]]);
  });

  it("kernel_extensions (macOS): kind driver with the kext's bundle id", async () => {
    const { observations } = await read("kernel_extensions.json");
    assert.deepEqual(observations.map(facts)[1], ["driver", "com.kaspersky.kext.klif", undefined, "3.0.0d23", "/Library/Extensions/klif.kext", { bundleId: "com.kaspersky.kext.klif" }]);
    assert.deepEqual(observations.map((o) => o.name), ["com.apple.kpi.bsd", "com.kaspersky.kext.klif", "com.kaspersky.nke", "com.eset.kext.esets_kac"]);
  });

  it("system_extensions (macOS): kind driver with the extension's bundle id, the path inside the app that installed it", async () => {
    const { observations } = await read("system_extensions.json");
    assert.deepEqual(observations.map(facts)[0], [
      "driver",
      "com.kaspersky.kav.sysext",
      undefined,
      "12.1.0.553",
      "/Applications/Kaspersky Endpoint Security for Mac.app/Contents/Library/SystemExtensions/com.kaspersky.kav.sysext.systemextension",
      { bundleId: "com.kaspersky.kav.sysext" },
    ]);
  });

  it("an osqueryd results log of these tables (numerics on): host and time kept, removed rows marked so", async () => {
    const { observations, issues } = await read("results-endpoint.log");
    assert.deepEqual(issues, []);
    assert.deepEqual(observations.map((o) => [o.kind, o.name, o.host, o.seenAt, o.source.line, o.change?.action]), [
      ["process", "avp.exe", "ws-0042", "2025-03-03T10:00:00.000Z", 1, "added"],
      ["process", "klist.exe", "ws-0042", "2025-03-03T10:05:00.000Z", 2, "added"],
      ["driver", "klif.sys", "ws-0042", "2025-03-03T10:00:00.000Z", 3, "added"],
      ["driver", "kl1.sys", "ws-0042", "2025-03-03T10:00:00.000Z", 3, "removed"], // takes back an added kl1.sys
      ["driver", "com.kaspersky.kav.sysext", "mac-0007", "2025-03-03T10:00:00.000Z", 4, undefined], // a snapshot: no change
    ]);
  });
});

describe("osquery endpoint tables: the catalog's identifiers fire on them", () => {
  let index: CatalogIndex;
  before(async () => {
    index = buildCatalogIndex(await loadCatalogOrThrow());
  });
  /** What matching says of each observation: matcher names and product, or the look-alike id. */
  const verdicts = async (file: string) => {
    const { observations } = await read(file);
    return observations.map((o) => {
      const r = matchObservation(o, index);
      if (r.lookalike) return [o.name, `lookalike:${r.lookalike.lookalike.id}`];
      const m = r.matches[0];
      return m ? [o.name, m.vendor.id, m.product.id, [...new Set(m.evidence.map((e) => e.matcher))].sort().join(",")] : [o.name, "clean"];
    });
  };

  it("processes: avp.exe, avpui.exe and klnagent.exe are Kaspersky; klist.exe (Microsoft) and ekrn.exe (ESET) are look-alikes", async () => {
    assert.deepEqual(await verdicts("processes.json"), [
      ["avp.exe", "kaspersky", "kaspersky-endpoint-security", "path,process"],
      ["avpui.exe", "kaspersky", "kaspersky-endpoint-security", "path,process"],
      ["klnagent.exe", "kaspersky", "kaspersky-security-center", "path,process"],
      ["klist.exe", "lookalike:microsoft-kl-ks-names"],
      ["ekrn.exe", "lookalike:eset"],
      ["svchost.exe", "clean"],
      ["chrome.exe", "clean"],
    ]);
  });

  it("services: AVP and klnagent are Kaspersky; KeyIso is a Microsoft look-alike; ESET's and Windows' services are clean", async () => {
    assert.deepEqual(await verdicts("services.json"), [
      ["AVP", "kaspersky", "kaspersky-endpoint-security", "path,service"],
      ["klnagent", "kaspersky", "kaspersky-security-center", "path,service"],
      ["KeyIso", "lookalike:microsoft-kl-ks-names"],
      ["ekrn", "clean"],
      ["wuauserv", "clean"],
    ]);
  });

  it("drivers: klif.sys and klhk.sys are Kaspersky; kbdclass.sys, Kingsoft's ksfsflt.sys and ESET's ehdrv.sys are look-alikes", async () => {
    assert.deepEqual(await verdicts("drivers.json"), [
      ["klif.sys", "kaspersky", "kaspersky-unidentified", "driver,publisher"],
      ["klhk.sys", "kaspersky", "kaspersky-unidentified", "driver,publisher"],
      ["kbdclass.sys", "lookalike:microsoft-kl-ks-names"],
      ["ksfsflt.sys", "lookalike:kingsoft"],
      ["ehdrv.sys", "lookalike:eset"],
      ["ACPI Power Button", "clean"],
    ]);
    assert.deepEqual((await verdicts("drivers-legacy.json")).map((v) => v[1]), ["kaspersky", "lookalike:microsoft-kl-ks-names"]);
  });

  it("signers: AO Kaspersky Lab and Kaspersky Lab ZAO are Kaspersky; Microsoft Windows is clean; ESET is a look-alike", async () => {
    assert.deepEqual(await verdicts("authenticode.json"), [
      ["AO Kaspersky Lab", "kaspersky", "kaspersky-endpoint-security", "path,signer"],
      ["AO Kaspersky Lab", "kaspersky", "kaspersky-security-center", "path,signer"],
      ["Kaspersky Lab ZAO", "kaspersky", "kaspersky-unidentified", "signer"],
      ["Microsoft Windows", "clean"],
      ["ESET, spol. s r.o.", "lookalike:eset"],
    ]);
  });

  it("security products, kexts and system extensions: Kaspersky's are found by name, kext id and bundle id; Defender, ESET, Apple and CrowdStrike are not", async () => {
    assert.deepEqual((await verdicts("windows_security_products.json")).map((v) => v.slice(0, 3)), [
      ["Kaspersky Endpoint Security for Windows", "kaspersky", "kaspersky-endpoint-security"],
      ["Kaspersky Endpoint Security for Windows", "kaspersky", "kaspersky-endpoint-security"],
      ["Windows Defender", "lookalike:microsoft-defender"],
      ["ESET Security", "lookalike:eset"],
    ]);
    const kexts = await verdicts("kernel_extensions.json");
    assert.deepEqual(kexts.map((v) => v[1]), ["clean", "kaspersky", "kaspersky", "clean"]);
    assert.ok(String(kexts[1]![3]).includes("driver") && String(kexts[1]![3]).includes("bundle-id"), String(kexts[1]![3]));
    const sysext = await verdicts("system_extensions.json");
    assert.deepEqual(sysext.map((v) => v.slice(0, 3)), [["com.kaspersky.kav.sysext", "kaspersky", "kaspersky-endpoint-security"], ["com.crowdstrike.falcon.Agent", "clean"]]);
    assert.ok(String(sysext[0]![3]).includes("bundle-id"));
    assert.deepEqual((await verdicts("kernel_modules.json")).map((v) => v[1]), ["clean", "clean", "clean"]);
  });
});
