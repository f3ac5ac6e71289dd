/**
 * @module
 * The Linux collector: its sources, in the order they run. Every source reads files under the
 * root (`/`, or --host-root), except rpm, whose database only `rpm` can read.
 */
import type { HostSource } from "../types.js";
import { browserExtensionsSource } from "./browser-extensions.js";
import { dpkgSource } from "./dpkg.js";
import { installPathsSource } from "./install-paths.js";
import { modulesSource } from "./modules.js";
import { processesSource } from "./processes.js";
import { rpmSource } from "./rpm.js";
import { systemdSource } from "./systemd.js";

export const LINUX_SOURCES: readonly HostSource[] = [
  dpkgSource,
  rpmSource,
  installPathsSource,
  systemdSource,
  processesSource,
  modulesSource,
  browserExtensionsSource,
];
