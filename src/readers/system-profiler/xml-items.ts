/**
 * @module
 * Streams the application entries out of `system_profiler -xml SPApplicationsDataType` output
 * (and System Information `.spx` files) without holding the document: a small tag scanner
 * follows the plist's nesting (`plist > array > dict` per data type, its `_dataType` string and
 * its `_items` array) and hands out the XML text of each `_items` entry with the line it starts
 * on; each entry is then a small plist of its own. Memory follows the largest entry.
 */

export type XmlItem = { xml: string; line: number };
export type XmlProblem = { message: string; line: number };

/** One data type dict of a system_profiler plist: where its keys and `_items` are. */
const DATA_TYPE_DEPTH = 3; // plist > array > dict
const ITEM_DEPTH = 5; // ... > dict > array (_items) > dict
/** An entry larger than this is not an application entry: reading stops instead of buffering it. */
const MAX_ITEM_CHARS = 8 << 20;

export class SpItemScanner {
  private buf = "";
  private pos = 0;
  /** Line of buf[0]. */
  private line = 1;
  private readonly stack: string[] = [];
  private text = ""; // character data of the current <key> or <string>
  private capturingText = false;
  private lastKey: string | undefined;
  private dataType: string | undefined;
  private inItems = false;
  private itemStart = -1;
  private itemLine = 0;
  private failed = false;
  private countedTo = 0;
  private countedLine = 1;
  readonly dataTypes = new Set<string>();

  /** Feeds text; returns the complete entries and any structural problem (after which nothing more is read). */
  push(chunk: string): { items: XmlItem[]; problem?: XmlProblem } {
    if (this.failed) return { items: [] };
    this.buf += chunk;
    const items: XmlItem[] = [];
    for (;;) {
      const lt = this.buf.indexOf("<", this.pos);
      if (lt === -1) {
        if (this.capturingText) this.text += this.buf.slice(this.pos);
        this.pos = this.buf.length;
        break;
      }
      if (this.capturingText) this.text += this.buf.slice(this.pos, lt);
      const end = this.tagEnd(lt);
      if (end === -1) {
        this.pos = lt; // an incomplete tag: wait for more text
        if (this.buf.length - lt > MAX_ITEM_CHARS) return this.fail({ message: "a tag that never ends", line: this.lineAt(lt) }, items);
        break;
      }
      const tag = this.buf.slice(lt, end + 1);
      this.pos = end + 1;
      const problem = this.onTag(tag, lt, items);
      if (problem) {
        this.failed = true;
        return { items, problem };
      }
    }
    if (this.itemStart !== -1 && this.buf.length - this.itemStart > MAX_ITEM_CHARS) {
      return this.fail({ message: `an application entry larger than ${MAX_ITEM_CHARS >> 20} MiB`, line: this.itemLine }, items);
    }
    this.compact();
    return { items };
  }

  private fail(problem: XmlProblem, items: XmlItem[]): { items: XmlItem[]; problem: XmlProblem } {
    this.failed = true;
    this.buf = "";
    return { items, problem };
  }

  /** The problem at the end of the input, if the document did not end. */
  end(): XmlProblem | undefined {
    if (this.failed) return undefined;
    if (this.stack.length > 0) {
      return { message: `the file ends inside <${this.stack[this.stack.length - 1]}> (truncated?)`, line: this.lineAt(this.buf.length) };
    }
    return undefined;
  }

  /** Index of the `>` that ends the markup at `lt`, or -1 when it is not in the buffer yet. */
  private tagEnd(lt: number): number {
    if (this.buf.startsWith("<!--", lt)) {
      const e = this.buf.indexOf("-->", lt + 4);
      return e === -1 ? -1 : e + 2;
    }
    if (this.buf.startsWith("<![CDATA[", lt)) {
      const e = this.buf.indexOf("]]>", lt + 9);
      return e === -1 ? -1 : e + 2;
    }
    return this.buf.indexOf(">", lt + 1);
  }

