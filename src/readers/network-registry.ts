/**
 * @module
 * The network-log readers (DNS, proxy and IDS logs), kept in a list of their own that
 * registry.ts appends to the one list of readers. Each emits `domain` observations whose
 * `host` is the client that looked up or contacted the name.
 */
import type { Reader } from "./types.js";
import { dnsmasqReader } from "./dnsmasq/index.js";
import { squidReader } from "./squid/index.js";
import { suricataEveReader } from "./suricata-eve/index.js";
import { windowsDnsReader } from "./windows-dns/index.js";
import { zeekReader } from "./zeek/index.js";

export const NETWORK_READERS: readonly Reader[] = [zeekReader, suricataEveReader, dnsmasqReader, squidReader, windowsDnsReader];
