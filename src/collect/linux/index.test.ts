/**
 * The Linux collector over a fake root built in a temporary folder (src/testing/fake-linux-root.ts):
 * each source reads what is there, and the scan finds Kaspersky's Linux packages, install
 * folders, units, processes and browser extensions, and nothing among the clean software and
 * look-alikes.
 */
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { createHostCollection } from "../index.js";
import { Observation } from "../../model/observation.js";
import { bundledCatalog, collectAll, scanCollection, sourceEntry } from "../../testing/host.js";
import { buildFakeLinuxRoot } from "../../testing/fake-linux-root.js";
import { createRecordedRunner } from "../../testing/recorded-runner.js";
import { execStartOf, serviceName } from "./systemd.js";
import { isKernelThread } from "./processes.js";
import { RPM_QUERY_FORMAT } from "./rpm.js";
import { tempDir } from "../../testing/temp.js";

async function linux(root: string, runner = createRecordedRunner([])) {
  return createHostCollection({ catalog: await bundledCatalog(), root, runner });
}

describe("Linux collector over a fake root", () => {
  it("reads each source under the root and names the host after the image's /etc/hostname", async () => {
    const root = buildFakeLinuxRoot();
    const collection = await linux(root);
    assert.equal(collection.host, "kesl-box");
    assert.equal(collection.platform, "linux");
    const { observations, issues, collected } = await collectAll(collection);
    assert.deepEqual(
      collected.map((c) => [c.source, c.items, c.skipped ?? false]),
      [
        ["linux/dpkg", 5, false], // kesl-gui only left its configuration files
        ["linux/rpm", 0, true],
        ["linux/install-paths", 5, false],
        ["linux/systemd-units", 6, false],
        ["linux/processes", 4, false],
        ["linux/kernel-modules", 3, false],
        ["linux/browser-extensions", 6, false],
      ],
    );
    for (const o of observations) {
      assert.ok(Observation.safeParse(o).success, JSON.stringify(o));
      assert.equal(o.host, "kesl-box");
      assert.ok(o.source.file.startsWith(`host:${root}/`), o.source.file);
    }
    const by = (reader: string) => observations.filter((o) => o.source.reader === `host/${reader}`);

    const kesl = by("linux/dpkg").find((o) => o.name === "kesl")!;
    assert.equal(kesl.source.file, `host:${root}/var/lib/dpkg/status`);
    assert.equal(kesl.source.line, 11);
    assert.equal(kesl.ids?.purl, "pkg:deb/kesl@12.1.0-1145?arch=amd64");

    assert.deepEqual(by("linux/install-paths").map((o) => o.path), ["/opt/google/", "/opt/kaspersky/", "/opt/vendor/", "/opt/kaspersky/kesl/", "/opt/kaspersky/klnagent64/"]);

    const units = by("linux/systemd-units");
    assert.deepEqual(units.map((o) => `${o.name} ${o.path ?? "-"}`).sort(), [
      "cups /usr/sbin/cupsd",
      "getty /sbin/agetty",
      "kesl /opt/kaspersky/kesl/libexec/kesl",
      "klnagent64 /opt/kaspersky/klnagent64/sbin/klnagent",
      "ssh /usr/sbin/sshd",
      "vendor /opt/vendor/bin/vendord",
    ]);
    // /lib is a link to /usr/lib: its units are read once, from the folder systemd names first
    assert.equal(units.find((o) => o.name === "kesl")!.source.file, `host:${root}/usr/lib/systemd/system/kesl.service`);
    assert.equal(units.find((o) => o.name === "kesl")!.source.line, 7);
    assert.equal(units.find((o) => o.name === "vendor")!.source.file, `host:${root}/etc/systemd/system/vendor.service`);

    assert.deepEqual(
      by("linux/processes").map((o) => `${o.name} ${o.path} ${o.source.file.slice(root.length + 5)}`),
      [
        "systemd /usr/lib/systemd/systemd /proc/1/exe",
        "kesl /opt/kaspersky/kesl/libexec/kesl /proc/812/exe",
        "klnagent /opt/kaspersky/klnagent64/sbin/klnagent /proc/900/exe",
        "bash /usr/bin/bash /proc/1200/exe",
      ],
    );
    assert.deepEqual(by("linux/kernel-modules").map((o) => `${o.name}@${o.version ?? ""}:${o.source.line}`), ["ext4@:1", "e1000e@3.2.6-k:2", "nf_tables@:3"]);

    const ext = by("linux/browser-extensions");
    assert.deepEqual(ext.map((o) => `${o.ids?.extensionId} ${o.name} ${o.version ?? ""}`), [
      "ahkjpbeeocnddjkakilopmfdlnjdpcdm Kaspersky Protection 4.0.12.11",
      "cjpalhdlnbpafiamejdnhcphjbkeiagm uBlock Origin 1.62.0",
      "nlbejmccbhkncgokjcmghpfloaajcffj Hotspot Shield Free VPN Proxy 1.1.2",
      "urladvisor@kaspersky.com Kaspersky URL Advisor 2.1.0",
      "uBlock0@raymondhill.net uBlock Origin 1.62.0",
      "aapocclcgogkmnckokdopfmhonfmgoek aapocclcgogkmnckokdopfmhonfmgoek ", // broken manifest: by its id
    ]);
    const protection = ext[0]!;
    assert.equal(protection.source.file, `host:${root}/root/.config/google-chrome/Default/Extensions/ahkjpbeeocnddjkakilopmfdlnjdpcdm/4.0.12.11_0/manifest.json`);
    const advisor = ext.find((o) => o.ids?.extensionId === "urladvisor@kaspersky.com")!;
    assert.deepEqual([advisor.vendor, advisor.source.record, advisor.source.pointer], ["Kaspersky Lab", 2, "/addons/1"]);

    // the one broken manifest is a warning; nothing else was a problem
    assert.deepEqual(issues.map((i) => `${i.code} ${i.severity}`), ["host/malformed warning"]);
    assert.match(issues[0]!.message, /home\/bob\/\.config\/chromium\/Default\/Extensions\/aapocclcgogkmnckokdopfmhonfmgoek\/0\.10_0\/manifest\.json/);
  });

  it("finds Kaspersky's packages, install folders, units, processes and extensions, nothing else", async () => {
    const doc = await scanCollection(await linux(buildFakeLinuxRoot()));
    assert.deepEqual(doc.errors.map((e) => e.code), ["host/malformed"]);
    // one finding per host and product: the package, its folder, its unit and its process merge
    const found = doc.findings.map((f) => `${f.product} ×${f.count}: ${f.source.reader} … ${f.lastSource?.reader ?? "-"}`).sort();
    assert.deepEqual(found, [
      "kaspersky-endpoint-security ×4: host/linux/dpkg … host/linux/processes",
      "kaspersky-protection-extension ×2: host/linux/browser-extensions … host/linux/browser-extensions",
      "kaspersky-security-center ×4: host/linux/dpkg … host/linux/processes",
      "kaspersky-unidentified ×1: host/linux/install-paths … -",
    ]);
    const kesl = doc.findings.find((f) => f.product === "kaspersky-endpoint-security")!;
    assert.equal(kesl.observation.name, "kesl");
    for (const [matcher, value] of [["purl", "deb/kesl"], ["service", "kesl"], ["path", "/opt/kaspersky/kesl/"], ["publisher", "Kaspersky Lab"]]) {
      assert.ok(kesl.evidence.some((e) => e.matcher === matcher && e.found.value === value), `${matcher} ${value}: ${JSON.stringify(kesl.evidence)}`);
    }
    // evidence merged in from the install folder keeps what it searched (the package has no path)
    assert.ok(kesl.evidence.some((e) => e.matcher === "path" && e.searchedBy !== undefined && Object.values(e.searchedBy).some((v) => v.includes("/opt/kaspersky/kesl"))));
    // the unit's name is the package's: its evidence only names the field searched
    assert.ok(kesl.evidence.some((e) => e.matcher === "service" && e.searched !== undefined && e.searchedBy === undefined));
    const both = doc.findings.find((f) => f.product === "kaspersky-protection-extension")!;
    assert.ok(both.evidence.some((e) => e.matcher === "extension-id" && e.found.value === "urladvisor@kaspersky.com"));
    const ext = doc.findings.find((f) => f.observation.name === "Kaspersky Protection")!;
    assert.ok(ext.evidence.some((e) => e.matcher === "extension-id" && e.found.value === "ahkjpbeeocnddjkakilopmfdlnjdpcdm"));
    assert.deepEqual(doc.lookalikes.map((l) => l.lookalike.id).sort(), ["debian-k-packages", "debian-k-packages", "pango-hotspot-shield"]);
    // command lines were never read
    assert.doesNotMatch(JSON.stringify(doc), /secret-token/);
  });

  it("states what a root without a source lacks: skipped, with the reason", async () => {
    const empty = tempDir("ictsguard-empty-root-");
    const collection = await linux(empty);
    assert.equal(collection.host, empty, "no /etc/hostname: the folder names the host");
    const { observations, issues, collected } = await collectAll(collection);
    assert.deepEqual(observations, []);
    assert.deepEqual(issues, []);
    const reasons = Object.fromEntries(collected.filter((c) => c.skipped).map((c) => [c.source, c.reason]));
    assert.match(reasons["linux/dpkg"]!, /no dpkg database/);
    assert.match(reasons["linux/rpm"]!, /no rpm database/);
    assert.match(reasons["linux/systemd-units"]!, /does not use systemd/);
    assert.match(reasons["linux/processes"]!, /a mounted image has no running processes/);
    assert.match(reasons["linux/kernel-modules"]!, /a mounted image has no loaded modules/);
  });

  it("reads an image's rpm database with rpm --root, and says when rpm is missing", async () => {
    const root = buildFakeLinuxRoot();
    mkdirSync(join(root, "var/lib/rpm"), { recursive: true });
    const output = [
      "bash\t0\t5.1.8\t9.el9\tx86_64\tRocky Enterprise Software Foundation\tRelease Engineering <releng@rockylinux.org>\t1700000000",
      "klnagent64\t(none)\t15.1.0\t20748\tx86_64\tAO Kaspersky Lab\t(none)\t1700000100",
      "",
    ].join("\n");
    const runner = createRecordedRunner([{ command: "rpm", args: ["--root", root, "-qa", "--queryformat", RPM_QUERY_FORMAT], stdout: output }]);
    const doc = await scanCollection(await linux(root, runner));
    assert.equal(sourceEntry(doc.collected!, "linux/rpm").items, 2);
    // the rpm package joins the same host's Security Center finding (dpkg, folder, unit, process)
    const agent = doc.findings.find((f) => f.product === "kaspersky-security-center")!;
    assert.equal(agent.count, 5);
    const rpmEvidence = agent.evidence.find((e) => e.matcher === "purl" && e.searchedBy?.purl?.startsWith("pkg:rpm/"));
    assert.ok(rpmEvidence, JSON.stringify(agent.evidence));
    assert.match(rpmEvidence.searchedBy!.purl!, /^pkg:rpm\/[^/]*\/?klnagent64@15\.1\.0/);

    const missing = await collectAll(await linux(root));
    const rpm = sourceEntry(missing.collected, "linux/rpm");
    assert.equal(rpm.skipped, true);
    assert.match(rpm.reason!, /rpm database is at \/var\/lib\/rpm, but the rpm command is not installed/);
  });
});

describe("Linux collector helpers", () => {
  it("serviceName and execStartOf read units as systemd does", () => {
    assert.equal(serviceName("kesl.service"), "kesl");
    assert.equal(serviceName("getty@.service"), "getty");
    assert.equal(serviceName("getty@tty1.service"), "getty");
    assert.deepEqual(execStartOf("[Unit]\nExecStart=/not/here\n[Service]\nExecStartPre=/bin/true\nExecStart=-/usr/bin/foo --x\n"), { program: "/usr/bin/foo", line: 5 });
    assert.deepEqual(execStartOf('[Service]\nExecStart=@"/opt/My App/bin/app" arg\n'), { program: "/opt/My App/bin/app", line: 2 });
    assert.equal(execStartOf("[Service]\nType=oneshot\n"), undefined);
  });

  it("isKernelThread: kthreadd and its children", () => {
    assert.equal(isKernelThread("2", "2 (kthreadd) S 0 0 0"), true);
    assert.equal(isKernelThread("57", "57 (kworker/u8:2-events (x)) I 2 0 0"), true);
    assert.equal(isKernelThread("812", "812 (kesl) S 1 812 812"), false);
  });
});
