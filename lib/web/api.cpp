// /api/sensors and /api/history (see api.h).
#include "web/api.h"

#include <algorithm>
#include <charconv>

#include "core/errors.h"
#include "core/interrupt.h"
#include "core/json.h"
#include "store/zone.h"
#include "web/bucket_width.h"

namespace sensorpipe::web {

namespace {
void append_opt_string(std::string& out, const char* key, const std::optional<std::string>& v) {
  out += ",\"";
  out += key;
  out += "\":";
  if (v) json::append_string(out, *v);
  else out += "null";
}
}  // namespace

HttpReply error_reply(int status, const std::string& message) {
  HttpReply r;
  r.status = status;
  r.body = "{\"error\":";
  json::append_string(r.body, message);
  r.body += "}";
  return r;
}

HttpReply sensors_reply(HistorySource& source, MemoryHistory* live, const Target& target) {
  std::vector<store::SensorInfo> infos;
  try {
    infos = source.list_sensors(target.params_of("sensor"));
  } catch (const Interrupted&) {
    return error_reply(503, "server shutting down");
  } catch (const RuntimeError& e) {
    return error_reply(500, e.what());
  }
  if (live && live != &source) {  // readings newer than the database's last commit
    auto fresh = live->list_sensors(target.params_of("sensor"));
    for (auto& f : fresh) {
      auto it = std::find_if(infos.begin(), infos.end(), [&](const store::SensorInfo& i) { return i.name == f.name; });
      if (it == infos.end()) {
        infos.push_back(f);
      } else if (f.last_value && f.last_ts >= it->last_ts) {
        it->last_ts = f.last_ts;
        it->last_value = f.last_value;
        if (f.unit) it->unit = f.unit;
        if (f.kind) it->kind = f.kind;
      }
    }
    std::sort(infos.begin(), infos.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  }
  HttpReply r;
  r.body = "{\"sensors\":[";
  bool first = true;
  for (const auto& i : infos) {
    if (!first) r.body += ',';
    first = false;
    r.body += "{\"sensor\":";
    json::append_string(r.body, i.name);
    r.body += ",\"value\":";
    if (i.last_value) append_value(r.body, *i.last_value);
    else r.body += "null";
    append_opt_string(r.body, "unit", i.unit);
    append_opt_string(r.body, "kind", i.kind);
    r.body += ",\"last_seen\":";
    if (i.last_value) {
      r.body += '"';
      append_rfc3339(r.body, i.last_ts);
      r.body += '"';
    } else {
      r.body += "null";
    }
    r.body += ",\"count\":" + std::to_string(i.count) + "}";
  }
  r.body += "]}";
  return r;
}

HttpReply history_reply(HistorySource& source, const Target& target, TimeMs now, std::size_t max_points,
                        std::uint64_t max_rows, const std::function<bool()>& stop) {
  store::Query q;
  q.sensors = target.params_of("sensor");
  q.from = now - 3600 * 1000;
  q.to = kMaxTimeMs;
  if (auto from = target.param("from")) {
    auto t = parse_time_point(*from, now);
    if (!t) return error_reply(400, "from: expected a time (RFC 3339, epoch, -1h, now), got \"" + *from + "\"");
    q.from = *t;
  }
  if (auto to = target.param("to")) {
    auto t = parse_time_point(*to, now);
    if (!t) return error_reply(400, "to: expected a time (RFC 3339, epoch, -1h, now), got \"" + *to + "\"");
    q.to = *t;
  }
  if (q.to < q.from) return error_reply(400, "to is before from");
  if (auto every = target.param("every")) {
    auto d = parse_duration(*every);
    if (!d || *d <= 0) return error_reply(400, "every: expected a duration such as 5m, got \"" + *every + "\"");
    q.every = *d;
  }
  for (const auto& name : target.params_of("agg")) {
    auto a = store::parse_agg(name);
    if (!a) return error_reply(400, std::string("agg: expected one of ") + store::agg_names() + ", got \"" + name + "\"");
    q.aggs.push_back(*a);
  }
  if (auto limit = target.param("limit")) {
    std::uint64_t n = 0;
    auto [p, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), n);
    if (ec != std::errc() || p != limit->data() + limit->size())
      return error_reply(400, "limit: expected a whole number, got \"" + *limit + "\"");
    q.limit = n;
  }
  // A held value gives a row to every bucket it reaches (every=1ms over a month is billions
  // of points): the answer is built in memory, so it has a ceiling whatever is asked.
  if (max_rows > 0) q.limit = std::min(q.limit.value_or(max_rows), max_rows);
  if (!q.aggs.empty() && !q.every) return error_reply(400, "agg needs every");
  if (auto unit = target.param("integral_unit")) q.integral_unit = *unit;
  if (auto tz = target.param("tz")) {
    // Checked here so that a browser's unknown zone is the client's mistake (400), not the
    // server's (500); the engine loads it again per query (the zone files are cached by the OS).
    try {
      store::TimeZone::load(*tz);
    } catch (const UsageError&) {
      return error_reply(400, "tz: expected a zone of the tz database such as Europe/Berlin, got \"" + *tz + "\"");
    }
    q.tz = *tz;
  }
  // fields=1: a raw point carries the reading's other members ([ms, value, {...}]), e.g. an
  // alert's message and since for the dashboard, which knows only the latest value otherwise.
  bool fields = false;
  if (auto f = target.param("fields")) {
    if (*f == "1") fields = true;
    else if (*f != "0") return error_reply(400, "fields: expected 0 or 1, got \"" + *f + "\"");
  }
  q.consumption.end_limit = now;  // nothing is carried into the future
  q.stop = stop;

  std::vector<store::SensorInfo> infos;
  try {
    infos = source.list_sensors(q.sensors);
  } catch (const Interrupted&) {
    return error_reply(503, "server shutting down");
  } catch (const RuntimeError& e) {
    return error_reply(500, e.what());
  }
  const char* bucket = q.every ? "client" : nullptr;
  if (!q.every && max_points > 0) {
    // Estimate each series' points in range from its density; bucket when any is too dense.
    double most = 0;
    TimeMs widest = 0;
    for (const auto& i : infos) {
      if (i.count == 0) continue;
      TimeMs lo = std::max(q.from, i.first_ts), hi = std::min(q.to, i.last_ts + 1);
      if (hi <= lo) continue;
      double span = static_cast<double>(std::max<TimeMs>(i.last_ts + 1 - i.first_ts, 1));
      most = std::max(most, static_cast<double>(i.count) * static_cast<double>(hi - lo) / span);
      widest = std::max(widest, hi - lo);
    }
    if (most > static_cast<double>(max_points)) {
      q.every = nice_bucket((widest + static_cast<TimeMs>(max_points) - 1) / static_cast<TimeMs>(max_points));
      bucket = "server";
    }
  }
  if (q.every && q.aggs.empty()) q.aggs.push_back(store::Agg::Avg);

  HttpReply r;
  std::string& b = r.body;
  b = "{\"from\":\"";
  append_rfc3339(b, std::max(q.from, kMinTimeMs));
  b += "\",\"to\":";
  if (q.to >= kMaxTimeMs) {
    b += "null";
  } else {
    b += '"';
    append_rfc3339(b, q.to);
    b += '"';
  }
  b += ",\"every\":";
  if (q.every) {
    json::append_string(b, duration_text(*q.every));
    b += ",\"every_ms\":" + std::to_string(*q.every);
    b += ",\"bucket\":\"";
    b += bucket;
    b += "\",\"aggs\":[";
    for (std::size_t i = 0; i < q.aggs.size(); ++i) {
      if (i) b += ',';
      b += '"';
      b += store::agg_name(q.aggs[i]);
      b += '"';
    }
    b += "]";
  } else {
    b += "null,\"every_ms\":null,\"bucket\":null,\"aggs\":[]";
  }
  b += ",\"series\":[";
  std::string current;
  bool any_series = false, first_point = true;
  // Consumption rows: the series' aggregate units and its partial buckets (increase without
  // a baseline) follow its points.
  std::vector<std::string> agg_units;
  std::vector<TimeMs> partial;
  auto close_series = [&] {
    b += "]";
    if (!agg_units.empty()) {
      b += ",\"agg_units\":[";
      for (std::size_t i = 0; i < agg_units.size(); ++i) {
        if (i) b += ',';
        if (agg_units[i].empty()) b += "null";
        else json::append_string(b, agg_units[i]);
      }
      b += "],\"partial\":[";
      for (std::size_t i = 0; i < partial.size(); ++i) {
        if (i) b += ',';
        b += std::to_string(partial[i]);
      }
      b += "]";
    }
    b += "}";
    agg_units.clear();
    partial.clear();
  };
  auto info_of = [&](const std::string& name) -> const store::SensorInfo* {
    for (const auto& i : infos) {
      if (i.name == name) return &i;
    }
    return nullptr;
  };
  store::QueryResult result;
  try {
    result = source.run(q, [&](const store::Row& row) {
      if (!any_series || row.sensor != current) {
        if (any_series) {
          close_series();
          b += ',';
        }
        any_series = true;
        current = row.sensor;
        b += "{\"sensor\":";
        json::append_string(b, row.sensor);
        const store::SensorInfo* info = info_of(row.sensor);
        std::optional<std::string> unit = info ? info->unit : std::nullopt;
        std::optional<std::string> kind = info ? info->kind : std::nullopt;
        if (row.reading && row.reading->unit) unit = row.reading->unit;
        if (row.reading && row.reading->kind) kind = row.reading->kind;
        append_opt_string(b, "unit", unit);
        append_opt_string(b, "kind", kind);
        b += ",\"points\":[";
        first_point = true;
      }
      if (!first_point) b += ',';
      first_point = false;
      if (!row.agg_units.empty()) agg_units = row.agg_units;
      if (row.partial) partial.push_back(row.ts);
      b += '[' + std::to_string(row.ts);
      if (row.reading) {
        b += ',';
        append_value(b, row.reading->value);
        if (fields) {
          b += ",{";
          b += row.reading->extra;  // members as received, already JSON
          b += '}';
        }
      } else {
        for (const auto& a : row.aggs) {
          b += ',';
          if (a) append_value(b, *a);
          else b += "null";
        }
      }
      b += ']';
    });
  } catch (const Interrupted&) {
    return error_reply(503, "server shutting down");
  } catch (const RuntimeError& e) {
    return error_reply(500, e.what());
  }
  if (result.stopped) return error_reply(503, "server shutting down");
  if (any_series) close_series();
  b += "],\"rows\":" + std::to_string(result.rows);
  b += ",\"truncated\":";
  b += result.truncated ? "true" : "false";
  b += '}';
  return r;
}

}  // namespace sensorpipe::web
