/**
 * Lua for RedisInboxStore, kept as TS strings so `tsc` output carries them.
 *
 * Entry member: `seq|createdAt|+payload`, `seq|createdAt|*payloadKey` when the payload is shared by the recipients of
 * one fan-out (stored once, under `payloadKey`, for the retention), or `seq|createdAt|-` for a burnt seq (unique per
 * seq: one entry per seq is enforced by the scripts, never by the member itself). Reads resolve a shared payload by
 * the key its member names, a key not passed in KEYS: fine on one Redis, like the multi-user scripts below.
 * Pending score: the in-flight deadline (epoch ms, > 0) while unconfirmed, −confirmedAt once confirmed, so one
 * ZRANGEBYSCORE [0, now) finds the seqs to burn and confirmed ones are never burnt (only forgotten once older than
 * the retention, since their entry would no longer be served anyway).
 * Time comes from the caller (ARGV), like the deadlines it is compared with.
 * Keys of many users are touched in one script: fine on one Redis; a Redis Cluster would need per-user hash tags and
 * one call per slot. The scripts of the send path (allocate, confirm, append), which take every member of a group,
 * get user ids and the key prefixes (from redisKeys) and build each user's keys themselves: one argument per user
 * instead of two or three keys, about half the bytes the caller encodes and Redis parses for a 5,000-member group.
 */
const HELPERS = `
local function entry_seq(m)
  return tonumber(string.sub(m, 1, string.find(m, '|', 1, true) - 1))
end
local function entry_created(m)
  local a = string.find(m, '|', 1, true)
  local b = string.find(m, '|', a + 1, true)
  return tonumber(string.sub(m, a + 1, b - 1))
end
-- where the body starts: its first character is + (payload), * (shared payload's key) or - (burnt)
local function entry_body(m)
  local a = string.find(m, '|', 1, true)
  return string.find(m, '|', a + 1, true) + 1
end
local function entry_written(m)
  local c = string.sub(m, entry_body(m), entry_body(m))
  return c == '+' or c == '*'
end
local function has_seq(inbox, seq)
  return redis.call('ZCOUNT', inbox, seq, seq) > 0
end
local function get_int(key)
  return tonumber(redis.call('GET', key) or '0')
end
-- GT treats a key without a TTL as never expiring; every key extended here got its TTL when it was created
local function extend(key, ttl)
  redis.call('PEXPIRE', key, ttl, 'GT')
end
-- a burnt seq is also remembered apart (score = when), so that once an ack trims its placeholder a late settle can
-- still tell it from a written one
local function note_burnt(burnt, seq, now, retention)
  redis.call('ZADD', burnt, now, seq)
  redis.call('ZREMRANGEBYSCORE', burnt, '-inf', '(' .. (tonumber(now) - retention))
  redis.call('PEXPIRE', burnt, retention)
end
-- seq order follows createdAt closely, so stale entries sit at the low end
local function trim_stale(inbox, cutoff, max)
  for _ = 1, max do
    local first = redis.call('ZRANGE', inbox, 0, 0)
    if #first == 0 or entry_created(first[1]) >= cutoff then return end
    redis.call('ZREM', inbox, first[1])
  end
end
`;

/**
 * allocate(deadline, pendingTtlMs, seq key prefix, pending key prefix, from): (userId, count) pairs of distinct users
 * are in ARGV from index `from` on. Returns each user's last seq.
 */
export const ALLOCATE_FN = `
local function allocate(deadline, ttl, seq_of, pending_of, from)
  local out = {}
  for i = from, #ARGV, 2 do
    local pend = pending_of .. ARGV[i]
    local n = tonumber(ARGV[i + 1])
    local last = redis.call('INCRBY', seq_of .. ARGV[i], n)
    for s = last - n + 1, last do redis.call('ZADD', pend, deadline, s) end
    -- plain PEXPIRE (no PTTL check): ttl >= retention already covers every earlier confirmed seq
    redis.call('PEXPIRE', pend, ttl)
    out[#out + 1] = last
  end
  return out
end
`;

/** ARGV: deadline, pendingTtlMs, seq key prefix, pending key prefix, then (userId, count) per distinct user. */
export const ALLOCATE_LUA = `${ALLOCATE_FN}
return allocate(ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4], 5)
`;

/**
 * confirm(confirmedScore, pending key prefix, burnt key prefix, from): (userId, seq) pairs are in ARGV from index
 * `from` on. Returns false when any of them was burnt already (the try lost), else true.
 */
