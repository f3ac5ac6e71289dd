/**
 * The macOS collector over recorded outputs of system_profiler, launchctl, systemextensionsctl and
 * kmutil/kextstat, and a fake root holding launchd job plists and apps' Info.plist files
 * (src/collect/testdata/macos, see its README).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createHostCollection } from "../index.js";
import { Observation } from "../../model/observation.js";
import { bundledCatalog, collectAll, scanCollection, sourceEntry } from "../../testing/host.js";
import { createRecordedRunner, type Recording } from "../../testing/recorded-runner.js";
import { repoPath } from "../../testing/index.js";
import { loadedKext, systemExtension } from "./extensions.js";

const fixture = (name: string) => repoPath("src/collect/testdata/macos", name);
const ROOT = fixture("root");

const RECORDINGS: Recording[] = [
  { command: "system_profiler", args: ["-xml", "SPApplicationsDataType"], stdout: { file: fixture("system-profiler-applications.xml") } },
  { command: "launchctl", args: ["list"], stdout: { file: fixture("launchctl-list.txt") } },
  { command: "systemextensionsctl", args: ["list"], stdout: { file: fixture("systemextensionsctl-list.txt") } },
  { command: "kmutil", args: ["showloaded"], stdout: { file: fixture("kmutil-showloaded.txt") }, stderr: "No variant specified, falling back to release\n" },
];

async function mac(recordings: Recording[] = RECORDINGS) {
  const collection = await createHostCollection({ catalog: await bundledCatalog(), platform: "macos", root: ROOT, runner: createRecordedRunner(recordings), host: "mbp-7" });
  return collection;
}

describe("macOS collector over recorded command outputs", () => {
  it("collects apps with their bundle ids, launchd jobs, system and kernel extensions", async () => {
    const { observations, issues, collected } = await collectAll(await mac());
    assert.deepEqual(
      collected.map((c) => [c.source, c.items]),
      [
        ["macos/applications", 4],
        ["macos/install-paths", 2],
        ["macos/launchd-jobs", 5],
        ["macos/launchctl", 5],
        ["macos/system-extensions", 2],
        ["macos/kernel-extensions", 5],
      ],
    );
    for (const o of observations) {
      assert.ok(Observation.safeParse(o).success, JSON.stringify(o));
      assert.equal(o.host, "mbp-7");
    }
    const kav = observations.find((o) => o.source.reader === "host/macos/applications" && o.name === "Kaspersky")!;
    assert.equal(kav.ids?.bundleId, "com.kaspersky.kav.gui", "bundle id read from the app's Info.plist");
    assert.equal(kav.ids?.signer, "Developer ID Application: AO Kaspersky Lab (2Y8XE5CQ94)");
    assert.equal(kav.source.file, "host:command system_profiler -xml SPApplicationsDataType");
    assert.equal(observations.find((o) => o.name === "Google Chrome")?.ids?.bundleId, "com.google.Chrome");
    // an app whose bundle is not on this disk keeps what system_profiler said
    assert.equal(observations.find((o) => o.name === "Safari")?.ids?.bundleId, undefined);

    const daemon = observations.find((o) => o.source.reader === "host/macos/launchd-jobs" && o.name === "com.kaspersky.kav")!;
    assert.equal(daemon.path, "/Library/Application Support/Kaspersky Lab/KAV/Binaries/kav");
    assert.equal(daemon.source.file, `host:${ROOT}/Library/LaunchDaemons/com.kaspersky.kav.plist`);
    assert.ok(observations.some((o) => o.name === "com.google.keystone.agent" && o.source.file.includes("/Users/alex/Library/LaunchAgents/")));
    // a broken job plist: a warning, and the job by its file name
    assert.deepEqual(issues.map((i) => [i.code, i.severity]), [["host/malformed", "warning"]]);
    assert.match(issues[0]!.message, /org\.example\.broken\.plist/);
    assert.ok(observations.some((o) => o.name === "org.example.broken"));

    const sysext = observations.find((o) => o.source.reader === "host/macos/system-extensions" && o.name === "com.kaspersky.kav.sysext")!;
    assert.deepEqual(sysext.ids, { bundleId: "com.kaspersky.kav.sysext", signer: "2Y8XE5CQ94" });
    assert.equal(sysext.version, "21.0.29");
    assert.equal(sysext.source.line, 4);
    const klif = observations.find((o) => o.name === "com.kaspersky.kext.klif")!;
    assert.equal(klif.version, "3.0.9");
    assert.equal(klif.source.file, "host:command kmutil showloaded");
  });

  it("finds the Kaspersky app, jobs and extensions and nothing among the clean ones", async () => {
    const doc = await scanCollection(await mac());
    assert.deepEqual(doc.errors.map((e) => e.code), ["host/malformed"]);
    // one finding per host and product: a program's uninstall entry, services, processes and signers merge
    const found = doc.findings.map((f) => `${f.product} ×${f.count}: ${f.source.reader} … ${f.lastSource?.reader ?? "-"}`).sort();
    assert.deepEqual(found, [
      "kaspersky-standard-plus-premium ×3: host/macos/applications … host/macos/launchd-jobs",
      "kaspersky-unidentified ×5: host/macos/install-paths … host/macos/kernel-extensions",
    ]);
    const app = doc.findings.find((f) => f.source.reader === "host/macos/applications")!;
    assert.ok(app.evidence.some((e) => e.matcher === "bundle-id" && e.found.value === "com.kaspersky.kav.gui"), JSON.stringify(app.evidence));
    assert.ok(app.evidence.some((e) => e.matcher === "signer"));
    assert.ok(doc.lookalikes.some((l) => l.observation.name === "UltraAV"));
    assert.equal(doc.summary.failed, true);
  });

  it("reads loaded kernel extensions with kextstat where kmutil is missing (before macOS 11)", async () => {
    const recordings = [...RECORDINGS.filter((r) => r.command !== "kmutil"), { command: "kextstat", args: [], stdout: { file: fixture("kextstat.txt") } }];
    const { observations, collected } = await collectAll(await mac(recordings));
    assert.equal(sourceEntry(collected, "macos/kernel-extensions").items, 2);
    const klif = observations.find((o) => o.name === "com.kaspersky.kext.klif")!;
    assert.equal(klif.source.file, "host:command kextstat");
    assert.equal(klif.version, "3.0.2");

    const none = await collectAll(await mac(RECORDINGS.filter((r) => r.command !== "kmutil")));
    const kexts = sourceEntry(none.collected, "macos/kernel-extensions");
    assert.equal(kexts.skipped, true);
    assert.match(kexts.reason!, /neither kmutil nor kextstat/);
  });

  it("parses system extension and kext rows, and nothing else", () => {
    assert.equal(systemExtension("enabled\tactive\tteamID\tbundleID (version)\tname\t[state]"), undefined);
    assert.equal(systemExtension("--- com.apple.system_extension.network_extension"), undefined);
    assert.deepEqual(systemExtension("\t*\t\t2Y8XE5CQ94.com.kaspersky.kav.sysext (21.0/1)\tKaspersky\t[activated waiting for user]"), {
      kind: "driver",
      name: "com.kaspersky.kav.sysext",
      ids: { bundleId: "com.kaspersky.kav.sysext", signer: "2Y8XE5CQ94" },
      version: "21.0",
    });
    assert.deepEqual(systemExtension("\t\t-\torg.example.driver (1.0/1)\torg.example.driver\t[activated enabled]"), {
      kind: "driver",
      name: "org.example.driver",
      ids: { bundleId: "org.example.driver" },
      version: "1.0",
    });
    assert.equal(loadedKext("Index Refs Address            Size       Wired      Name (Version) UUID <Linked Against>"), undefined);
    assert.equal(loadedKext("No variant specified, falling back to release"), undefined);
    assert.equal(loadedKext("  181    0 0xffffff7f9a2b1000 0x6d000    0x6d000    com.kaspersky.kext.klif (3.0.9) 0F1E <8 6>")?.name, "com.kaspersky.kext.klif");
  });
});
