/**
 * The Windows collector over recorded outputs of reg.exe and PowerShell (src/collect/testdata/
 * windows, see its README): every source yields what the commands printed, the scan finds the
 * Kaspersky entries and nothing among the clean ones and the look-alikes.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { toSarif } from "../../report/sarif/index.js";
import { describe, it } from "node:test";
import { createHostCollection } from "../index.js";
import { Observation } from "../../model/observation.js";
import { bundledCatalog, collectAll, scanCollection, sourceEntry } from "../../testing/host.js";
import { createRecordedRunner, type Recording } from "../../testing/recorded-runner.js";
import { repoPath } from "../../testing/index.js";
import { programOf } from "./powershell.js";
import { organizationOf } from "./appx.js";

const fixture = (name: string) => repoPath("src/collect/testdata/windows", name);
const SID = "S-1-5-21-1004336348-1177238915-682003330-1001";
const UNINSTALL = "Microsoft\\Windows\\CurrentVersion\\Uninstall";
const NO_KEY = { code: 1, stderr: "ERROR: The system was unable to find the specified registry key or value.\r\n" };
const script = (includes: string, excludes?: string) => (args: readonly string[]) => args.at(-1)!.includes(includes) && (!excludes || !args.at(-1)!.includes(excludes));

function recordings(overrides: { appx?: Recording } = {}): Recording[] {
  const regExport = (key: string, file: string): Recording => ({ command: "reg.exe", args: (a) => a[0] === "export" && a[1] === key, writes: { arg: 2, file: fixture(file) } });
  const noKey = (sid: string): Recording => ({ command: "reg.exe", args: (a) => a[0] === "export" && a[1] === `HKU\\${sid}\\Software\\${UNINSTALL}`, ...NO_KEY });
  return [
    { command: "reg.exe", args: ["query", "HKU"], stdout: { file: fixture("reg-query-hku.txt") } },
    regExport(`HKLM\\SOFTWARE\\${UNINSTALL}`, "reg-export-hklm-uninstall.reg"),
    regExport(`HKLM\\SOFTWARE\\WOW6432Node\\${UNINSTALL}`, "reg-export-wow6432node-uninstall.reg"),
    regExport(`HKU\\${SID}\\Software\\${UNINSTALL}`, "reg-export-hku-user-uninstall.reg"),
    noKey("S-1-5-18"),
    noKey("S-1-5-19"),
    noKey("S-1-5-20"),
    { command: "powershell.exe", args: script("Get-AuthenticodeSignature"), stdout: { file: fixture("authenticode.json") } },
    { command: "powershell.exe", args: script("Win32_Service"), stdout: { file: fixture("win32-service.json") } },
    { command: "powershell.exe", args: script("Win32_SystemDriver"), stdout: { file: fixture("win32-systemdriver.json") } },
    { command: "powershell.exe", args: script("Win32_Process", "Get-AuthenticodeSignature"), stdout: { file: fixture("win32-process.json") } },
    overrides.appx ?? { command: "powershell.exe", args: script("Get-AppxPackage"), stdout: { file: fixture("appx-allusers.json") } },
  ];
}

async function windows(recorded: Recording[] = recordings()) {
  const runner = createRecordedRunner(recorded);
  const collection = await createHostCollection({ catalog: await bundledCatalog(), platform: "windows", runner, host: "WS-0142" });
  return { runner, collection };
}

describe("Windows collector over recorded command outputs", () => {
  it("collects every source, stamped with the host and located by command or registry key", async () => {
    const { collection, runner } = await windows();
    const { observations, issues, collected } = await collectAll(collection);
    assert.deepEqual(issues, []);
    assert.deepEqual(
      collected.map((c) => [c.source, c.items, c.skipped ?? false]),
      [
        ["windows/uninstall", 8, false],
        ["windows/services", 7, false],
        ["windows/drivers", 8, false],
        ["windows/processes", 12, false], // 14 processes, chrome.exe three times
        ["windows/signers", 6, false], // 7 programs, one not signed
        ["windows/appx", 4, false],
      ],
    );
    for (const o of observations) {
      assert.ok(Observation.safeParse(o).success, JSON.stringify(o));
      assert.equal(o.host, "WS-0142");
      assert.match(o.source.file, /^host:(reg HK|command )/);
      assert.match(o.source.reader ?? "", /^host\/windows\//);
    }
    const kes = observations.find((o) => o.name === "Kaspersky Endpoint Security for Windows")!;
    assert.equal(kes.source.file, `host:reg HKLM\\SOFTWARE\\WOW6432Node\\${UNINSTALL}`);
    assert.equal(kes.source.pointer, `HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\${UNINSTALL}\\{2924BEDA-E0D7-4DAF-A224-50D2E0B12F5B}`);
    assert.equal(kes.vendor, "AO Kaspersky Lab");
    assert.equal(kes.version, "12.1.0.506");
    const zoom = observations.find((o) => o.name === "Zoom Workplace")!;
    assert.equal(zoom.source.file, `host:reg HKU\\${SID}\\Software\\${UNINSTALL}`);
    // the user hives exported: every SID, not .DEFAULT nor the _Classes hive
    const exported = runner.calls.filter((c) => c.command === "reg.exe" && c.args[0] === "export").map((c) => c.args[1]);
    assert.deepEqual(exported.slice(2), ["S-1-5-19", "S-1-5-20", SID, "S-1-5-18"].map((s) => `HKU\\${s}\\Software\\${UNINSTALL}`));
    // the temporary export files are gone
    for (const c of runner.calls.filter((c) => c.args[0] === "export")) assert.equal(existsSync(c.args[2]!), false, c.args[2]);
    // never a command line
    const processCall = runner.calls.find((c) => c.command === "powershell.exe" && c.args.at(-1)!.includes("Win32_Process") && !c.args.at(-1)!.includes("Authenticode"))!;
    assert.doesNotMatch(processCall.args.at(-1)!, /CommandLine/);
    const avp = observations.find((o) => o.kind === "service" && o.name === "AVP")!;
    assert.equal(avp.path, "C:\\Program Files (x86)\\Kaspersky Lab\\Kaspersky Endpoint Security for Windows\\avp.exe");
    assert.equal(avp.source.file, "host:command Get-CimInstance Win32_Service");
    assert.equal(avp.source.record, 1);
  });

  it("finds the Kaspersky programs, services, drivers, processes and signers, and nothing else", async () => {
    const { collection } = await windows();
    const doc = await scanCollection(collection);
    assert.deepEqual(doc.errors, []);
    // one finding per host and product: a program's uninstall entry, services, processes and signers merge
    const found = doc.findings.map((f) => `${f.product} ×${f.count}: ${f.source.reader} … ${f.lastSource?.reader ?? "-"}`).sort();
    assert.deepEqual(found, [
      "kaspersky-endpoint-security ×6: host/windows/uninstall … host/windows/signers",
      "kaspersky-security-center ×4: host/windows/uninstall … host/windows/signers",
      "kaspersky-unidentified ×3: host/windows/drivers … host/windows/drivers",
    ]);
    for (const f of doc.findings) {
      assert.equal(f.status, "unsupported", f.observation.name);
      assert.equal(f.observation.host, "WS-0142");
    }
    const signer = doc.findings.find((f) => f.product === "kaspersky-endpoint-security")!;
    assert.ok(signer.evidence.some((e) => e.matcher === "signer" && e.found.value === "AO Kaspersky Lab"));
    const klif = doc.findings.find((f) => f.product === "kaspersky-unidentified")!;
    assert.equal(klif.observation.name, "klif");
    assert.ok(klif.evidence.some((e) => e.matcher === "driver" && e.type === "exact-id"));
    // the Microsoft look-alikes were seen and recognized, not reported
    const lookalikes = doc.lookalikes.map((l) => `${l.observation.name} (${l.lookalike.id})`).sort();
    for (const l of ["KeyIso (microsoft-kl-ks-names)", "kbdclass (microsoft-kl-ks-names)", "klist.exe (microsoft-kl-ks-names)", "UltraAV (pango-ultraav)", "WdFilter (microsoft-defender)"]) {
      assert.ok(lookalikes.includes(l), `${l} not in ${lookalikes.join(", ")}`);
    }
  });

  it("its report is valid SARIF: host files are file URIs, host commands are described, not encoded", async () => {
    const { collection } = await windows();
    const log = toSarif(await scanCollection(collection));
    const schema = JSON.parse(readFileSync(repoPath("src/report/sarif/testdata/sarif-schema-2.1.0.json"), "utf8")) as object;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addFormat("uri", /^[a-z][a-z0-9+.-]*:[^\s\\]*$/i);
    ajv.addFormat("uri-reference", (s: string) => !/[\s\\<>"{}|^`]/.test(s) && !/%(?![0-9a-f]{2})/i.test(s));
    ajv.addFormat("uuid", /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
    ajv.addFormat("date-time", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
    const validate = ajv.compile(schema);
    assert.ok(validate(log), ajv.errorsText(validate.errors, { separator: "\n" }));
    const artifacts = log.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation);
    assert.ok(artifacts.every((a) => !a.uri?.includes("host%3A")), JSON.stringify(artifacts));
    assert.ok(
      artifacts.some((a) => a.uri === undefined && a.description?.text === "on the scanned host: reg HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall"),
      JSON.stringify(artifacts),
    );
  });

  it("without administrator rights, reads the current user's MSIX packages and says so", async () => {
    const appx: Recording = {
      command: "powershell.exe",
      args: script("Get-AppxPackage"),
      stdout: { file: fixture("appx-current-user.json") },
      stderr: "ictsguard: Get-AppxPackage -AllUsers needs administrator rights; current user only\r\n",
    };
    const { collection } = await windows(recordings({ appx }));
    const { observations, issues, collected } = await collectAll(collection);
    assert.equal(sourceEntry(collected, "windows/appx").items, 1);
    const calc = observations.find((o) => o.source.reader === "host/windows/appx")!;
    assert.equal(calc.name, "Microsoft.WindowsCalculator");
    assert.equal(calc.vendor, "Microsoft Corporation");
    assert.equal(calc.ids?.signer, "CN=Microsoft Corporation, O=Microsoft Corporation, L=Redmond, S=Washington, C=US");
    assert.equal(calc.source.record, 1);
    assert.deepEqual(issues.map((i) => [i.code, i.severity]), [["host/permission-denied", "warning"]]);
    assert.match(issues[0]!.message, /administrator rights/);
  });

  it("a failing command is a warning naming it; a missing PowerShell or reg.exe skips its sources", async () => {
    const recorded = recordings().filter((r) => r.command !== "powershell.exe");
    recorded.push({ command: "powershell.exe", args: script("Win32_Service"), code: 1, stderr: "Get-CimInstance : Access denied\r\n" });
    recorded.push({ command: "powershell.exe", args: () => true, stdout: "" });
    const { collection } = await windows(recorded);
    const { issues, collected } = await collectAll(collection);
    assert.equal(sourceEntry(collected, "windows/uninstall").items, 8);
    assert.deepEqual(issues.map((i) => `${i.code} ${i.severity} ${i.source.file}`), ["host/command-failed warning host:command Get-CimInstance Win32_Service"]);
    assert.match(issues[0]!.message, /Access denied/);

    const none = await windows([]);
    const c = (await collectAll(none.collection)).collected;
    assert.ok(c.every((s) => s.skipped && s.items === 0), JSON.stringify(c));
    assert.match(sourceEntry(c, "windows/uninstall").reason!, /reg\.exe is not available/);
    assert.match(sourceEntry(c, "windows/services").reason!, /PowerShell .* is not available/);
  });
});

describe("Windows collector: bad output", () => {
  it("malformed PowerShell output is a located error; the command is stopped, the other sources still run", async () => {
    const recorded = recordings().filter((r) => !(r.command === "powershell.exe" && typeof r.args === "function" && r.args(["Win32_Service"])));
    const garbage = '[{"Name":"AVP","PathName":"C:\\\\avp.exe"},{"Name": oops' + " ".repeat(200_000) + "]";
    recorded.unshift({ command: "powershell.exe", args: script("Win32_Service"), stdout: garbage });
    const { collection, runner } = await windows(recorded);
    const { observations, issues, collected } = await collectAll(collection);
    assert.equal(sourceEntry(collected, "windows/services").items, 1, "the record before the error was kept");
    assert.ok(observations.some((o) => o.kind === "service" && o.name === "AVP"));
    const syntax = issues.find((i) => i.code === "json/syntax")!;
    assert.equal(syntax.source.file, "host:command Get-CimInstance Win32_Service");
    assert.equal(syntax.source.line, 1);
    assert.ok(runner.calls.find((c) => c.args.at(-1)!.includes("Win32_Service"))!.stopped, "the rest of its output was not waited for");
    assert.equal(sourceEntry(collected, "windows/drivers").items, 8);
  });
});

describe("Windows collector helpers", () => {
  it("programOf: the program of a service's PathName, without arguments", () => {
    assert.equal(programOf('"C:\\Program Files\\X\\x.exe" -k run'), "C:\\Program Files\\X\\x.exe");
    assert.equal(programOf("C:\\Windows\\system32\\svchost.exe -k netsvcs -p"), "C:\\Windows\\system32\\svchost.exe");
    assert.equal(programOf("C:\\Program Files\\Contoso Backup\\agent.exe --service"), "C:\\Program Files\\Contoso Backup\\agent.exe");
    assert.equal(programOf("\\??\\C:\\Windows\\system32\\DRIVERS\\klwfp.sys"), "C:\\Windows\\system32\\DRIVERS\\klwfp.sys");
    assert.equal(programOf("system32\\DRIVERS\\klif.sys"), "system32\\DRIVERS\\klif.sys");
    assert.equal(programOf(""), undefined);
  });

  it("organizationOf: the organization in a certificate subject", () => {
    assert.equal(organizationOf("CN=Spotify AB, O=Spotify AB, L=Stockholm, C=SE"), "Spotify AB");
    assert.equal(organizationOf("CN=453637B3-4E12-4CDF-B0D3-2A3C863BF6EF"), "453637B3-4E12-4CDF-B0D3-2A3C863BF6EF");
    assert.equal(organizationOf('CN="Contoso, Ltd.", O="Contoso, Ltd.", C=US'), "Contoso, Ltd.");
  });
});
