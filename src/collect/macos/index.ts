/**
 * @module
 * The macOS collector: its sources, in the order they run. Applications and loaded jobs and
 * extensions come from macOS's own commands (behind the CommandRunner, so tests replay recorded
 * outputs); launchd job definitions, apps' Info.plist files and the catalog's install paths are
 * read from the disk.
 */
import { installPathsSourceOf } from "../linux/install-paths.js";
import type { HostSource } from "../types.js";
import { applicationsSource } from "./applications.js";
import { kextsSource, systemExtensionsSource } from "./extensions.js";
import { launchctlSource, launchdPlistsSource } from "./launchd.js";

/** The catalog's macOS install paths (/Library/Application Support/Kaspersky Lab/ ...) that exist. */
export const macosInstallPathsSource = installPathsSourceOf("macos/install-paths", []);

export const MACOS_SOURCES: readonly HostSource[] = [applicationsSource, macosInstallPathsSource, launchdPlistsSource, launchctlSource, systemExtensionsSource, kextsSource];
