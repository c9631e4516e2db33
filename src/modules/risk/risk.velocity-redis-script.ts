// The Lua script behind the Redis velocity store: one key's observe or peek, atomic in Redis.
// It follows the memory store step by step (prune, seen-before, insert, compact, one backward walk),
// so the two stores give the same answers; see docs/risk-velocity.md.
//
// KEYS[1] events: sorted set, score = time of the entry's latest observation, member =
//                 "seq:count:amount:start:+value" ("…:-" without a value). A raw observation has
//                 count 1 and start = score; seq keeps equal observations distinct members.
// KEYS[2] values: sorted set, score = the value's last-seen time, member = value
// KEYS[3] seq:    counter for the event members
// ARGV: record ('1' observe, '0' peek), at, amount, hasValue ('1'/'0'), value, retentionMs,
//       the four window lengths (shortest first), maxEntries.
// Returns strings: count, sum, distinct for each window, then valueSeenBefore ('1'/'0') and
// firstSeenAt ('' for none). Numbers go through '%.17g' so no digits are lost on either side.

/** The script source (loaded with defineCommand, sent as EVALSHA). */
export const VELOCITY_LUA = `
local events, values, seqKey = KEYS[1], KEYS[2], KEYS[3]
local record = ARGV[1] == '1'
local at = tonumber(ARGV[2])
local amount = ARGV[3]
local hasValue = ARGV[4] == '1'
local value = ARGV[5]
local retention = tonumber(ARGV[6])
local windows = { tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10]) }
local maxEntries = tonumber(ARGV[11])
local function num(x) return string.format('%.17g', x) end
-- count, amount, start, flag ('+' or '-'), value
local function parse(member) return string.match(member, '^[^:]*:([^:]*):([^:]*):([^:]*):(.)(.*)$') end

-- Merges the oldest entries (all but the newest quarter) into 1 s, 1 min, 1 h, 1 d buckets, first
-- one entry per (bucket, value), then per bucket, until at most half of maxEntries remain.
local function compact()
  local keepRaw, target = math.floor(maxEntries / 4), math.floor(maxEntries / 2)
  for pass = 1, 2 do
    for _, width in ipairs({ 1000, 60000, 3600000, 86400000 }) do
      local size = redis.call('ZCARD', events)
      if size <= target then return end
      local n = size - keepRaw
      local rows = redis.call('ZRANGE', events, 0, n - 1, 'WITHSCORES')
      local groups, order = {}, {}
      for i = 1, #rows, 2 do
        local t = tonumber(rows[i + 1])
        local count, amt, start, flag, v = parse(rows[i])
        local id = (pass == 1 and flag == '+') and ('+' .. v) or '-'
        local groupKey = math.floor(t / width) .. '|' .. id
        local g = groups[groupKey]
        if g then
          g[1], g[2] = math.max(g[1], t), math.min(g[2], tonumber(start))
          g[3], g[4] = g[3] + tonumber(count), g[4] + tonumber(amt)
        else
          g = { t, tonumber(start), tonumber(count), tonumber(amt), id }
          groups[groupKey] = g
          order[#order + 1] = g
        end
      end
      redis.call('ZREMRANGEBYRANK', events, 0, n - 1)
      for _, g in ipairs(order) do
        local member = redis.call('INCR', seqKey) .. ':' .. num(g[3]) .. ':' .. num(g[4]) .. ':' .. num(g[2]) .. ':' .. g[5]
        redis.call('ZADD', events, num(g[1]), member)
      end
    end
  end
end

-- Retention is measured back from the key's latest observation (or this one, if later).
local latest = at
local top = redis.call('ZREVRANGE', events, 0, 0, 'WITHSCORES')
if top[2] and tonumber(top[2]) > latest then latest = tonumber(top[2]) end
local cutoff = latest - retention
if record then
  redis.call('ZREMRANGEBYSCORE', events, '-inf', num(cutoff))
  redis.call('ZREMRANGEBYSCORE', values, '-inf', num(cutoff))
end

-- Seen before: the last-seen score answers unless this observation is out of order.
local seen = false
if hasValue then
  local last = redis.call('ZSCORE', values, value)
  if last and tonumber(last) > cutoff then
    if tonumber(last) <= at then
      seen = true
    else
      local members = redis.call('ZRANGEBYSCORE', events, '(' .. num(cutoff), num(at))
      for _, member in ipairs(members) do
        local _, _, _, flag, v = parse(member)
        if flag == '+' and v == value then seen = true break end
      end
    end
  end
end

if record and at > cutoff then
  local member = redis.call('INCR', seqKey) .. ':1:' .. amount .. ':' .. num(at) .. ':' .. (hasValue and ('+' .. value) or '-')
  redis.call('ZADD', events, num(at), member)
  if redis.call('ZCARD', events) > maxEntries then compact() end
  if hasValue then
    local last = redis.call('ZSCORE', values, value)
    if not last or tonumber(last) < at then redis.call('ZADD', values, num(at), value) end
    -- Too many live values: keep the most recently seen half (older ones read as never seen).
    local size = redis.call('ZCARD', values)
    if size > maxEntries then redis.call('ZREMRANGEBYRANK', values, 0, size - math.floor(maxEntries / 2) - 1) end
  end
end
if record then
  for _, key in ipairs(KEYS) do redis.call('PEXPIRE', key, retention) end
end

-- One walk from 'at' back to the 7 d edge; each entry falls in one band between window edges, and a
-- value counts once, in the band of its latest occurrence at or before 'at'.
local lower = math.max(at - windows[4], cutoff)
local rows = redis.call('ZREVRANGEBYSCORE', events, num(at), '(' .. num(lower), 'WITHSCORES')
local counts, sums, distinct = { 0, 0, 0, 0 }, { 0, 0, 0, 0 }, { 0, 0, 0, 0 }
local met = {}
local band = 1
for i = 1, #rows, 2 do
  local t = tonumber(rows[i + 1])
  while t <= at - windows[band] do band = band + 1 end
  local count, amt, _, flag, v = parse(rows[i])
  counts[band] = counts[band] + tonumber(count)
  sums[band] = sums[band] + tonumber(amt)
  if flag == '+' and not met[v] then
    met[v] = true
    distinct[band] = distinct[band] + 1
  end
end

local result = {}
local c, s, d = 0, 0, 0
for b = 1, 4 do
  c, s, d = c + counts[b], s + sums[b], d + distinct[b]
  result[#result + 1] = num(c)
  result[#result + 1] = num(s)
  result[#result + 1] = num(d)
end
result[#result + 1] = seen and '1' or '0'
local first = redis.call('ZRANGEBYSCORE', events, '(' .. num(cutoff), '+inf', 'LIMIT', 0, 1)
local start = nil
if first[1] then
  local _, _, firstStart = parse(first[1])
  start = tonumber(firstStart)
end
result[#result + 1] = (start and start <= at) and num(start) or ''
return result
`;
