/**
 * @module
 * Running Windows processes with the program each runs: `Get-CimInstance Win32_Process`, only
 * ProcessId, Name and ExecutablePath (never CommandLine, which can hold secrets). A program
 * running many times is one observation. Without administrator rights Windows hides the path of
 * other users' and protected processes: those are listed by name.
 */
import type { Observation } from "../../model/observation.js";
import { defineSource, type CollectContext } from "../types.js";
import { powershellRecords, prop } from "./powershell.js";

const LABEL = "Get-CimInstance Win32_Process";

export const processesSource = defineSource({
  name: "windows/processes",
  description: "running processes (names and programs; no command lines)",
  reads: LABEL,
  async *collect(ctx: CollectContext): AsyncIterable<Observation> {
    const script = "Get-CimInstance -ClassName Win32_Process | Select-Object ProcessId,Name,ExecutablePath | ConvertTo-Json -Compress";
    const seen = new Set<string>();
    for await (const { value, source } of powershellRecords(ctx, { script, label: LABEL, what: "Win32_Process objects as JSON" })) {
      const name = prop(value, "Name");
      if (!name) continue;
      const path = prop(value, "ExecutablePath");
      const key = path ? `path:${path.toLowerCase()}` : `name:${name.toLowerCase()}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const o: Observation = { kind: "process", name, source };
      if (path) o.path = path;
      yield o;
    }
  },
});
