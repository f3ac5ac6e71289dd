/**
 * @module
 * The labelled evaluation set: `input,country,entity,label,treatment,note`, one pair a row.
 * `entity` is `list:id` (several joined with "|" when any of them is right, as for a corporate
 * family); `label` is 1 for a true pair (the input names that entity) and 0 for a hard negative
 * (it does not, though it looks like it); `treatment` says how the input was written.
 */
import { IctsError } from "../../model/errors.js";
import { csvRecords } from "../lists/source.js";

export type EvalPair = { line: number; input: string; country?: string; entities: string[]; label: boolean; treatment: string; note?: string };

export async function loadEvalSet(path: string): Promise<EvalPair[]> {
  const ctx = { issues: [] as import("../../model/issue.js").Issue[] };
  const pairs: EvalPair[] = [];
  let header: string[] | undefined;
  for await (const { cells, line } of csvRecords(path, ctx, "an evaluation set")) {
    if (!header) {
      header = cells.map((c) => c.toLowerCase());
      for (const col of ["input", "entity", "label"]) {
        if (!header.includes(col)) throw new IctsError("eval/header", `${path}:${line}: expected the header input,country,entity,label,treatment,note; "${col}" is missing`);
      }
      continue;
    }
    const get = (col: string) => {
      const i = header!.indexOf(col);
      return i < 0 ? undefined : cells[i]?.trim() || undefined;
    };
    const input = get("input");
    const entity = get("entity");
    const label = get("label");
    if (!input || !entity || (label !== "0" && label !== "1")) {
      throw new IctsError("eval/row", `${path}:${line}: expected an input, an entity (list:id) and a label 0 or 1`);
    }
    pairs.push({
      line,
      input,
      ...(get("country") ? { country: get("country")! } : {}),
      entities: entity.split("|").map((s) => s.trim()),
      label: label === "1",
      treatment: get("treatment") ?? "",
      ...(get("note") ? { note: get("note")! } : {}),
    });
  }
  if (ctx.issues.length > 0) throw new IctsError("eval/csv", `${path}: ${ctx.issues[0]!.message}`);
  return pairs;
}
