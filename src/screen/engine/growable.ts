/**
 * @module
 * Typed arrays that grow as a list is read (the screening index of a list of millions of names
 * is built in a few of these instead of millions of small objects), then are cut to their length.
 */

type Typed = Int32Array | Uint8Array | Float64Array;

abstract class Growable<T extends Typed> {
  protected data: T;
  length = 0;

  constructor(capacity: number) {
    this.data = this.make(Math.max(16, capacity));
  }

  protected abstract make(n: number): T;

  push(x: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = x;
  }

  get(i: number): number {
    return this.data[i]!;
  }

  set(i: number, x: number): void {
    this.data[i] = x;
  }

  /** Grows by a quarter at a time, not by doubling: the large columns are tens of megabytes, and the old and new copies coexist while one grows. */
  private grow(min: number): void {
    const next = this.make(Math.max(min, Math.ceil(this.data.length * 1.25)));
    next.set(this.data as never);
    this.data = next;
  }

  /** The values pushed, in an array of exactly their length (a copy; this one should then be dropped). */
  finish(): T {
    return (this.length === this.data.length ? this.data : this.data.slice(0, this.length)) as T;
  }
}

export class GrowableInt32 extends Growable<Int32Array> {
  protected make(n: number): Int32Array {
    return new Int32Array(n);
  }
}

export class GrowableUint8 extends Growable<Uint8Array> {
  protected make(n: number): Uint8Array {
    return new Uint8Array(n);
  }
}

export class GrowableFloat64 extends Growable<Float64Array> {
  protected make(n: number): Float64Array {
    return new Float64Array(n);
  }
}
