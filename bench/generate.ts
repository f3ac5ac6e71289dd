/**
 * @module
 * Synthetic fleet inventories for benchmarks: a realistic mix of common software across many
 * hosts, with a few restricted products (about 1 row in 2,000) under their real names.
 * Deterministic (seeded), written as a stream so generating 1M rows needs little memory.
 */
import { createWriteStream } from "node:fs";
import { once } from "node:events";

/** Common programs with their publishers, as Windows/macOS/Linux inventories list them. */
const COMMON: [string, string][] = [
  ["Google Chrome", "Google LLC"], ["Mozilla Firefox (x64 en-US)", "Mozilla"], ["Microsoft Edge", "Microsoft Corporation"],
  ["Microsoft 365 Apps for enterprise - en-us", "Microsoft Corporation"], ["Microsoft Visual C++ 2015-2022 Redistributable (x64)", "Microsoft Corporation"],
  ["Microsoft Teams", "Microsoft Corporation"], ["Microsoft OneDrive", "Microsoft Corporation"], ["Microsoft Defender Antivirus", "Microsoft Corporation"],
  ["7-Zip 23.01 (x64)", "Igor Pavlov"], ["Notepad++ (64-bit x64)", "Notepad++ Team"], ["Adobe Acrobat Reader DC", "Adobe Systems Incorporated"],
  ["Zoom Workplace", "Zoom Video Communications, Inc."], ["Slack", "Slack Technologies Inc."], ["Cisco Secure Client - AnyConnect VPN", "Cisco Systems, Inc."],
  ["VLC media player", "VideoLAN"], ["Git", "The Git Development Community"], ["Python 3.12.4 (64-bit)", "Python Software Foundation"],
  ["Java 8 Update 411", "Oracle Corporation"], ["ESET Endpoint Security", "ESET, spol. s r.o."], ["Bitdefender Total Security", "Bitdefender"],
  ["CrowdStrike Windows Sensor", "CrowdStrike, Inc."], ["SentinelOne Agent", "SentinelOne"], ["Sophos Endpoint Agent", "Sophos Limited"],
  ["Malwarebytes version 5.1.0.92", "Malwarebytes"], ["UltraAV", "Pango"], ["Hotspot Shield", "Pango Inc."], ["Dr.Web Security Space", "Doctor Web"],
  ["Yandex", "ООО «ЯНДЕКС»"], ["Telegram Desktop", "Telegram FZ-LLC"], ["WinRAR 7.01 (64-bit)", "win.rar GmbH"], ["PuTTY release 0.81 (64-bit)", "Simon Tatham"],
  ["WireShark 4.2.5 x64", "The Wireshark developer community"], ["Docker Desktop", "Docker Inc."], ["Visual Studio Code", "Microsoft Corporation"],
  ["Intel(R) Graphics Driver", "Intel Corporation"], ["NVIDIA Graphics Driver 552.22", "NVIDIA Corporation"], ["Realtek High Definition Audio Driver", "Realtek Semiconductor Corp."],
  ["Dell SupportAssist", "Dell Inc."], ["HP LaserJet Pro MFP M428f", "HP Inc."], ["Lenovo Vantage Service", "Lenovo Group Ltd."], ["TeamViewer", "TeamViewer Germany GmbH"],
  ["AnyDesk", "AnyDesk Software GmbH"], ["KeePass Password Safe 2.57", "Dominik Reichl"], ["Greenshot 1.2.10.6", "Greenshot"], ["ksnip", "Damir Porobic"],
  ["Checkmarx KICS", "Checkmarx"], ["LibreOffice 24.2.4.2", "The Document Foundation"], ["GIMP 2.10.38", "The GIMP Team"], ["Audacity 3.5.1", "Audacity Team"],
];

/** Restricted products, under the names and publishers they really carry. */
const RESTRICTED: [string, string][] = [
  ["Kaspersky Endpoint Security for Windows", "AO Kaspersky Lab"], ["Kaspersky Security Center Network Agent", "AO Kaspersky Lab"],
  ["Kaspersky Total Security", "Kaspersky Lab"], ["Антивирус Касперского", "Лаборатория Касперского"], ["Kaspersky VPN Secure Connection", "AO Kaspersky Lab"],
];

export const RESTRICTED_EVERY = 2000;

/** A small seeded PRNG (mulberry32): the same inventory on every run. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

type Row = { host: string; name: string; vendor: string; version: string; path: string };

function* rows(count: number, restrictedEvery: number): Iterable<Row> {
  const random = rng(13873);
  for (let i = 0; i < count; i++) {
    const restricted = i % restrictedEvery === restrictedEvery - 1;
    const list = restricted ? RESTRICTED : COMMON;
    const [name, vendor] = list[Math.floor(random() * list.length)]!;
    const host = `ws-${String(Math.floor(i / 120)).padStart(6, "0")}`;
    const version = `${1 + Math.floor(random() * 30)}.${Math.floor(random() * 10)}.${Math.floor(random() * 1000)}`;
    yield { host, name, vendor, version, path: `C:\\Program Files\\${name.split(" ")[0]}\\` };
  }
}

async function writeLines(path: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(path);
  for (const line of lines) {
    if (!out.write(line)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}

/** ictsguard's generic CSV layout, as an Intune/Lansweeper-style export would be mapped. */
export async function writeCsvInventory(path: string, count: number, restrictedEvery = RESTRICTED_EVERY): Promise<void> {
  await writeLines(
    path,
    (function* () {
      yield "host,kind,name,vendor,version,path,identifier\n";
      for (const r of rows(count, restrictedEvery)) yield `${r.host},software,${csvField(r.name)},${csvField(r.vendor)},${r.version},${csvField(r.path)},\n`;
    })(),
  );
}

