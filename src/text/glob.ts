/**
 * @module
 * Globs that cannot backtrack: exception selectors (`host: lab-*`, `path: C:/Lab/**`) and
 * allow-list entities are matched against input text (host names, paths), so a pattern such as
 * `*a*a*a*a*a*a*a*a*a*b` must not take exponential time on a long subject, as a backtracking
 * regular expression does (picomatch: 22 s on a 42-character host). The pattern is compiled to a
 * small automaton and run as a set of states over the subject: time is at most pattern length ×
 * subject length.
 *
 * Syntax (picomatch's for these features): `*` any run without `/`, `**` any run (as a whole
 * path segment `**` also matches no segment: `a/**\/b` matches `a/b`), `?` one character but `/`,
 * `[abc]`, `[a-z]`, `[!a]` / `[^a]` classes, `{a,b}` alternatives, `\x` a literal x. Matching
 * ignores case; a leading dot needs no special pattern.
 */

import { IctsError } from "../model/errors.js";

type Token =
  | { kind: "char"; c: string }
  | { kind: "any" } // ?
  | { kind: "class"; negate: boolean; ranges: [string, string][] }
  | { kind: "star"; slash: boolean }; // * (slash false) or ** (slash true)

/** A pattern with more alternatives than this after `{}` expansion is refused. */
const MAX_ALTERNATIVES = 256;
/** Longer patterns are refused: no selector needs them. */
export const MAX_GLOB_LENGTH = 1024;

export type GlobMatcher = (subject: string) => boolean;

/** Compiles a glob; a pattern over the limits is a `config/glob` error. */
export function compileGlob(pattern: string): GlobMatcher {
  if (pattern.length > MAX_GLOB_LENGTH) throw new IctsError("config/glob", `glob longer than ${MAX_GLOB_LENGTH} characters`);
  const programs = expandBraces(pattern).map(compile);
  return (subject) => programs.some((p) => run(p, subject.toLowerCase()));
}

function expandBraces(pattern: string): string[] {
  // the first top-level {a,b} (not escaped), expanded recursively
  let depth = 0;
  let open = -1;
  const commas: number[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (c === "{") {
      if (depth === 0) open = i;
      depth++;
    } else if (c === "}" && depth > 0) {
      depth--;
      if (depth === 0) {
        if (commas.length === 0) {
          open = -1;
          continue;
        }
        const head = pattern.slice(0, open);
        const tail = pattern.slice(i + 1);
        const parts: string[] = [];
        let from = open + 1;
        for (const comma of [...commas, i]) {
          parts.push(pattern.slice(from, comma));
          from = comma + 1;
        }
        const out: string[] = [];
        for (const part of parts) {
          for (const e of expandBraces(head + part + tail)) {
            out.push(e);
            if (out.length > MAX_ALTERNATIVES) throw new IctsError("config/glob", `glob with more than ${MAX_ALTERNATIVES} {} alternatives: ${pattern.slice(0, 80)}`);
          }
        }
        return out;
      }
    } else if (c === "," && depth === 1) commas.push(i);
  }
  return [pattern];
}

/** The automaton: tokens, and for each state the states reachable without reading a character. */
type Program = { tokens: Token[]; skip: number[][] };

function compile(pattern: string): Program {
  const tokens: Token[] = [];
  const skip: number[][] = [];
  const p = pattern.toLowerCase();
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === "\\" && i + 1 < p.length) {
      tokens.push({ kind: "char", c: p[++i]! });
    } else if (c === "*") {
      let j = i;
      while (p[j + 1] === "*") j++;
      const double = j > i;
      const segmentStart = i === 0 || p[i - 1] === "/";
      const segmentEnd = p[j + 1] === "/";
      const at = tokens.length;
      tokens.push({ kind: "star", slash: double });
      i = j;
      if (double && segmentStart && segmentEnd) {
        // `**/` also matches no segment at all: skip the star and the slash after it
        tokens.push({ kind: "char", c: "/" });
        skip[at] = [at + 2];
        i++;
      }
    } else if (c === "?") {
      tokens.push({ kind: "any" });
    } else if (c === "[") {
      const end = p.indexOf("]", i + 2);
      if (end === -1) {
        tokens.push({ kind: "char", c });
        continue;
      }
      let body = p.slice(i + 1, end);
      const negate = body[0] === "!" || body[0] === "^";
      if (negate) body = body.slice(1);
      const ranges: [string, string][] = [];
      for (let k = 0; k < body.length; k++) {
        if (body[k + 1] === "-" && k + 2 < body.length) {
          ranges.push([body[k]!, body[k + 2]!]);
          k += 2;
        } else ranges.push([body[k]!, body[k]!]);
      }
      tokens.push({ kind: "class", negate, ranges });
      i = end;
    } else {
      tokens.push({ kind: "char", c });
    }
  }
  tokens.forEach((t, i) => {
    if (t.kind === "star") (skip[i] ??= []).push(i + 1);
  });
  return { tokens, skip: tokens.map((_, i) => skip[i] ?? []) };
}

function accepts(t: Token, c: string): boolean {
  switch (t.kind) {
    case "char":
      return t.c === c;
    case "any":
      return c !== "/";
    case "class": {
      if (c === "/") return false;
      const inside = t.ranges.some(([a, b]) => c >= a && c <= b);
      return inside !== t.negate;
    }
    case "star":
      return t.slash || c !== "/";
  }
}

/** Simulates the automaton over the subject: one pass, a set of at most tokens+1 states. */
function run(program: Program, subject: string): boolean {
  const n = program.tokens.length;
  let current = new Uint8Array(n + 1);
  let next = new Uint8Array(n + 1);
  const closure = (set: Uint8Array): void => {
    // skips only go forward, so one pass in order reaches every state
    for (let i = 0; i < n; i++) if (set[i]) for (const j of program.skip[i]!) set[j] = 1;
  };
  current[0] = 1;
  closure(current);
  for (const c of subject) {
    next.fill(0);
    let any = false;
    for (let i = 0; i < n; i++) {
      if (!current[i]) continue;
      const t = program.tokens[i]!;
      if (!accepts(t, c)) continue;
      if (t.kind === "star") next[i] = 1;
      else next[i + 1] = 1;
      any = true;
    }
    if (!any) return false;
    closure(next);
    [current, next] = [next, current];
  }
  return current[n] === 1;
}
