/**
 * Seeded randomness. Everything the simulator invents (coins, price paths, fault rolls) must
 * replay exactly from a seed, so tests and benchmarks see the same market on every run.
 */

const UINT32 = 4_294_967_296

/** murmur3's finaliser: spreads every input bit over the whole 32-bit output. */
function fmix32(input: number): number {
  let h = input >>> 0
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** A sequential generator in [0, 1) (mulberry32): fast and plenty for a simulated market. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / UINT32
  }
}

/** Folds strings and numbers into one 32-bit stream id (FNV-1a over their text). */
export function hashSeed(...parts: ReadonlyArray<string | number>): number {
  let h = 0x811c9dc5
  for (const part of parts) {
    for (const char of `${part}\u0000`) {
      h = Math.imul(h ^ (char.codePointAt(0) ?? 0), 0x01000193)
    }
  }
  return fmix32(h)
}

/**
 * A value in [0, 1) addressed by (stream, index) instead of by draw order, so a price at any
 * tick can be computed directly, without replaying the ticks before it. Works for negative and
 * beyond-32-bit indexes (a tick index with a 1 ms tick overflows 32 bits).
 */
export function noiseAt(stream: number, index: number): number {
  const low = index >>> 0
  const high = Math.floor(index / UINT32) >>> 0
  return fmix32(fmix32(stream ^ low) ^ Math.imul(high, 0x9e3779b1) ^ 0x27d4eb2f) / UINT32
}
