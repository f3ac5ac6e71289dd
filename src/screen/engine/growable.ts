/**
 * @module
 * Typed arrays that grow as a list is read (the screening index of a list of millions of names
 * is built in a few of these instead of millions of small objects).
 */

/** Numbers pushed into a Float64Array that grows by a quarter at a time. */
export class GrowableFloat64 {
  private data: Float64Array;
  length = 0;

  constructor(capacity: number) {
    this.data = new Float64Array(Math.max(16, capacity));
  }

  push(x: number): void {
    if (this.length === this.data.length) {
      // by a quarter, not by doubling: the old and new copies coexist while one grows
      const next = new Float64Array(Math.ceil(this.data.length * 1.25));
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
  }

  /**
   * The values pushed, as an array of their length: a view of the array they were pushed into
   * (its unused end stays allocated, which costs less than a copy: freeing a large array while a
   * build goes on leaves the allocator's memory in pieces the process keeps).
   */
  finish(): Float64Array {
    return this.length === this.data.length ? this.data : this.data.subarray(0, this.length);
  }
}

/**
 * Non-negative whole numbers in the narrowest typed array that holds them: one byte each while
 * every value is under 256, two while under 65,536, four after (the array is widened once when a
 * larger value comes). A list of two million names has a few tens of thousands of distinct
 * tokens and a handful of distinct country sets: most of its columns fit in one or two bytes.
 */
export class GrowableUint {
  private data: Uint8Array | Uint16Array | Int32Array;
  length = 0;

  /** `bytes`: the width to start at, when the values are known to outgrow a narrower one at once (widening frees the narrower copy). */
  constructor(capacity: number, bytes: 1 | 2 | 4 = 1) {
    const n = Math.max(16, capacity);
    this.data = bytes === 1 ? new Uint8Array(n) : bytes === 2 ? new Uint16Array(n) : new Int32Array(n);
  }

  push(x: number): void {
    if (x > this.max()) this.widen(x);
    if (this.length === this.data.length) this.grow();
    this.data[this.length++] = x;
  }

  get(i: number): number {
    return this.data[i]!;
  }

  private max(): number {
    return this.data instanceof Uint8Array ? 0xff : this.data instanceof Uint16Array ? 0xffff : 0x7fffffff;
  }

  private widen(x: number): void {
    const next = x <= 0xffff ? new Uint16Array(this.data.length) : new Int32Array(this.data.length);
    next.set(this.data);
    this.data = next;
  }

  private grow(): void {
    const n = Math.ceil(this.data.length * 1.25);
    const next = this.data instanceof Uint8Array ? new Uint8Array(n) : this.data instanceof Uint16Array ? new Uint16Array(n) : new Int32Array(n);
    next.set(this.data);
    this.data = next;
  }

  /** The values pushed, as an array of their length (a view, as Growable's). */
  finish(): Uint8Array | Uint16Array | Int32Array {
    return this.length === this.data.length ? this.data : this.data.subarray(0, this.length);
  }
}

/** Values of a column that never decreases are stored as a value every BLOCK values and the steps between (most of them one byte). */
const BLOCK = 16;
/** Columns up to this long are kept whole: reading one is a single load, and they are small. */
const FLAT_MAX = 1 << 20;

/**
 * A column of non-decreasing whole numbers (a record's first token, a record's entity, an
 * entry's place in its file), built value by value. Up to a million values it is kept as one
 * array; longer, as a value every 16 and the steps in between, which are small (a record has a
 * few tokens; an entity a few records; a line a few hundred bytes): about one byte a value
 * instead of four or eight, for a sum of at most 15 steps a read.
 */
export class MonotoneColumnBuilder {
  private readonly steps: GrowableUint;
  private readonly marks: GrowableFloat64;
  private last = 0;
  length = 0;

  constructor(capacity: number) {
    this.steps = new GrowableUint(capacity);
    this.marks = new GrowableFloat64(Math.ceil(capacity / BLOCK));
  }

  push(x: number): void {
    if (x < this.last) throw new RangeError(`a monotone column went down from ${this.last} to ${x}`);
    if (this.length % BLOCK === 0) this.marks.push(x);
    this.steps.push(this.length === 0 ? 0 : x - this.last);
    this.last = x;
    this.length++;
  }

  finish(): MonotoneColumn {
    return new MonotoneColumn(this.length, this.marks.finish(), this.steps.finish());
  }
}

export class MonotoneColumn {
  private readonly flat: Int32Array | Float64Array | undefined;

  constructor(
    readonly length: number,
    private readonly marks: Float64Array,
    private readonly steps: Uint8Array | Uint16Array | Int32Array,
  ) {
    if (length <= FLAT_MAX) {
      const last = length > 0 ? this.sum(length - 1) : 0;
      this.flat = last < 2 ** 31 ? new Int32Array(length) : new Float64Array(length);
      for (let i = 0; i < length; i++) this.flat[i] = this.sum(i);
    }
  }

  get(i: number): number {
    return this.flat ? this.flat[i]! : this.sum(i);
  }

  private sum(i: number): number {
    const from = i - (i % BLOCK);
    let v = this.marks[from / BLOCK]!;
    for (let j = from + 1; j <= i; j++) v += this.steps[j]!;
    return v;
  }
}