export const CONFIRM_FN = `
local function confirm(score, pending_of, burnt_of, from)
  local lost = false
  for i = from, #ARGV, 2 do
    local user, seq = ARGV[i], ARGV[i + 1]
    -- only a seq still pending (XX): one already written, burnt or reaped stays that way. CH is 0 only for a seq
    -- absent or confirmed already in this very millisecond, and a pending seq is never burnt, so the check holds
    -- no PEXPIRE (one call less per member): allocate left the key a TTL of at least this seq's deadline plus the
    -- retention, which outlasts its message's own retention (createdAt < deadline), however late the confirm
    if redis.call('ZADD', pending_of .. user, 'XX', 'CH', score, seq) == 0 and redis.call('ZSCORE', burnt_of .. user, seq) then
      lost = true
    end
  end
  return not lost
end
`;

/**
 * ARGV: confirmedScore (−now), pending key prefix, burnt key prefix, then (userId, seq) pairs.
 * Returns 0 when any seq was burnt already (the try lost), else 1.
 */
export const CONFIRM_LUA = `${CONFIRM_FN}
if confirm(ARGV[1], ARGV[2], ARGV[3], 4) then return 1 end
return 0
`;

/** KEYS: (inbox, ack, pending, burnt) per distinct user. ARGV: now, retentionMs, then (userIndex, seq) pairs. */
export const BURN_LUA = `${HELPERS}
local now, retention = ARGV[1], tonumber(ARGV[2])
for i = 3, #ARGV, 2 do
  local b = (tonumber(ARGV[i]) - 1) * 4
  local inbox, seq = KEYS[b + 1], ARGV[i + 1]
  redis.call('ZREM', KEYS[b + 3], seq)
  if tonumber(seq) > get_int(KEYS[b + 2]) and not has_seq(inbox, seq) then
    redis.call('ZADD', inbox, seq, seq .. '|' .. now .. '|-')
    redis.call('PEXPIRE', inbox, retention)
    note_burnt(KEYS[b + 4], seq, now, retention)
  end
end
return 0
`;

/**
 * KEYS: (inbox, ack, pending, burnt) per distinct user. ARGV: now, retentionMs, then (userIndex, seq) pairs.
 * The fate of an interrupted send: any seq written or confirmed proves the broker had it, so the pending rest are
 * confirmed (returns 1); with no proof the pending ones are burnt, so a late write is refused (returns 0).
 * A seq at or below the watermark was delivered and acked, so its entry may be gone: it was written unless it is
 * remembered as burnt.
 */
export const SETTLE_LUA = `${HELPERS}
local now, retention = tonumber(ARGV[1]), tonumber(ARGV[2])
local published, pending = false, {}
for i = 3, #ARGV, 2 do
  local b = (tonumber(ARGV[i]) - 1) * 4
  local seq = ARGV[i + 1]
  local score = redis.call('ZSCORE', KEYS[b + 3], seq)
  pending[i] = score
  if score and tonumber(score) < 0 then published = true end
  local m = redis.call('ZRANGEBYSCORE', KEYS[b + 1], seq, seq)
  -- a written entry is seq|createdAt|+payload, a burnt one seq|createdAt|-
  if #m > 0 and entry_written(m[1]) then published = true end
  if #m == 0 and not score and tonumber(seq) <= get_int(KEYS[b + 2])
    and not redis.call('ZSCORE', KEYS[b + 4], seq) then published = true end
end
for i = 3, #ARGV, 2 do
  local b = (tonumber(ARGV[i]) - 1) * 4
  local inbox, pend, seq = KEYS[b + 1], KEYS[b + 3], ARGV[i + 1]
  if pending[i] then
    if published then
      redis.call('ZADD', pend, -now, seq)
      extend(pend, retention)
    else
      redis.call('ZREM', pend, seq)
      if tonumber(seq) > get_int(KEYS[b + 2]) and not has_seq(inbox, seq) then
        redis.call('ZADD', inbox, seq, seq .. '|' .. now .. '|-')
        redis.call('PEXPIRE', inbox, retention)
        note_burnt(KEYS[b + 4], seq, now, retention)
      end
    end
  end
end
if published then return 1 end
return 0
`;

/**
 * ARGV: now, retentionMs, bodyCount, inbox, ack and pending key prefixes, then (createdAt, payload, its shared key or
 * '') per distinct body, then (userId, seq, bodyIndex). A group message is one body for all its recipients, so it
 * crosses the wire once, and is stored once (shared) rather than in each member's entry. Returns how many were written.
 */
