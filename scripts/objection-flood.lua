-- wrk script: files objections as fast as the server acknowledges them. Each request comes
-- from its own client address (the server believes X-Forwarded-For from loopback), so the
-- per-client rate limit does not throttle the flood. Acknowledged receipt codes (201) are
-- counted and, when CODES_DIR is set, written to CODES_DIR/codes-<thread>.txt.
-- With FLOOD_DELAY_MS each connection pauses that long between submissions: a flood at a set
-- rate (64 connections × 60 ms ≈ 1,000/s) rather than as fast as the server answers.
local threads = {}
local pause = tonumber(os.getenv("FLOOD_DELAY_MS") or "0")

function delay()
  return pause
end
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  notice = os.getenv("NOTICE_ID")
  project = os.getenv("PROJECT_ID")
  acked = 0
  local dir = os.getenv("CODES_DIR")
  if dir and dir ~= "" then
    out = io.open(dir .. "/codes-" .. id .. ".txt", "a")
  end
  math.randomseed(os.time() * 100 + id)
  path = "/api/v1/notices/" .. notice .. "/objections"
  body = '{"objector_kind":"individual","name":"压力测试","phone":"13900000000","project_id":' .. project ..
    ',"category":"other","content":"压力测试：异议内容。","declaration":true}'
end

function request()
  local ip = "10." .. math.random(0, 255) .. "." .. math.random(0, 255) .. "." .. math.random(1, 254)
  return wrk.format("POST", path, { ["Content-Type"] = "application/json", ["X-Forwarded-For"] = ip }, body)
end

function response(status, headers, resp)
  if status == 201 then
    acked = acked + 1
    if out then
      local code = string.match(resp, '"receipt_code":"(%w+)"')
      if code then
        out:write(code, "\n")
        out:flush()
      end
    end
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do
    total = total + (t:get("acked") or 0)
  end
  io.write(string.format("acknowledged: %d\n", total))
end
