/**
 * @module
 * The macOS collector: its sources, in the order they run. Applications and loaded jobs and
 * extensions come from macOS's own commands (behind the CommandRunner, so tests replay recorded
 * outputs); launchd job definitions and apps' Info.plist files are read from the disk.
 */
import type { HostSource } from "../types.js";
import { applicationsSource } from "./applications.js";
import { kextsSource, systemExtensionsSource } from "./extensions.js";
import { launchctlSource, launchdPlistsSource } from "./launchd.js";

export const MACOS_SOURCES: readonly HostSource[] = [applicationsSource, launchdPlistsSource, launchctlSource, systemExtensionsSource, kextsSource];
