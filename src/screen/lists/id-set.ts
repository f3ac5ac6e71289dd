/**
 * @module
 * The ids seen during an import, to make repeated ones unique, in bounded memory: a list of
 * millions of entries would need hundreds of MiB as a Set of strings. Each id is kept as a 64-bit
 * hash (two 32-bit FNV-1a hashes with different offsets) in an open-addressing table of typed
 * arrays, 8 bytes a slot at most half full. Two different ids share a hash with a probability of
 * about n² / 2⁶⁵ (2·10⁻⁷ for 2 million ids); the only effect would be a "#2" on the second id.
 */

const FNV_PRIME = 0x01000193;

function fnv1a(s: string, offset: number): number {
  let h = offset;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h | 0;
}

export class IdSet {
  private hi = new Int32Array(1 << 16);
  private lo = new Int32Array(1 << 16);
  private used = new Uint8Array(1 << 16);
  private count = 0;

  /** Adds `id`; false when it was already there. */
  add(id: string): boolean {
    const a = fnv1a(id, 0x811c9dc5 | 0);
    const b = fnv1a(id, 0x050c5d1f);
    if (this.insert(a, b)) {
      if (++this.count * 2 > this.used.length) this.grow();
      return true;
    }
    return false;
  }

  get size(): number {
    return this.count;
  }

  private insert(a: number, b: number): boolean {
    const mask = this.used.length - 1;
    for (let i = (a ^ (b >>> 7)) & mask; ; i = (i + 1) & mask) {
      if (!this.used[i]) {
        this.used[i] = 1;
        this.hi[i] = a;
        this.lo[i] = b;
        return true;
      }
      if (this.hi[i] === a && this.lo[i] === b) return false;
    }
  }

  private grow(): void {
    const { hi, lo, used } = this;
    this.hi = new Int32Array(used.length * 2);
    this.lo = new Int32Array(used.length * 2);
    this.used = new Uint8Array(used.length * 2);
    for (let i = 0; i < used.length; i++) if (used[i]) this.insert(hi[i]!, lo[i]!);
  }
}
