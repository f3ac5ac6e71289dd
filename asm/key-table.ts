/**
 * A table of byte strings (repeat keys by their bytes) that the compiled modules share (each
 * module that imports it has a table of its own): open addressing on a hash the caller computes,
 * and the caller compares the bytes (equal means byte for byte; the hash only finds candidates).
 */

const MAX_ENTRIES: i32 = 8192;
const SLOTS: i32 = 16384; // a power of two, twice the entries
const ARENA_BYTES: i32 = 4 * 1024 * 1024;
/** Per slot: its entry's number + 1 (0: empty). */
const SLOT_ENTRY: usize = memory.data(SLOTS * 4, 4);
/** Per entry: hash, offset in the arena, length. */
const ENTRY_HASH: usize = memory.data(MAX_ENTRIES * 4, 4);
const ENTRY_AT: usize = memory.data(MAX_ENTRIES * 4, 4);
const ENTRY_LENGTH: usize = memory.data(MAX_ENTRIES * 4, 4);
const ARENA: usize = memory.data(ARENA_BYTES, 16);
/** Per entry: what its rows are to the scan (the kinds below), as the module using the table told it. */
const ENTRY_KIND: usize = memory.data(MAX_ENTRIES);
let entries: i32 = 0;
let arenaUsed: i32 = 0;

/**
 * An entry's kind: not told; rows the scan counts as one observation each; as one observation
 * and one look-alike each; rows that matched.
 */
export const NO_KIND: i32 = 0;
export const COUNTED: i32 = 1;
export const LOOKALIKE: i32 = 2;
export const MATCHED: i32 = 3;

/** The hash a key's bytes start from (FNV-1a's offset basis). */
export const HASH_START: u32 = 2166136261;

/** One byte into a key's hash. */
@inline export function hashByte(h: u32, c: u32): u32 {
  return (h ^ c) * 16777619;
}

/** Bytes [from, to) into a key's hash, four a step; equal bytes hash alike, which is all it must do. */
@inline export function hashBytes(h: u32, from: usize, to: usize): u32 {
  let i = from;
  for (; i + 4 <= to; i += 4) {
    h = (h ^ load<u32>(i)) * 16777619;
    h ^= h >> 15;
  }
  for (; i < to; i++) h = hashByte(h, <u32>load<u8>(i));
  return h;
}

/** Empties the table: every entry number given before is void. */
export function clearKeys(): void {
  memory.fill(SLOT_ENTRY, 0, <usize>SLOTS * 4);
  entries = 0;
  arenaUsed = 0;
}

/** Every entry's kind back to NO_KIND (the entries stay). */
export function clearKinds(): void {
  memory.fill(ENTRY_KIND, 0, <usize>entries);
}

@inline export function entryKind(e: i32): i32 {
  return <i32>load<u8>(ENTRY_KIND + <usize>e);
}

@inline export function setEntryKind(e: i32, kind: i32): void {
  store<u8>(ENTRY_KIND + <usize>e, <u8>kind);
}

/** How many entries the table holds. */
export function keyCount(): i32 {
  return entries;
}

/** The first slot to look in for a hash; the next one is `nextSlot`. */
@inline export function firstSlot(h: u32): i32 {
  return <i32>(h & <u32>(SLOTS - 1));
}

@inline export function nextSlot(s: i32): i32 {
  return (s + 1) & (SLOTS - 1);
}

/** The entry in slot `s`, -1 when the slot is empty (the key looked for is in no later slot). */
@inline export function entryIn(s: i32): i32 {
  return load<i32>(SLOT_ENTRY + (<usize>s << 2)) - 1;
}

/** Whether entry `e` has hash `h` and `length` bytes (its bytes may then equal the key's). */
@inline export function entryMayBe(e: i32, h: u32, length: i32): bool {
  const slot = <usize>e << 2;
  return load<u32>(ENTRY_HASH + slot) == h && load<i32>(ENTRY_LENGTH + slot) == length;
}

/** Where entry `e`'s bytes are. */
@inline export function entryBytes(e: i32): usize {
  return ARENA + <usize>load<i32>(ENTRY_AT + (<usize>e << 2));
}

/**
 * A new entry of `length` bytes with hash `h` in the empty slot `s` (where the search for it
 * ended), of no kind: its number, its bytes for the caller to write at `entryBytes`; -1 when the
 * table is full, which clears it.
 */
export function addEntry(s: i32, h: u32, length: i32): i32 {
  if (entries >= MAX_ENTRIES || arenaUsed + length > ARENA_BYTES) {
    clearKeys();
    return -1;
  }
  const e = entries++;
  const slot = <usize>e << 2;
  store<u32>(ENTRY_HASH + slot, h);
  store<i32>(ENTRY_AT + slot, arenaUsed);
  store<i32>(ENTRY_LENGTH + slot, length);
  store<u8>(ENTRY_KIND + <usize>e, <u8>NO_KIND);
  arenaUsed += length;
  store<i32>(SLOT_ENTRY + (<usize>s << 2), e + 1);
  return e;
}
