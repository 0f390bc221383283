// The HTTP API's JSON answers: GET /api/sensors and GET /api/history.
//
// Pure request -> reply functions over a HistorySource; called on ws-serve's API
// worker thread. Bad parameters give a 400 reply naming the parameter; source
// failures (RuntimeError) give a 500 reply with the message.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "web/history.h"
#include "web/memory_history.h"
#include "web/http.h"

namespace sensorpipe::web {

struct HttpReply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

HttpReply error_reply(int status, const std::string& message);

// {"sensors":[{"sensor","value","unit","kind","last_seen","count"}...]}; `live` (may be
// null) overrides the latest value when it saw a newer reading than the database.
HttpReply sensors_reply(HistorySource& source, MemoryHistory* live, const Target& target);

// Parameters: sensor (repeatable; patterns), from, to (time points: RFC 3339, epoch,
// "-1h", "now"; default the last hour), every (duration), agg (avg,min,...; default avg),
// limit, tz (an IANA zone: day buckets start at local midnight, as history-query --tz;
// an unknown zone is a 400). Without `every`, when a series would have more than
// `max_points` points, the server picks a round bucket and says so ("bucket":"server").
// At most `max_rows` points in all (the smaller of it and `limit`): the rest is cut and the
// answer says "truncated":true. `stop` (may be empty) is asked between rows: when it says
// true the query ends there and the reply is 503 "server shutting down" (ws-serve's stop
// must not wait for a long query).
HttpReply history_reply(HistorySource& source, const Target& target, TimeMs now, std::size_t max_points,
                        std::uint64_t max_rows, const std::function<bool()>& stop = {});

}  // namespace sensorpipe::web
