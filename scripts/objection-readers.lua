-- wrk script for the readers of objection-flood.sh: each connection waits READER_DELAY_MS
-- (default 10) between requests, so readers are people loading a page at a steady pace rather
-- than a second flood competing for the CPU.
local pause = tonumber(os.getenv("READER_DELAY_MS") or "10")

function delay()
  return pause
end
