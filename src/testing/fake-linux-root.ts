/**
 * @module
 * A fake Linux root for collector tests, built in a temporary folder: the places Kaspersky
 * Endpoint Security for Linux and the Network Agent install themselves (docs
 * detection-identifiers.md §5: the kesl and klnagent64 packages, /opt/kaspersky/kesl/,
 * /opt/kaspersky/klnagent64/, the kesl and klnagent64 systemd units), a Chrome profile with the
 * Kaspersky Protection extension (ahkjpbeeocnddjkakilopmfdlnjdpcdm), a Firefox profile with the
 * legacy Kaspersky URL Advisor add-on, running processes and kernel modules in a fake /proc,
 * beside clean software and look-alikes (ksnip, klibc-utils, Hotspot Shield). Package
 * maintainers, versions and the programs the units start are made up around the real names.
 */
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { tempDir } from "./temp.js";

export const DPKG_STATUS = `Package: base-files
Status: install ok installed
Priority: required
Section: admin
Installed-Size: 340
Maintainer: Santiago Vila <sanvila@debian.org>
Architecture: amd64
Version: 12.4+deb12u8
Description: Debian base system miscellaneous files

Package: kesl
Status: install ok installed
Priority: optional
Section: non-free/admin
Installed-Size: 912340
Maintainer: AO Kaspersky Lab <support@kaspersky.com>
Architecture: amd64
Version: 12.1.0-1145
Description: Kaspersky Endpoint Security for Linux

Package: kesl-gui
Status: deinstall ok config-files
Priority: optional
Section: non-free/admin
Installed-Size: 80211
Maintainer: AO Kaspersky Lab <support@kaspersky.com>
Architecture: amd64
Version: 12.1.0-1145
Description: Kaspersky Endpoint Security for Linux graphical interface

Package: klibc-utils
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 360
Maintainer: Debian Kernel Team <debian-kernel@lists.debian.org>
Architecture: amd64
Source: klibc
Version: 2.0.12-1
Description: small utilities built with klibc for early boot

Package: klnagent64
Status: install ok installed
Priority: optional
Section: non-free/admin
Installed-Size: 402113
Maintainer: AO Kaspersky Lab <support@kaspersky.com>
Architecture: amd64
Version: 15.1.0-20748
Description: Kaspersky Security Center Network Agent

Package: ksnip
Status: install ok installed
Priority: optional
Section: graphics
Installed-Size: 2300
Maintainer: Debian Qt/KDE Maintainers <debian-qt-kde@lists.debian.org>
Architecture: amd64
Version: 1.10.0-2
Description: screenshot tool
`;

/** Writes a file (and its folders) under the root. */
function put(root: string, path: string, text: string): void {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
}

function link(root: string, path: string, target: string): void {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  symlinkSync(target, full);
}

function unit(description: string, exec: string): string {
  return `[Unit]\nDescription=${description}\nAfter=network.target\n\n[Service]\nType=simple\nExecStart=${exec}\nRestart=on-failure\n\n[Install]\nWantedBy=multi-user.target\n`;
}

function proc(root: string, pid: number, comm: string, ppid: number, exe?: string): void {
  put(root, `proc/${pid}/comm`, `${comm}\n`);
  put(root, `proc/${pid}/stat`, `${pid} (${comm}) S ${ppid} ${pid} ${pid} 0 -1 4194560 1573 0 0 0 3 2 0 0 20 0 1 0 27 10416128 612\n`);
  put(root, `proc/${pid}/cmdline`, `${comm}\0--secret-token=do-not-read\0`);
  if (exe) link(root, `proc/${pid}/exe`, exe);
}

function chromeExtension(root: string, profileDir: string, id: string, version: string, manifest: object, messages?: object): void {
  const dir = `${profileDir}/Extensions/${id}/${version}`;
  put(root, `${dir}/manifest.json`, JSON.stringify(manifest, null, 2));
  if (messages) put(root, `${dir}/_locales/en/messages.json`, JSON.stringify(messages, null, 2));
}

