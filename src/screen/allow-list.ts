/**
 * @module
 * Decided false positives: an allow-list entry says that this counterparty name is not that
 * restricted entity, who decided it, why, and until when. A matching pair that an entry covers
 * is still shown, with status `allowed` and the entry; an entry that has expired no longer
 * applies and the output says so (as the scan's exceptions do, src/policy/exceptions.ts).
 * Expiry is judged on the real clock: the decision is about now.
 *
 * Entries live in the config file under `screen.allow`, or in a file given with `--allow`
 * (a YAML or JSON list, or an object with an `allow` list). Names are compared after screening
 * normalization, so "CASPER SLEEP, INC." and "Casper Sleep Inc" are one name; `entity` is a
 * glob over `list:id` or the bare id (`catalog:kaspersky*`, `ofac-sdn:306`).
 */
import { readFileSync } from "node:fs";
import { compileGlob } from "../text/glob.js";
import { LineCounter, isNode, parseDocument } from "yaml";
import * as z from "zod";
import { IctsError } from "../model/errors.js";
import { AllowEntry, ScreenSettings } from "../model/screen-settings.js";
import type { ListedEntity } from "./model.js";
import { nameKey } from "./normalize/index.js";

// The schemas are data of the config file too, so they live in model/ (the config reader imports them from there).
export { AllowEntry, ScreenSettings };

export type AllowRef = { index: number; file?: string; name: string; entity: string; reason: string; author: string; expires: string };
export type AllowOutcome = { active?: AllowRef; expired: AllowRef[] };
export type AllowMatcher = (inputName: string, entity: ListedEntity) => AllowOutcome;

export function createAllowMatcher(entries: readonly (AllowEntry & { file?: string })[], today: string): AllowMatcher {
  const compiled = entries.map((e, i) => {
    const name = (e.name ?? e.input)!;
    const ref: AllowRef = { index: i + 1, ...(e.file ? { file: e.file } : {}), name, entity: e.entity, reason: e.reason, author: e.author, expires: e.expires };
    return { ref, key: nameKey(name), entity: compileGlob(e.entity), expired: e.expires < today };
  });
  const keys = new Map<string, string>();
  return (inputName, entity) => {
    const outcome: AllowOutcome = { expired: [] };
    if (compiled.length === 0) return outcome;
    let key = keys.get(inputName);
    if (key === undefined) {
      key = nameKey(inputName);
      if (keys.size < 10_000) keys.set(inputName, key);
    }
    for (const c of compiled) {
      if (c.key !== key || !(c.entity(`${entity.list}:${entity.id}`) || c.entity(entity.id))) continue;
      if (c.expired) outcome.expired.push(c.ref);
      else outcome.active ??= c.ref;
    }
    return outcome;
  };
}

/** Reads an allow-list file: YAML or JSON, a list of entries or `{allow: [...]}`; problems located by line. */
export function loadAllowFile(path: string): (AllowEntry & { file: string })[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new IctsError("allow/read", `cannot read allow-list ${path}: ${(err as Error).message}`, { cause: err });
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new IctsError("allow/yaml", `${path}:${e.linePos?.[0]?.line ?? 1}: invalid YAML: ${e.message.split("\n")[0]}`);
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 }) ?? []; // an alias bomb is refused, as in the config file
  } catch (err) {
    throw new IctsError("allow/yaml", `${path}:1: invalid YAML: ${(err as Error).message.split("\n")[0]}`, { cause: err });
  }
  const listPath = Array.isArray(raw) ? [] : ["allow"];
  const result = z.array(AllowEntry).safeParse(Array.isArray(raw) ? raw : (raw as { allow?: unknown }).allow ?? []);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      // the line of the value, or of the nearest entry around it when the key is missing
      const at = [...listPath, ...(issue.path as (string | number)[])];
      let line = 1;
      for (let n = at.length; n >= 0; n--) {
        const node = doc.getIn(at.slice(0, n), true);
        if (isNode(node) && node.range) {
          line = lineCounter.linePos(node.range[0]).line;
          break;
        }
      }
      return `${path}:${line}: ${issue.path.join(".") || "(top)"}: ${issue.message}`;
    });
    throw new IctsError("allow/invalid", `invalid allow-list:\n  ${problems.join("\n  ")}`);
  }
  return result.data.map((e) => ({ ...e, file: path }));
}
