import { describe, expect, it } from 'vitest'
import { L1Cache } from '../src/l1'
import { coinData, envelope } from './fixtures/cache-writer'

/** A copy costs its overhead (256 B) plus two bytes a character of its value. */
const copyBytes = (id: string) => 256 + coinData(id).length * 2

function filled(ids: string[], maxBytes: number): L1Cache {
  const l1 = new L1Cache({ maxBytes, maxAgeMs: 60_000 })
  l1.resume()
  for (const id of ids) l1.keep(l1.begin(id), envelope(coinData(id)), Date.now())
  return l1
}

const held = (l1: L1Cache, ids: string[]) => ids.filter((id) => l1.peek(id, Date.now()) !== null)

describe('L1Cache', () => {
  const id = (n: number) => `coin-${String(n).padStart(3, '0')}`
  const ids = Array.from({ length: 10 }, (_, n) => id(n))
  const room = ids.reduce((bytes, key) => bytes + copyBytes(key), 0)

  it('stays within maxBytes, dropping the least recently kept first', () => {
    const l1 = filled([...ids, id(10), id(11)], room)
    expect(l1.size.bytes).toBeLessThanOrEqual(room)
    expect(held(l1, [id(0), id(1)])).toEqual([])
    expect(held(l1, [id(2), id(10), id(11)])).toEqual([id(2), id(10), id(11)])
  })

  it('keeps a copy read in the older half over the ones nobody read', () => {
    const l1 = filled(ids, room)
    l1.used(id(0))
    l1.used(id(1))
    const more = [id(10), id(11), id(12)]
    for (const key of more) l1.keep(l1.begin(key), envelope(coinData(key)), Date.now())
    expect(held(l1, [id(0), id(1)])).toEqual([id(0), id(1)])
    expect(held(l1, [id(2), id(3), id(4)])).toEqual([])
    expect(l1.hits).toBe(2)
  })

  it('a hot key read on every hit stays, however many others come and go', () => {
    const l1 = filled(ids, room)
    for (let i = 10; i < 200; i++) {
      l1.used(id(9))
      l1.keep(l1.begin(id(i)), envelope(coinData(id(i))), Date.now())
    }
    expect(held(l1, [id(9)])).toEqual([id(9)])
    expect(l1.size.bytes).toBeLessThanOrEqual(room)
  })

  it('does not keep a value larger than the whole layer', () => {
    const l1 = filled([id(0)], copyBytes(id(0)) - 1)
    expect(held(l1, [id(0)])).toEqual([])
    expect(l1.size).toEqual({ entries: 0, bytes: 0 })
  })

  it('counts lookups only while it is on: not when off, nor while bypassed', () => {
    const off = new L1Cache({ maxBytes: 0, maxAgeMs: 60_000 })
    off.resume()
    expect(off.get(id(0), Date.now())).toBeNull()
    const suspended = filled(ids, room)
    expect(suspended.get(id(0), Date.now())).not.toBeNull()
    expect(suspended.get(id(99), Date.now())).toBeNull()
    suspended.suspend()
    expect(suspended.get(id(1), Date.now())).toBeNull()
    expect([off.hits, off.misses, suspended.hits, suspended.misses]).toEqual([0, 0, 1, 1])
  })
})
