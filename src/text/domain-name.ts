/**
 * @module
 * DNS names as ictsguard compares them. DNS logs write names in upper or mixed case, with the
 * root's trailing dot (`HOST.EXAMPLE.`), and internationalized names either in Unicode or as
 * punycode (`xn--…`). Every spelling becomes lower-case ASCII (punycode) without the trailing dot,
 * on the catalog's side and on the log's, so the network readers and the domain matcher agree.
 */
import { domainToASCII } from "node:url";
import { trimEndChars } from "../util/trailing.js";

const ASCII = /^[\x00-\x7f]*$/;

export function normalizeDomain(name: string): string {
  const host = trimEndChars(name.trim(), ".").toLowerCase(); // not /\.+$/: quadratic on a run of dots
  if (host === "" || ASCII.test(host)) return host;
  const ascii = domainToASCII(host);
  return ascii === "" ? host : ascii;
}
