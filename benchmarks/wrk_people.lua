-- wrk: each request is one of many people reloading their own page, in turn.
-- Usage: wrk ... -s benchmarks/wrk_people.lua URL -- requests.tsv
-- requests.tsv has one "path<TAB>session cookie" line per person.
local requests = {}
local next_one = 1

function init(args)
  for line in io.lines(args[1]) do
    local path, cookie = line:match("^([^\t]+)\t(.*)$")
    if path then
      requests[#requests + 1] = wrk.format("GET", path, { Cookie = "session=" .. cookie })
    end
  end
  -- Each wrk thread starts elsewhere in the list.
  next_one = math.random(#requests)
end

function request()
  next_one = next_one % #requests + 1
  return requests[next_one]
end
