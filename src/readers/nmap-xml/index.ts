/**
 * @module
 * Reader for nmap's XML output (`nmap -oX`), a network inventory: each `<host>` that is up
 * becomes a `device` observation: its MAC address (`<address addrtype="mac">`, whose `vendor`
 * attribute nmap takes from the OUI registry) names the maker, its IP address or host name is
 * the host. A device is judged as its maker's covered equipment (src/match/device.ts). Streamed
 * with saxes; malformed or cut-off XML is one located issue, the hosts before it are kept.
 */
import { attribute, streamXml, type XmlTag } from "../_xml.js";
import { defineReader, type Probe, type ReadContext, type ReadInput } from "../types.js";
import type { Observation } from "../../model/observation.js";

export const nmapXmlReader = defineReader({
  name: "inventory/nmap-xml",
  version: 1,
  description: "nmap XML output (nmap -oX): one device per host that is up, with its MAC address, the MAC vendor and its address or name",
  detect,
  read,
});

function detect(probe: Probe): number {
  return /<nmaprun[\s>]/.test(probe.text) ? 0.95 : 0;
}

type HostState = { line: number; up: boolean; mac?: string; vendor?: string; ip?: string; name?: string };

function read(input: ReadInput, ctx: ReadContext): AsyncIterable<Observation> {
  return streamXml<Observation>(input, ctx, "an nmap XML document (nmap -oX)", (control) => {
    let host: HostState | undefined;
    let seenRoot = false;
    return {
      open(tag: XmlTag, line: number) {
        if (!seenRoot) {
          seenRoot = true;
          if (tag.local !== "nmaprun") {
            ctx.report({ code: "nmap/root", message: `the root element is <${tag.name}>: expected <nmaprun> (nmap -oX)`, source: { file: input.path, line } });
            control.stop();
          }
          return;
        }
        if (tag.local === "host") host = { line, up: true };
        if (!host) return;
        if (tag.local === "status") host.up = attribute(tag, "state") !== "down";
        else if (tag.local === "address") {
          const addr = attribute(tag, "addr")?.trim();
          const type = attribute(tag, "addrtype");
          if (addr && type === "mac") {
            host.mac = addr;
            const vendor = attribute(tag, "vendor")?.trim();
            if (vendor) host.vendor = vendor;
          } else if (addr && (type === "ipv4" || type === "ipv6")) host.ip ??= addr;
        } else if (tag.local === "hostname") host.name ??= attribute(tag, "name")?.trim() || undefined;
      },
      text() {},
      close(tag: XmlTag) {
        if (tag.local !== "host" || !host) return;
        const h = host;
        host = undefined;
        if (!h.up) return;
        const where = h.name ?? h.ip;
        const name = where ?? h.mac;
        if (!name) return;
        control.emit({
          kind: "device",
          name,
          ...(h.vendor ? { vendor: h.vendor } : {}),
          ...(h.mac ? { ids: { mac: h.mac } } : {}),
          ...(where ? { host: where } : {}),
          source: { file: input.path, line: h.line },
        });
      },
    };
  });
}