/** Builds the fake root; returns its folder. */
export function buildFakeLinuxRoot(): string {
  const root = tempDir("ictsguard-root-");
  put(root, "etc/hostname", "kesl-box\n");
  put(root, "var/lib/dpkg/status", DPKG_STATUS);

  // install folders
  put(root, "opt/kaspersky/kesl/bin/kesl-control", "#!/bin/sh\n");
  put(root, "opt/kaspersky/kesl/libexec/kesl", "\x7fELF");
  put(root, "opt/kaspersky/klnagent64/sbin/klnagent", "\x7fELF");
  put(root, "opt/google/chrome/chrome", "\x7fELF");

  // systemd: merged /usr (lib -> usr/lib), units in /usr/lib/systemd/system and /etc
  mkdirSync(join(root, "usr/lib/systemd/system"), { recursive: true });
  symlinkSync("usr/lib", join(root, "lib"));
  put(root, "usr/lib/systemd/system/kesl.service", unit("Kaspersky Endpoint Security for Linux", "/opt/kaspersky/kesl/libexec/kesl --service"));
  put(root, "usr/lib/systemd/system/klnagent64.service", unit("Kaspersky Security Center Network Agent", "/opt/kaspersky/klnagent64/sbin/klnagent"));
  put(root, "usr/lib/systemd/system/ssh.service", unit("OpenBSD Secure Shell server", "/usr/sbin/sshd -D $SSHD_OPTS"));
  put(root, "usr/lib/systemd/system/getty@.service", unit("Getty on %I", "-/sbin/agetty -o '-p -- \\\\u' --noclear - $TERM"));
  put(root, "usr/lib/systemd/system/cups.service", unit("CUPS Scheduler", "/usr/sbin/cupsd -l"));
  link(root, "etc/systemd/system/cups.service", "/dev/null"); // masked: the /usr/lib unit is still installed
  link(root, "etc/systemd/system/multi-user.target.wants/kesl.service", "/lib/systemd/system/kesl.service");
  put(root, "opt/vendor/vendor.service", unit("Vendor daemon", "/opt/vendor/bin/vendord"));
  link(root, "etc/systemd/system/vendor.service", "/opt/vendor/vendor.service"); // absolute: followed inside the root

  // processes (kernel threads are children of kthreadd, pid 2)
  proc(root, 1, "systemd", 0, "/usr/lib/systemd/systemd");
  proc(root, 2, "kthreadd", 0);
  proc(root, 3, "kworker/0:0-events", 2);
  proc(root, 812, "kesl", 1, "/opt/kaspersky/kesl/libexec/kesl");
  proc(root, 813, "kesl", 812, "/opt/kaspersky/kesl/libexec/kesl");
  proc(root, 900, "klnagent", 1, "/opt/kaspersky/klnagent64/sbin/klnagent (deleted)");
  proc(root, 1200, "bash", 1, "/usr/bin/bash");
  put(root, "proc/modules", "ext4 1007616 2 - Live 0x0000000000000000\ne1000e 335872 0 - Live 0x0000000000000000\nnf_tables 376832 0 - Live 0x0000000000000000\n");
  put(root, "sys/module/e1000e/version", "3.2.6-k\n");

  // browser profiles
  const rootChrome = "root/.config/google-chrome/Default";
  const kp = { name: "__MSG_extName__", description: "__MSG_extDescription__", default_locale: "en", version: "4.0.12.11", manifest_version: 3 };
  chromeExtension(root, rootChrome, "ahkjpbeeocnddjkakilopmfdlnjdpcdm", "4.0.12.11_0", kp, { extName: { message: "Kaspersky Protection" }, extDescription: { message: "Protection" } });
  chromeExtension(root, rootChrome, "ahkjpbeeocnddjkakilopmfdlnjdpcdm", "3.9.1_0", { ...kp, version: "3.9.1" }, { extname: { message: "Kaspersky Protection (old)" } });
  chromeExtension(root, "home/alex/.config/google-chrome/Default", "cjpalhdlnbpafiamejdnhcphjbkeiagm", "1.62.0_0", { name: "uBlock Origin", version: "1.62.0", author: "Raymond Hill & contributors", manifest_version: 2 });
  chromeExtension(root, "home/alex/.config/google-chrome/Profile 1", "nlbejmccbhkncgokjcmghpfloaajcffj", "1.1.2_0", { name: "Hotspot Shield Free VPN Proxy", version: "1.1.2", manifest_version: 3 });
  put(root, "home/bob/.config/chromium/Default/Extensions/aapocclcgogkmnckokdopfmhonfmgoek/0.10_0/manifest.json", '{"name": "Slides", "version": ');
  put(
    root,
    "home/alex/.mozilla/firefox/q1w2e3r4.default-release/extensions.json",
    JSON.stringify({
      schemaVersion: 36,
      addons: [
        { id: "formautofill@mozilla.org", type: "extension", location: "app-builtin", version: "1.0.1", defaultLocale: { name: "Form Autofill" } },
        { id: "urladvisor@kaspersky.com", type: "extension", location: "app-profile", version: "2.1.0", path: "/home/alex/.mozilla/firefox/q1w2e3r4.default-release/extensions/urladvisor@kaspersky.com.xpi", defaultLocale: { name: "Kaspersky URL Advisor", creator: "Kaspersky Lab" } },
        { id: "uBlock0@raymondhill.net", type: "extension", location: "app-profile", version: "1.62.0", defaultLocale: { name: "uBlock Origin", creator: "Raymond Hill" } },
        { id: "{e2fda1a4-762b-4020-b5ad-a41df1933103}", type: "theme", location: "app-profile", version: "1.0", defaultLocale: { name: "Dark Alpenglow" } },
      ],
    }),
  );
  return root;
}
