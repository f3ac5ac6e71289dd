/**
 * @module
 * A quick, string-aware look at the start of a JSON text, for detection and for choosing how to
 * stream it: the top-level container, the top-level keys, and the keys of the first record (the
 * first element of a top-level array, of an array under a wrapper key such as Graph's `value`,
 * or the object itself). Tolerates a head cut off anywhere.
 */

export type JsonHead = {
  top?: "[" | "{";
  /** Top-level keys of an object, with the first character of each value (`[`, `{`, `"` ...). */
  topKeys: Map<string, string>;
  /** The wrapper key whose array holds the records, when one of the given wrappers does. */
  wrapper?: string;
  /** Keys of the first record. */
  recordKeys: Set<string>;
};

type Frame = { type: "{" | "["; key?: string | undefined; elements: number; record: boolean };

export function scanJsonHead(text: string, wrappers: readonly string[] = []): JsonHead {
  const topKeys = new Map<string, string>();
  const recordKeys = new Set<string>();
  let wrapper: string | undefined;
  let top: JsonHead["top"];
  let recordDone = false;
  const stack: Frame[] = [];
  let lastKey: string | undefined; // the key whose value comes next, in the innermost object
  let i = 0;
  const n = text.length;
  const skipSpace = (from: number): number => {
    let j = from;
    while (j < n && /\s/.test(text[j]!)) j++;
    return j;
  };
  i = skipSpace(i);
  if (text[i] === "[" || text[i] === "{") top = text[i] as "[" | "{";
  else return { topKeys, recordKeys };

  while (i < n) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      let s = "";
      while (j < n && text[j] !== '"') {
        if (text[j] === "\\") {
          s += text[j + 1] ?? "";
          j += 2;
        } else s += text[j++];
      }
      if (j >= n) break; // cut off inside a string
      const after = skipSpace(j + 1);
      const frame = stack[stack.length - 1];
      if (frame?.type === "{" && text[after] === ":") {
        lastKey = s;
        if (stack.length === 1) topKeys.set(s, text[skipSpace(after + 1)] ?? "");
        if (frame.record && !recordDone) recordKeys.add(s);
        i = after + 1;
        continue;
      }
      if (frame?.type === "[") frame.elements++;
      i = j + 1;
      continue;
    }
    if (c === "{" || c === "[") {
      const parent = stack[stack.length - 1];
      let record = false;
      if (c === "{" && parent?.type === "[" && parent.elements === 0 && !recordDone) {
        const inTopArray = stack.length === 1;
        const inWrapper = stack.length === 2 && parent.key !== undefined && wrappers.includes(parent.key);
        record = inTopArray || inWrapper;
      }
      if (parent?.type === "[") parent.elements++;
      if (c === "[" && stack.length === 1 && lastKey !== undefined && wrappers.includes(lastKey) && wrapper === undefined) wrapper = lastKey;
      stack.push({ type: c, key: parent?.type === "{" ? lastKey : undefined, elements: 0, record });
      lastKey = undefined;
      i++;
      continue;
    }
    if (c === "}" || c === "]") {
      const frame = stack.pop();
      if (frame?.record) recordDone = true;
      if (stack.length === 0) break;
      i++;
      continue;
    }
    // a scalar value: counts as an array element
    const frame = stack[stack.length - 1];
    if (frame?.type === "[" && !/[\s,]/.test(c)) {
      frame.elements++;
      while (i < n && !/[\s,\]}]/.test(text[i]!)) i++;
      continue;
    }
    i++;
  }
  if (top === "{" && wrapper === undefined) for (const k of topKeys.keys()) recordKeys.add(k);
  return { top, topKeys, ...(wrapper !== undefined ? { wrapper } : {}), recordKeys };
}

/** Whether a set of keys has all of `all` and, if given, at least one of `any`. */
export function hasKeys(keys: ReadonlySet<string>, all: readonly string[], any: readonly string[] = []): boolean {
  return all.every((k) => keys.has(k)) && (any.length === 0 || any.some((k) => keys.has(k)));
}