/** `osqueryi --json "select * from programs"` output: one JSON array, every value a string. */
export async function writeOsqueryPrograms(path: string, count: number, restrictedEvery = RESTRICTED_EVERY): Promise<void> {
  await writeLines(
    path,
    (function* () {
      yield "[\n";
      let first = true;
      for (const r of rows(count, restrictedEvery)) {
        const row = { name: r.name, version: r.version, install_location: r.path, install_source: "", language: "1033", publisher: r.vendor, uninstall_string: "", install_date: "20240115", identifying_number: "" };
        yield (first ? "  " : ",\n  ") + JSON.stringify(row);
        first = false;
      }
      yield "\n]\n";
    })(),
  );
}

/** Writes strings as UTF-16LE with a BOM, as regedit and `reg export` write `.reg` files. */
async function writeUtf16(path: string, parts: Iterable<string>): Promise<void> {
  const out = createWriteStream(path);
  const write = async (b: Buffer) => {
    if (!out.write(b)) await once(out, "drain");
  };
  await write(Buffer.from([0xff, 0xfe]));
  let pending = "";
  for (const part of parts) {
    pending += part;
    if (pending.length > 1 << 16) {
      await write(Buffer.from(pending, "utf16le"));
      pending = "";
    }
  }
  await write(Buffer.from(pending, "utf16le"));
  out.end();
  await once(out, "finish");
}

const regString = (s: string): string => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

/** A `reg export` of Uninstall keys (UTF-16LE, CRLF): one program key per row, with the values Windows writes. */
export async function writeRegExport(path: string, count: number, restrictedEvery = RESTRICTED_EVERY): Promise<void> {
  await writeUtf16(
    path,
    (function* () {
      yield "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall]\r\n\r\n";
      let i = 0;
      for (const r of rows(count, restrictedEvery)) {
        const guid = `{${(i++).toString(16).padStart(8, "0").toUpperCase()}-0000-4000-8000-000000000000}`;
        yield `[HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\${guid}]\r\n` +
          `"DisplayName"=${regString(r.name)}\r\n"DisplayVersion"=${regString(r.version)}\r\n"Publisher"=${regString(r.vendor)}\r\n` +
          `"InstallLocation"=${regString(r.path)}\r\n"InstallDate"="20240115"\r\n"EstimatedSize"=dword:0001a2b3\r\n` +
          `"UninstallString"=${regString(`MsiExec.exe /X${guid}`)}\r\n"WindowsInstaller"=dword:00000001\r\n\r\n`;
      }
    })(),
  );
}

/** Debian packages with their maintainers, and Kaspersky's Linux packages. */
const DEB_COMMON: [string, string][] = [
  ["adduser", "Debian Adduser Developers"], ["apt", "APT Development Team"], ["bash", "Matthias Klose"], ["coreutils", "Michael Stone"],
  ["libc6", "GNU Libc Maintainers"], ["openssl", "Debian OpenSSL Team"], ["systemd", "Debian systemd Maintainers"], ["tzdata", "GNU Libc Maintainers"],
  ["ksnip", "Debian Qt/KDE Maintainers"], ["klavaro", "Debian Edu Packaging Team"], ["kleopatra", "Debian Qt/KDE Maintainers"], ["kexec-tools", "Khalid Aziz"],
  ["python3", "Matthias Klose"], ["perl-base", "Niko Tyni"], ["curl", "Alessandro Ghedini"], ["openssh-server", "Debian OpenSSH Maintainers"],
];
const DEB_RESTRICTED = ["kesl", "klnagent64", "kess", "ksc64"];

/** A `/var/lib/dpkg/status` database: one stanza per row, with the fields dpkg writes. */
export async function writeDpkgStatus(path: string, count: number, restrictedEvery = RESTRICTED_EVERY): Promise<void> {
  await writeLines(
    path,
    (function* () {
      for (let i = 0; i < count; i++) {
        const restricted = i % restrictedEvery === restrictedEvery - 1;
        const [name, maintainer] = restricted ? [DEB_RESTRICTED[i % DEB_RESTRICTED.length]!, "AO Kaspersky Lab"] : DEB_COMMON[i % DEB_COMMON.length]!;
        yield `Package: ${name}${restricted ? "" : `-${i}`}\nStatus: install ok installed\nPriority: optional\nSection: misc\nInstalled-Size: ${1000 + (i % 5000)}\n` +
          `Maintainer: ${maintainer} <packages@example.invalid>\nArchitecture: amd64\nVersion: ${1 + (i % 30)}.${i % 10}.${i % 1000}-1\n` +
          `Description: package ${i}\n a longer description line\n .\n and another\n\n`;
      }
    })(),
  );
}
