import { LEGACY_FIELDS, LEGACY_NUMBER_FIELDS } from '@marketcache/shared/legacy-envelope'

/**
 * The Lua behind EnvelopeWriter. Every script touches exactly one key, so each call routes to one
 * slot on Redis Cluster. Channels are not keys, so PUBLISH is allowed there too.
 *
 * An entry is a hash of `data` and `meta` (a JSON object, see ENVELOPE_FIELDS in shared). The
 * scripts read `meta` through STORED_META, which also reads a hash still in the layout before
 * `meta` (legacy-envelope) and rewrites it in the packed layout when a script changes it. Lua's
 * cjson re-encodes numbers with 14 significant digits: exact for epoch milliseconds, which is
 * why `basis` is stored as a string.
 */

const LEGACY_META = LEGACY_FIELDS.filter((field) => field !== 'data')

/**
 * storedMeta(key) returns the entry's meta as a table (nil when the key holds none or it is
 * unreadable) and whether the hash is in the earlier layout; saveMeta(key, meta, legacy) stores
 * it, dropping the earlier layout's fields.
 */
const STORED_META = `
local LEGACY = { ${LEGACY_META.map((field) => `'${field}'`).join(', ')} }
local NUMBERS = { ${LEGACY_NUMBER_FIELDS.map((field) => `${field} = true`).join(', ')} }

local function storedMeta(key)
  local values = redis.call('HMGET', key, 'meta', unpack(LEGACY))
  if values[1] then
    local ok, meta = pcall(cjson.decode, values[1])
    if ok and type(meta) == 'table' then
      return meta, false
    end
    return nil, false
  end
  local meta, any = {}, false
  for i, field in ipairs(LEGACY) do
    local value = values[i + 1]
    if value then
      any = true
      meta[field] = NUMBERS[field] and tonumber(value) or value
    end
  end
  if not any then
    return nil, false
  end
  meta.notFound = meta.notFound == '1' or nil
  return meta, true
end

local function saveMeta(key, meta, legacy)
  if legacy then
    redis.call('HDEL', key, unpack(LEGACY))
  end
  redis.call('HSET', key, 'meta', cjson.encode(meta))
end
`

/**
 * Writes one envelope unless the stored one is newer (compare-and-set on `asOf`).

  Input:
    KEYS[1] cache key

    ARGV[1] incoming asOf (epoch ms)
    ARGV[2] expireAt (epoch ms): PEXPIREAT of the key
    ARGV[3] written channel
    ARGV[4] incoming etag
    ARGV[5...] envelope field/value pairs for HSET (`data` and `meta`)

  Output:
    1 written: the key now holds exactly the given fields (an earlier lastError is gone) and
      expires at ARGV[2]
    0 rejected: the stored envelope has a newer asOf and is left untouched

  Events:
    PUBLISH ARGV[3] {"key":KEYS[1],"etag":<etag now stored>} in both cases, so readers waiting
    for this key wake up and re-read whatever won.

  A stored negative entry is compared like any entry: it keeps the asOf of the data it replaced
  (see WRITE_NOT_FOUND_LUA), so only data at least that new replaces it. One written over an
  absent key has no asOf and is replaced by any write.
 */
export const WRITE_ENVELOPE_LUA = `${STORED_META}
local key = KEYS[1]
local stored = storedMeta(key)
local storedAsOf = stored and tonumber(stored.asOf)

if storedAsOf ~= nil and tonumber(ARGV[1]) < storedAsOf then
  redis.call('PUBLISH', ARGV[3], cjson.encode({ key = key, etag = stored.etag }))
  return 0
end

redis.call('DEL', key)
redis.call('HSET', key, unpack(ARGV, 5))
redis.call('PEXPIREAT', key, ARGV[2])
redis.call('PUBLISH', ARGV[3], cjson.encode({ key = key, etag = ARGV[4] }))
return 1
`

/**
 * Records "the provider says this does not exist", replacing whatever data the key held but not
 * its asOf: the negative entry carries the highest asOf stored so far, so a late job holding
 * older data is still refused by WRITE_ENVELOPE_LUA (a late job never overwrites newer data, even
 * across a not-found). A provider's "not found" has no asOf of its own to compare, so it is never
 * refused itself.

  Input:
    KEYS[1] cache key

    ARGV[1] time to live (ms)
    ARGV[2] written channel
    ARGV[3] the negative entry's meta (JSON, no asOf)

  Output:
    1 the key now holds only that meta, plus `asOf` when the key held one, and expires in
      ARGV[1] ms

  Events:
    PUBLISH ARGV[2] {"key":KEYS[1]} (no etag: there is no data)
 */
