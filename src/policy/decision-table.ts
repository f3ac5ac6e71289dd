/**
 * @module
 * The decision table of docs/decision-table.md, generated from the engine (`check`), never
 * written by hand: for each subject (a Kaspersky product, a covered vendor's equipment, an
 * export), every role × action × boundary date, the decision and the rules that decide it.
 * `npm run docs:decision-table` writes it; a test fails when the file and the engine disagree.
 */
import type { Catalog, Category, Role, Action } from "../model/catalog.js";
import { ACTIONS, ROLES } from "../model/vocabulary.js";
import type { CheckInput, CheckResult } from "../model/decision.js";
import type { Checker } from "./check.js";

type Subject = {
  title: string;
  /** What every transaction of the table is about (role, action and date are filled in). */
  input: Omit<CheckInput, "role" | "action" | "date">;
  /** Stated facts shown as their own columns: none, a supply to the Government, federal funds. */
  variants?: { label: string; input: Partial<CheckInput> }[];
  dates: string[];
  actions?: readonly Action[];
  roles?: readonly Role[];
};

const SUBJECTS: Subject[] = [
  {
    title: "Kaspersky anti-virus (product `kaspersky-anti-virus`)",
    input: { product: "kaspersky-anti-virus" },
    dates: ["2017-12-11", "2017-12-12", "2018-10-01", "2024-07-19", "2024-07-20", "2024-09-28T23:59:00-04:00", "2024-09-29T00:00:00-04:00"],
    actions: ACTIONS.filter((a) => a !== "export"),
  },
  {
    title: "Kaspersky consulting services (`--vendor Kaspersky --category consulting`)",
    input: { vendor: "Kaspersky", category: "consulting" as Category },
    dates: ["2024-07-19", "2024-07-20", "2024-09-29T00:00:00-04:00"],
    actions: ["buy", "renew", "support"],
  },
  {
    title: "Huawei telecommunications equipment (`--vendor Huawei --category telecom-equipment`)",
    input: { vendor: "Huawei", category: "telecom-equipment" as Category },
    variants: [
      { label: "", input: {} },
      { label: "government", input: { counterparty: "government" } },
      { label: "federal funds", input: { funding: "federal" } },
    ],
    dates: ["2019-08-12", "2019-08-13", "2020-08-13"],
    actions: ["buy", "renew", "install", "use", "resell", "integrate", "support"],
  },
  {
    title: "Hikvision video-surveillance equipment (`--vendor Hikvision --category video-surveillance`)",
    input: { vendor: "Hikvision", category: "video-surveillance" as Category },
    variants: [
      { label: "", input: {} },
      { label: "government", input: { counterparty: "government" } },
      { label: "federal funds", input: { funding: "federal" } },
    ],
    dates: ["2019-08-13", "2020-08-13"],
    actions: ["buy", "renew", "install", "use", "resell", "integrate", "support"],
  },
  {
    title: "Exports to Kaspersky companies (`--role exporter --action export --entity ...`)",
    input: {},
    variants: [
      { label: "ao-kaspersky-lab", input: { entity: "ao-kaspersky-lab" } },
      { label: "kaspersky-lab-inc", input: { entity: "kaspersky-lab-inc" } },
    ],
    dates: ["2024-06-23", "2024-06-24", "2025-09-29", "2025-11-10", "2026-11-10"],
    actions: ["export"],
    roles: ["exporter"],
  },
];

/** `prohibited`, `review → prohibited`, with the deciding rules' numbers from the legend. */
function cell(r: CheckResult, legend: Map<string, number>): string {
  const top = r.rules[0];
  const would = r.decision === "review" && top?.wouldBe ? ` → ${top.wouldBe}` : "";
  const rules = r.rules.map((x) => `R${legend.get(x.id)}`).join(",");
  return `${r.decision}${would}${rules ? ` ${rules}` : ""}`;
}

/** The whole document, as markdown. */
export function renderDecisionTable(checker: Checker, catalog: Catalog): string {
  const legend = new Map(catalog.rules.map((r, i) => [r.id, i + 1]));
  const out: string[] = [
    "# Decision table",
    "",
    "<!-- Generated from the engine by `npm run docs:decision-table`; do not edit by hand. A test",
    "     (src/policy/decision-table.test.ts) fails when this file and the engine disagree. -->",
    "",
    `What \`ictsguard check\` answers, role × action × date, with catalog ${catalog.version}. A cell is the`,
    "decision, then the rules that decide it (legend below). `review → prohibited`: a condition the",
    "tool cannot see decides (a purpose limit, an exception, a carve-out's condition, a rule's",
    "scope or unconfirmed status) and the answer is `prohibited` if it goes against you. Columns",
    "marked `government` state `--counterparty government`, `federal funds` state `--funding federal`.",
    "Rows where every answer is `allowed` are left out.",
    "",
  ];
  for (const s of SUBJECTS) {
    const variants = s.variants ?? [{ label: "", input: {} }];
    const columns = variants.flatMap((v) => s.dates.map((d) => ({ v, d, head: v.label ? `${d} (${v.label})` : d })));
    out.push(`## ${s.title}`, "", `| role | action | ${columns.map((c) => c.head).join(" | ")} |`, `|---|---|${columns.map(() => "---").join("|")}|`);
    let rows = 0;
    for (const role of s.roles ?? ROLES.filter((r) => r !== "exporter")) {
      for (const action of s.actions ?? ACTIONS) {
        const results = columns.map((c) => checker.check({ ...s.input, ...c.v.input, role, action, date: c.d } as CheckInput));
        if (results.every((r) => r.decision === "allowed")) continue;
        out.push(`| ${role} | ${action} | ${results.map((r) => cell(r, legend)).join(" | ")} |`);
        rows++;
      }
    }
    if (rows === 0) out.push(`| (every role) | (every action) | ${columns.map(() => "allowed").join(" | ")} |`);
    out.push("");
  }
  out.push("## Rules", "", "| | rule | title |", "|---|---|---|");
  for (const r of catalog.rules) out.push(`| R${legend.get(r.id)} | \`${r.id}\` | ${r.title.replace(/\|/g, "\\|")} |`);
  out.push("");
  return out.join("\n");
}
