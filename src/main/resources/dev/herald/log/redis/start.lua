-- Gives a partition its stream and epoch before its first publish (StreamReader, on start): the ids a node
-- hands out carry every partition's epoch, and would all be reset when an unused partition got its first one.
-- KEYS[1] stream, KEYS[2] meta hash; ARGV[1] epoch to use if the stream is new, ARGV[2] entry format
-- Returns the partition's epoch.
local epoch = redis.call('HGET', KEYS[2], 'epoch')
if epoch and redis.call('EXISTS', KEYS[1]) == 1 then
  return epoch
end
-- as in append.lua: a stream that is (re)created gets a new epoch
epoch = ARGV[1]
redis.call('HSET', KEYS[2], 'epoch', epoch, 'format', ARGV[2])
redis.call('XADD', KEYS[1], '*', 'v', ARGV[2], 'e', epoch, 'k', 'start')
return epoch
