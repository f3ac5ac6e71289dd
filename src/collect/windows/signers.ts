/**
 * @module
 * Who signed the programs that are running: `Get-AuthenticodeSignature` on each distinct
 * executable of `Win32_Process`, its signer certificate's subject (`CN=AO Kaspersky Lab,
 * O=AO Kaspersky Lab, L=Moscow, C=RU`) a `signer` observation with the program as path.
 * Unsigned programs have no subject and are not listed. The signature is reported whatever its
 * status (a tampered Kaspersky binary is still Kaspersky's).
 */
import type { Observation } from "../../model/observation.js";
import { defineSource, type CollectContext } from "../types.js";
import { powershellRecords, prop } from "./powershell.js";

const LABEL = "Get-AuthenticodeSignature";

export const SIGNERS_SCRIPT =
  "Get-CimInstance -ClassName Win32_Process | Where-Object { $_.ExecutablePath } | Select-Object -ExpandProperty ExecutablePath | Sort-Object -Unique | " +
  "ForEach-Object { $s = Get-AuthenticodeSignature -LiteralPath $_ -ErrorAction SilentlyContinue; " +
  "[pscustomobject]@{ Path = $_; Status = [string]$s.Status; Subject = $s.SignerCertificate.Subject } } | ConvertTo-Json -Compress";

export const signersSource = defineSource({
  name: "windows/signers",
  description: "Authenticode signers of the running programs",
  reads: `${LABEL} of each Win32_Process ExecutablePath`,
  async *collect(ctx: CollectContext): AsyncIterable<Observation> {
    for await (const { value, source } of powershellRecords(ctx, { script: SIGNERS_SCRIPT, label: LABEL, what: "Authenticode signatures as JSON" })) {
      const subject = prop(value, "Subject");
      if (!subject) continue;
      const o: Observation = { kind: "signer", name: subject, source };
      const path = prop(value, "Path");
      if (path) o.path = path;
      yield o;
    }
  },
});