  private onTag(tag: string, at: number, items: XmlItem[]): XmlProblem | undefined {
    if (tag.startsWith("<?") || tag.startsWith("<!")) {
      if (tag.startsWith("<![CDATA[") && this.capturingText) this.text += tag.slice(9, -3);
      return undefined;
    }
    const m = /^<(\/?)([A-Za-z_][\w.-]*)[^>]*?(\/?)>$/s.exec(tag);
    if (!m) return { message: `malformed XML tag ${tag.slice(0, 40)}`, line: this.lineAt(at) };
    const [, close, name, selfClose] = m as unknown as [string, string, string, string];
    if (close) {
      const open = this.stack.pop();
      if (open !== name) {
        return { message: `malformed XML: </${name}> closes ${open ? `<${open}>` : "nothing"}`, line: this.lineAt(at) };
      }
      this.onClose(name, at + tag.length, items);
      return undefined;
    }
    if (this.stack.length === 0 && name !== "plist") {
      return { message: `expected an XML plist (<plist>), found <${name}>`, line: this.lineAt(at) };
    }
    if (selfClose) {
      if (this.stack.length === DATA_TYPE_DEPTH && this.lastKey !== undefined) this.lastKey = undefined; // an empty value (<true/>, <string/>)
      return undefined;
    }
    this.stack.push(name);
    const depth = this.stack.length;
    if (depth === DATA_TYPE_DEPTH + 1 && (name === "key" || name === "string")) {
      this.capturingText = true;
      this.text = "";
    }
    if (depth === DATA_TYPE_DEPTH + 1 && name === "array" && this.lastKey === "_items" && this.dataType === "SPApplicationsDataType") this.inItems = true;
    if (depth === ITEM_DEPTH && this.inItems && name === "dict") {
      this.itemStart = at;
      this.itemLine = this.lineAt(at);
    }
    return undefined;
  }

  private onClose(name: string, after: number, items: XmlItem[]): void {
    const depth = this.stack.length + 1; // the depth the closed element had
    if (depth === DATA_TYPE_DEPTH + 1 && this.capturingText) {
      this.capturingText = false;
      const value = decodeEntities(this.text.trim());
      if (name === "key") {
        this.lastKey = value;
        return;
      }
      if (this.lastKey === "_dataType") {
        this.dataType = value;
        this.dataTypes.add(value);
      }
    }
    if (depth === DATA_TYPE_DEPTH + 1 && name !== "key") this.lastKey = undefined;
    if (depth === DATA_TYPE_DEPTH + 1 && name === "array") this.inItems = false;
    if (depth === DATA_TYPE_DEPTH) this.dataType = undefined; // the next data type dict starts afresh
    if (depth === ITEM_DEPTH && this.itemStart !== -1) {
      items.push({ xml: this.buf.slice(this.itemStart, after), line: this.itemLine });
      this.itemStart = -1;
    }
  }

  /** Drops text already scanned (keeping an entry being captured), counting its lines. */
  private compact(): void {
    const keep = this.itemStart !== -1 ? this.itemStart : this.pos;
    if (keep < 1 << 16) return;
    this.line = this.lineAt(keep);
    this.buf = this.buf.slice(keep);
    this.pos -= keep;
    this.countedTo = 0;
    this.countedLine = this.line;
    if (this.itemStart !== -1) this.itemStart -= keep;
  }

  /** Line of buf[index]; asked for in increasing order, so it counts on from the last answer. */
  private lineAt(index: number): number {
    if (index < this.countedTo) {
      this.countedTo = 0;
      this.countedLine = this.line;
    }
    let n = this.countedLine;
    for (let i = this.buf.indexOf("\n", this.countedTo); i !== -1 && i < index; i = this.buf.indexOf("\n", i + 1)) n++;
    this.countedTo = index;
    this.countedLine = n;
    return n;
  }
}

function decodeEntities(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_, e: string) => {
    switch (e.toLowerCase()) {
      case "lt":
        return "<";
      case "gt":
        return ">";
      case "amp":
        return "&";
      case "quot":
        return '"';
      case "apos":
        return "'";
      default:
        return String.fromCodePoint(e[1] === "x" || e[1] === "X" ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10));
    }
  });
}
