/**
 * @module
 * The Windows collector: its sources, in the order they run. Each asks Windows through its own
 * commands (`reg.exe`, `powershell.exe`), behind the CommandRunner, so tests replay recorded
 * outputs of those commands.
 */
import type { HostSource } from "../types.js";
import { appxSource } from "./appx.js";
import { processesSource } from "./processes.js";
import { driversSource, servicesSource } from "./services.js";
import { signersSource } from "./signers.js";
import { uninstallSource } from "./uninstall.js";

export const WINDOWS_SOURCES: readonly HostSource[] = [uninstallSource, servicesSource, driversSource, processesSource, signersSource, appxSource];
