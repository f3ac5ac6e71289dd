/**
 * @module
 * The one list of readers. Adding a format = writing a reader module and adding it here.
 */
import { cyclonedxJsonReader } from "./cyclonedx-json/index.js";
import { spdxJsonReader } from "./spdx-json/index.js";
import { osqueryReader } from "./osquery/index.js";
import { csvReader } from "./csv/index.js";
import { NETWORK_READERS } from "./network-registry.js";
import { cyclonedxXmlReader } from "./cyclonedx-xml/index.js";
import { spdxTagValueReader } from "./spdx-tag-value/index.js";
import { spdx3JsonLdReader } from "./spdx3-jsonld/index.js";
import { windowsRegReader } from "./windows-reg/index.js";
import { dpkgStatusReader } from "./dpkg-status/index.js";
import { dpkgListReader } from "./dpkg-list/index.js";
import { rpmListReader } from "./rpm-list/index.js";
import { systemProfilerReader } from "./system-profiler/index.js";
import { infoPlistReader } from "./info-plist/index.js";
import { wingetReader } from "./winget/index.js";
import { wmicReader } from "./wmic/index.js";
import { powershellJsonReader } from "./powershell-json/index.js";
import { defenderJsonReader } from "./defender-json/index.js";
import { intuneJsonReader } from "./intune-json/index.js";
import { nmapXmlReader } from "./nmap-xml/index.js";
import type { Reader } from "./types.js";

export const READERS: readonly Reader[] = [
  cyclonedxJsonReader,
  spdxJsonReader,
  osqueryReader,
  csvReader,
  cyclonedxXmlReader,
  spdxTagValueReader,
  spdx3JsonLdReader,
  windowsRegReader,
  dpkgStatusReader,
  dpkgListReader,
  rpmListReader,
  systemProfilerReader,
  infoPlistReader,
  wingetReader,
  wmicReader,
  powershellJsonReader,
  defenderJsonReader,
  intuneJsonReader,
  nmapXmlReader,
  ...NETWORK_READERS,
];

export function findReader(name: string, readers: readonly Reader[] = READERS): Reader | undefined {
  return readers.find((r) => r.name === name);
}
