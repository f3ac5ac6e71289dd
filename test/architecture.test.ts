/**
 * The folder layering of src/ (docs/ARCHITECTURE.md): the import graph between the top-level
 * folders, computed from every import and export of the source (type-only ones too, read with
 * the TypeScript compiler's own pre-processor), has no cycle; `model/` imports nothing of the
 * project and the ground floor (`text/`, `util/`, `io/`) imports only what sits under it.
 * Test files may import upward and are left out.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, it } from "node:test";
import ts from "typescript";
import { repoPath } from "../src/testing/index.js";

const SRC = repoPath("src");

type Edge = { from: string; to: string; file: string; specifier: string };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") && !e.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** The top-level folder under src/ a path is in ("." for files directly in src/). */
const folderOf = (path: string): string => {
  const parts = relative(SRC, path).split(sep);
  return parts.length > 1 ? parts[0]! : ".";
};

/** Every import between two top-level folders of src/. */
function folderEdges(): Edge[] {
  const edges: Edge[] = [];
  for (const file of sourceFiles(SRC)) {
    const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    for (const { fileName: specifier } of info.importedFiles) {
      if (!specifier.startsWith(".")) continue; // a package, or node:
      const target = resolve(dirname(file), specifier);
      const from = folderOf(file);
      const to = folderOf(target);
      if (from !== to) edges.push({ from, to, file: relative(SRC, file), specifier });
    }
  }
  return edges;
}

/** Strongly connected components with more than one folder (Tarjan): each is a cycle. */
function cycles(edges: readonly Edge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const e of edges) {
    if (!next.has(e.from)) next.set(e.from, new Set());
    if (!next.has(e.to)) next.set(e.to, new Set());
    next.get(e.from)!.add(e.to);
  }
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) visit(v);
  return found;
}

/** Each import inside a cycle, for the failure message. */
function describeCycle(component: readonly string[], edges: readonly Edge[]): string {
  const inside = edges.filter((e) => component.includes(e.from) && component.includes(e.to));
  return `cycle between ${component.join(", ")}:\n` + inside.map((e) => `  ${e.from} -> ${e.to}: src/${e.file} imports ${e.specifier}`).join("\n");
}

describe("folder layering of src/", () => {
  const edges = folderEdges();

  it("reads the imports of the source (the graph is not empty)", () => {
    assert.ok(edges.some((e) => e.from === "scan" && e.to === "readers"), "scan imports readers");
    assert.ok(edges.some((e) => e.from === "screen" && e.to === "io"), "screen opens its inputs with io");
  });

  it("has no import cycle between folders", () => {
    const found = cycles(edges);
    assert.deepEqual(found, [], found.map((c) => describeCycle(c, edges)).join("\n"));
  });

  it("finds a cycle when there is one (the check itself works)", () => {
    const planted: Edge[] = [...edges, { from: "model", to: "scan", file: "model/x.ts", specifier: "../scan/index.js" }];
    assert.ok(cycles(planted).some((c) => c.includes("model") && c.includes("scan")));
  });

  const floors: [string, readonly string[]][] = [
    ["model", []],
    ["util", []],
    ["text", ["model", "util"]],
    ["io", ["model", "util"]],
  ];
  for (const [folder, allowed] of floors) {
    it(`${folder}/ imports ${allowed.length > 0 ? `only ${allowed.join(" and ")}` : "nothing"} of the project`, () => {
      const outside = edges.filter((e) => e.from === folder && !allowed.includes(e.to));
      assert.deepEqual(outside.map((e) => `src/${e.file} imports ${e.specifier}`), []);
    });
  }
});