export const WRITE_NOT_FOUND_LUA = `${STORED_META}
local key = KEYS[1]
local stored = storedMeta(key)
local meta = ARGV[3]
if stored and stored.asOf then
  local negative = cjson.decode(meta)
  negative.asOf = stored.asOf
  meta = cjson.encode(negative)
end
redis.call('DEL', key)
redis.call('HSET', key, 'meta', meta)
redis.call('PEXPIRE', key, ARGV[1])
redis.call('PUBLISH', ARGV[2], cjson.encode({ key = key }))
return 1
`

/**
 * Marks an existing envelope with the last refresh failure; it keeps serving STALE inside its
 * error window. Absent keys, tombstones and negative entries are left alone: there is nothing to
 * fall back to.

  Input:
    KEYS[1] cache key

    ARGV[1] error message
    ARGV[2] error time (epoch ms)
    ARGV[3] written channel

  Output:
    1 recorded, 0 no envelope to record on

  Events:
    PUBLISH ARGV[3] {"key":KEYS[1],"etag":<stored etag>} when recorded, so readers waiting on a
    miss re-read and can serve the stale entry with its error instead of timing out.
 */
export const RECORD_ERROR_LUA = `${STORED_META}
local key = KEYS[1]
local meta, legacy = storedMeta(key)
if meta == nil or meta.notFound or meta.etag == nil then
  return 0
end
meta.lastError = ARGV[1]
meta.lastErrorAt = tonumber(ARGV[2])
saveMeta(key, meta, legacy)
redis.call('PUBLISH', ARGV[3], cjson.encode({ key = key, etag = meta.etag }))
return 1
`

/**
 * Invalidates one entry. `expire` (a soft purge) ends an envelope's fresh window now, so it is
 * served STALE while one refresh runs; `delete` removes it. A negative entry has nothing to serve
 * stale, so both delete it. What is deleted leaves its `asOf` behind (a tombstone: a `meta` of
 * only `asOf`, which readers see as absent) for at most ARGV[4] ms and never past the key's own
 * expiry, so an older write still in flight is refused as before (WRITE_ENVELOPE_LUA).

  Input:
    KEYS[1] cache key

    ARGV[1] 'delete' or 'expire'
    ARGV[2] now (epoch ms)
    ARGV[3] written channel
    ARGV[4] longest tombstone (ms)

  Output:
    1 an entry was there and is invalidated, 0 nothing was there (or only a tombstone)

  Events:
    PUBLISH ARGV[3] {"key":KEYS[1],"etag":<etag>} for an expired envelope, {"key":KEYS[1]} for
    a deleted entry, so readers drop what they hold of it.
 */
export const INVALIDATE_LUA = `${STORED_META}
local key = KEYS[1]
local meta, legacy = storedMeta(key)
if meta == nil or (meta.etag == nil and not meta.notFound) then
  return 0
end
local now = tonumber(ARGV[2])
if ARGV[1] == 'expire' and not meta.notFound then
  local freshUntil = tonumber(meta.freshUntil)
  if freshUntil == nil or freshUntil > now then
    meta.freshUntil = now
    saveMeta(key, meta, legacy)
  end
  redis.call('PUBLISH', ARGV[3], cjson.encode({ key = key, etag = meta.etag }))
  return 1
end
local ttl = redis.call('PTTL', key)
redis.call('DEL', key)
if meta.asOf and ttl > 0 then
  redis.call('HSET', key, 'meta', cjson.encode({ asOf = meta.asOf }))
  redis.call('PEXPIRE', key, math.min(ttl, tonumber(ARGV[4])))
end
redis.call('PUBLISH', ARGV[3], cjson.encode({ key = key }))
return 1
`

/**
 * Adds one entry to a pushed dataset's index (a sorted set of entry keys by `freshUntil`, e.g.
 * the signals of a symbol) and drops the members whose time has passed. A member's score only
 * grows: it bounds the entry's life from above, and readers confirm each member against its
 * entry, so an index never hides a live entry. Called before the entry's own write, so a reader
 * woken by the entry's written event finds it listed.

  Input:
    KEYS[1] index key (Keys.index)

    ARGV[1] member: the entry's cache key
    ARGV[2] score: the entry's freshUntil (epoch ms)
    ARGV[3] now (epoch ms)

  Output:
    the number of members left; the key expires with its last member
 */
export const INDEX_ENTRY_LUA = `
local key = KEYS[1]
redis.call('ZADD', key, 'GT', ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYSCORE', key, '-inf', ARGV[3])
local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
if last[2] then
  redis.call('PEXPIREAT', key, last[2])
end
return redis.call('ZCARD', key)
`
