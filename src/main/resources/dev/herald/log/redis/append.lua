-- Herald's one atomic append (RedisEventLog): idempotency check, XADD with the length bound, XTRIM with the
-- age bound (XADD takes only one of MAXLEN and MINID), and the idempotency entry.
-- KEYS[1] stream, KEYS[2] meta hash, KEYS[3] (optional) the Idempotency-Key's entry
-- ARGV[1] epoch to use if the stream is new, ARGV[2] MAXLEN, ARGV[3] max age in ms, ARGV[4] deadline in
-- ms since the epoch (0: none), ARGV[5] entry format, ARGV[6] topic, ARGV[7] data, ARGV[8] conflation key,
-- ARGV[9] traceparent, ARGV[10] body fingerprint, ARGV[11] idempotency TTL in ms
-- Returns {'ok', epoch, id} | {'dup', '<fingerprint> <epoch> <id>'} | {'late'}
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
-- the node gave up on this append (timeout) and answered 503: it must not be stored afterwards
local deadline = tonumber(ARGV[4])
if deadline > 0 and now > deadline then
  return {'late'}
end
if #KEYS == 3 then
  local seen = redis.call('GET', KEYS[3])
  if seen then
    return {'dup', seen}
  end
end
-- a stream that is (re)created gets a new epoch, even if an old meta hash survived: ids of the old stream
-- must not look like positions of the new one
local epoch = redis.call('HGET', KEYS[2], 'epoch')
if (not epoch) or redis.call('EXISTS', KEYS[1]) == 0 then
  epoch = ARGV[1]
  redis.call('HSET', KEYS[2], 'epoch', epoch, 'format', ARGV[5])
end
local entry = {'XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'v', ARGV[5], 'e', epoch, 't', ARGV[6], 'd', ARGV[7]}
if ARGV[8] ~= '' then
  table.insert(entry, 'c')
  table.insert(entry, ARGV[8])
end
if ARGV[9] ~= '' then
  table.insert(entry, 'tp')
  table.insert(entry, ARGV[9])
end
local id = redis.call(unpack(entry))
redis.call('XTRIM', KEYS[1], 'MINID', '~', tostring(now - tonumber(ARGV[3])))
if #KEYS == 3 then
  redis.call('SET', KEYS[3], ARGV[10] .. ' ' .. epoch .. ' ' .. id, 'PX', ARGV[11])
end
return {'ok', epoch, id}
