/**
 * @module
 * Windows services and kernel drivers, from WMI through PowerShell:
 * `Get-CimInstance Win32_Service` and `Get-CimInstance Win32_SystemDriver`, each object a
 * `service` or `driver` observation named by its service name (`AVP`, `klif`) with the program
 * its PathName runs as path (arguments dropped). Services and drivers installed but stopped are
 * listed too: installed is what counts.
 */
import type { Observation, ObservationKind } from "../../model/observation.js";
import { defineSource, type CollectContext, type HostSource } from "../types.js";
import { powershellRecords, programOf, prop } from "./powershell.js";

function wmiSource(name: string, wmiClass: string, kind: ObservationKind, description: string): HostSource {
  const label = `Get-CimInstance ${wmiClass}`;
  return defineSource({
    name,
    description,
    reads: label,
    async *collect(ctx: CollectContext): AsyncIterable<Observation> {
      const script = `Get-CimInstance -ClassName ${wmiClass} | Select-Object Name,DisplayName,PathName,State,StartMode | ConvertTo-Json -Compress`;
      for await (const { value, source } of powershellRecords(ctx, { script, label, what: `${wmiClass} objects as JSON` })) {
        const serviceName = prop(value, "Name");
        if (!serviceName) continue;
        const o: Observation = { kind, name: serviceName, source };
        const path = programOf(prop(value, "PathName"));
        if (path) o.path = path;
        yield o;
      }
    },
  });
}

export const servicesSource = wmiSource("windows/services", "Win32_Service", "service", "Windows services");
export const driversSource = wmiSource("windows/drivers", "Win32_SystemDriver", "driver", "kernel drivers");