export const APPEND_LUA = `${HELPERS}
local retention = tonumber(ARGV[2])
local cutoff = tonumber(ARGV[1]) - retention
local nbodies = tonumber(ARGV[3])
local inbox_of, ack_of, pending_of = ARGV[4], ARGV[5], ARGV[6]
local written, touched, marks = 0, {}, {}
-- per body, once (not per entry): the entry's text after its seq, '' when past retention (such an entry would never be
-- served); and for a shared payload, its key, until the payload is stored with the body's first entry written
local suffixes, unstored = {}, {}
for body = 7, 6 + 3 * nbodies, 3 do
  local shared = ARGV[body + 2]
  if tonumber(ARGV[body]) < cutoff then suffixes[body] = ''
  elseif shared ~= '' then
    suffixes[body] = '|' .. ARGV[body] .. '|*' .. shared
    unstored[body] = shared
  else suffixes[body] = '|' .. ARGV[body] .. '|+' .. ARGV[body + 1] end
end
for i = 7 + 3 * nbodies, #ARGV, 3 do
  local user, seq = ARGV[i], ARGV[i + 1]
  local inbox = inbox_of .. user
  local body = 4 + 3 * tonumber(ARGV[i + 2])
  local suffix = suffixes[body]
  -- a seq still pending has no entry and is above the watermark (writes, burns and acks all take seqs out of pending
  -- in the same script), so only a redelivered or reaped seq needs the watermark and the entry checked
  local fresh = redis.call('ZREM', pending_of .. user, seq) == 1
  if not fresh then marks[user] = marks[user] or get_int(ack_of .. user) end
  if suffix ~= '' and (fresh or (tonumber(seq) > marks[user] and not has_seq(inbox, seq))) then
    if unstored[body] then
      -- written now, it outlives every entry pointing at it: those are served only until createdAt + retention
      redis.call('SET', unstored[body], ARGV[body + 1], 'PX', retention)
      unstored[body] = nil
    end
    redis.call('ZADD', inbox, seq, seq .. suffix)
    written = written + 1
    -- stale entries are trimmed on every 8th seq of a user (up to 16 of them: twice the pace they can arrive at),
    -- not on every write; reads trim the rest, and the key's TTL outlives its newest entry by one retention
    touched[user] = touched[user] or (tonumber(seq) % 8 == 0)
  end
end
for user, trim in pairs(touched) do
  local inbox = inbox_of .. user
  redis.call('PEXPIRE', inbox, retention)
  if trim then trim_stale(inbox, cutoff, 16) end
end
return written
`;

/**
 * KEYS: seq, ack, inbox, pending, burnt. ARGV: afterSeq, limit, now, retentionMs.
 * Returns {headSeq, watermark, entries (at most limit + 1), pending seqs > afterSeq}.
 */
export const READ_LUA = `${HELPERS}
local after, limit, now, retention = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
local cutoff = tonumber(now) - retention
local head, wm = get_int(KEYS[1]), get_int(KEYS[2])
local inbox, pend = KEYS[3], KEYS[4]
-- unconfirmed and past the deadline: dispatch gave up or died, the seq will never be written
local burnt = false
for _, s in ipairs(redis.call('ZRANGEBYSCORE', pend, 0, '(' .. now)) do
  redis.call('ZREM', pend, s)
  if tonumber(s) > wm and not has_seq(inbox, s) then
    redis.call('ZADD', inbox, s, s .. '|' .. now .. '|-')
    note_burnt(KEYS[5], s, now, retention)
    burnt = true
  end
end
if burnt then redis.call('PEXPIRE', inbox, retention) end
-- confirmed before the retention window: its entry would be past retention anyway, do not keep the client waiting
redis.call('ZREMRANGEBYSCORE', pend, '(' .. (-cutoff), '(0')
trim_stale(inbox, cutoff, 1000)
local entries, from = {}, '(' .. ARGV[1]
while #entries <= limit do
  local batch = redis.call('ZRANGEBYSCORE', inbox, from, '+inf', 'LIMIT', 0, limit + 1 - #entries)
  if #batch == 0 then break end
  for _, m in ipairs(batch) do
    if entry_created(m) < cutoff then redis.call('ZREM', inbox, m) else
      local at = entry_body(m)
      if string.sub(m, at, at) == '*' then
        -- a shared payload gone (evicted) cannot be served: the seq reads as skipped, never as an empty message
        local payload = redis.call('GET', string.sub(m, at + 1))
        m = string.sub(m, 1, at - 1) .. (payload and ('+' .. payload) or '-')
      end
      entries[#entries + 1] = m
    end
  end
  from = '(' .. entry_seq(batch[#batch])
end
local pending = {}
for _, s in ipairs(redis.call('ZRANGE', pend, 0, -1)) do
  local n = tonumber(s)
  if n > after and n > wm then pending[#pending + 1] = n end
end
table.sort(pending)
return {head, wm, entries, pending}
`;

/** KEYS: seq, ack, inbox, pending. ARGV: seq. Returns the watermark. */
export const ACK_LUA = `${HELPERS}
local head, wm = get_int(KEYS[1]), get_int(KEYS[2])
local target = math.min(tonumber(ARGV[1]), head)
if target > wm then
  wm = target
  redis.call('SET', KEYS[2], wm)
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', wm)
  for _, s in ipairs(redis.call('ZRANGE', KEYS[4], 0, -1)) do
    if tonumber(s) <= wm then redis.call('ZREM', KEYS[4], s) end
  end
end
return wm
`;
