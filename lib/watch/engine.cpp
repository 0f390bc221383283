// The alert engine: rule evaluation, the per-alert state machine, flapping, repeats, state save/load.
#include "watch/engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/json.h"
#include "core/pattern.h"

namespace sensorpipe::watch {

std::string alert_id(const std::string& rule, const std::string& subject, TimeMs since) {
  // FNV-1a 64 over rule, sensor and the episode's start: the same id for an alert's firing,
  // its repeats and its resolution, a new one for the next episode, equal across restarts.
  std::uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ULL;
    }
    h ^= 0xff;
    h *= 1099511628211ULL;
  };
  mix(rule);
  mix(subject);
  mix(std::to_string(since));
  return fmt::format("{:016x}", h);
}

namespace {

bool numeric(const Value& v, double& out) {
  if (const auto* d = std::get_if<double>(&v)) {
    out = *d;
    return true;
  }
  if (const auto* b = std::get_if<bool>(&v)) {
    out = *b ? 1 : 0;
    return true;
  }
  return false;
}

std::string num(double v) {
  std::string s;
  json::append_number(s, v);
  return s;
}

nlohmann::json value_json(const Value& v) {
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* b = std::get_if<bool>(&v)) return *b;
  return std::get<std::string>(v);
}

Value value_from_json(const nlohmann::json& j) {
  if (j.is_boolean()) return j.get<bool>();
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) return j.get<std::string>();
  return 0.0;
}

const char* state_name(State s) {
  switch (s) {
    case State::Ok: return "ok";
    case State::Pending: return "pending";
    case State::Firing: return "firing";
  }
  return "ok";
}

}  // namespace

Engine::Engine(std::vector<Rule> rules, EngineOptions opt, TimeMs wall)
    : rules_(std::move(rules)), opt_(opt), started_(wall), entries_(rules_.size()) {
  // A stale rule that names a sensor exactly expects it: it goes stale even if it never reports.
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    if (rules_[i].kind != Kind::Stale || !pattern_is_literal(rules_[i].pattern)) continue;
    entries_[i][rules_[i].pattern].reading = std::string();  // never reported: "reading":null in its events
    auto& s = subjects_[rules_[i].pattern];
    if (!s.seen) s.arrival = wall;
  }
}

bool Engine::is_stale(const std::string& subject) const {
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    if (rules_[i].kind != Kind::Stale) continue;
    const auto it = entries_[i].find(subject);
    if (it != entries_[i].end() && it->second.state == State::Firing) return true;
  }
  return false;
}

TimeMs Engine::sensor_now(const Subject& s, TimeMs wall) const { return s.last_ts + std::max<TimeMs>(0, wall - s.arrival); }

std::size_t Engine::firing_count() const {
  std::size_t n = 0;
  for (const auto& m : entries_)
    for (const auto& [_, e] : m) n += e.state == State::Firing;
  return n;
}

Engine::Cond Engine::evaluate_consumption(const Rule& rule, Entry& e, const Reading& r) {
  if (e.series < 0) {
    const auto cls = rule.as ? (*rule.as == "counter" ? store::SeriesClass::Counter : store::SeriesClass::Rate)
                             : store::classify(r.kind, r.unit);
    if (cls == store::SeriesClass::Level) return Cond::Skip;  // neither a counter nor a rate (yet: no kind/unit)
    e.series = static_cast<int>(cls);
    if (cls == store::SeriesClass::Rate) {
      try {
        const auto u = store::integral_unit(r.unit, rule.unit);
        e.factor = u.per_value_ms;
        e.unit = u.unit;
      } catch (const std::exception& ex) {
        throw UsageError(fmt::format("rule {}: {}: {}", rule.name, r.sensor, ex.what()));
      }
    } else {
      e.unit = r.unit ? *r.unit : rule.unit.value_or("");
    }
    e.acc_pos = r.ts;
  }
  if (!e.acc) {
    e.acc.emplace();
    if (e.has_value) e.acc->carry_in(e.last_ts, e.last_value);  // after a restart: the last reading is the baseline
  }
  if (r.ts < e.acc_pos) return Cond::Skip;  // out of order: the rules take readings in time order
  e.acc->begin(e.acc_pos, r.ts + 1);
  e.acc->add(r.ts, r.value);
  const auto f = e.acc->end();
  e.acc_pos = r.ts + 1;
  const double delta = e.series == static_cast<int>(store::SeriesClass::Counter) ? f.increase : f.weighted * e.factor;
  if (delta > 0) {
    e.window.emplace_back(r.ts, delta);
    e.window_sum += delta;
  }
  while (!e.window.empty() && e.window.front().first <= r.ts - rule.period_ms) {
    e.window_sum -= e.window.front().second;
    e.window.pop_front();
  }
  if (e.window.empty()) e.window_sum = 0;  // no rounding drift left behind
  double v = 0;
  if (numeric(r.value, v)) {
    e.last_value = v;
    e.has_value = true;
  }
  e.last_ts = r.ts;
  e.reading = e.window_sum;
  if (e.window_sum > rule.limit) return Cond::Set;
  return e.window_sum <= rule.clear_at() ? Cond::Clear : Cond::Hold;
}

Engine::Cond Engine::evaluate(const Rule& rule, Entry& e, const Reading& r) {
  if (rule.kind == Kind::Consumption) return evaluate_consumption(rule, e, r);
  e.reading = r.value;
  double v = 0;
  if (!numeric(r.value, v)) return Cond::Skip;  // a state string: only staleness applies
  const double prev = e.last_value;
  const bool had = e.has_value;
  const TimeMs prev_ts = e.last_ts;
  e.last_value = v;
  e.has_value = true;
  e.last_ts = r.ts;
  switch (rule.kind) {
    case Kind::Above:
    case Kind::Leak:
      if (v > rule.limit) return Cond::Set;
      return v <= rule.clear_at() ? Cond::Clear : Cond::Hold;
    case Kind::Below:
      if (v < rule.limit) return Cond::Set;
      return v >= rule.clear_at() ? Cond::Clear : Cond::Hold;
    case Kind::Rate: {
      if (!had || r.ts <= prev_ts) return Cond::Skip;  // nothing to compare with, or out of order
      const double change = std::abs(v - prev) / static_cast<double>(r.ts - prev_ts) * static_cast<double>(rule.per_ms);
      return change > rule.limit ? Cond::Set : Cond::Clear;
    }
    case Kind::Counter:
      if (!had) {
        e.last_change = r.ts;
        return Cond::Skip;
      }
      if (v < prev) {
        e.last_change = r.ts;
        e.reason = "decreased";
        return Cond::Set;
      }
      if (v > prev) {
        e.last_change = r.ts;
        return Cond::Clear;
      }
      if (rule.stop_ms > 0 && r.ts - e.last_change >= rule.stop_ms) {
        e.reason = "stopped";
        return Cond::Set;
      }
      return Cond::Hold;
    case Kind::Stale:
    case Kind::Consumption: return Cond::Skip;
  }
  return Cond::Skip;
}

void Engine::step(std::size_t ri, const std::string& subject, Entry& e, Cond c, TimeMs ts, std::vector<Reading>& events) {
  const Rule& rule = rules_[ri];
  switch (c) {
    case Cond::Skip: return;
    case Cond::Set:
      e.condition = true;
      if (e.state == State::Ok) {
        e.since = ts;
        e.state = State::Pending;
        dirty_ = true;
      }
      if (e.state == State::Pending && ts - e.since >= rule.for_ms) {
        e.state = State::Firing;
        transition(ri, subject, e, "firing", ts, events);
      } else if (e.state == State::Firing && rule.repeat_ms > 0 && !e.flapping && ts - e.notified >= rule.repeat_ms) {
        announce(ri, subject, e, "firing", ts, events, true);
      }
      return;
    case Cond::Clear:
    case Cond::Hold:
      e.condition = false;
      if (e.state == State::Pending) {
        e.state = State::Ok;  // the condition broke before `for` ran out: nothing to announce
        dirty_ = true;
      } else if (e.state == State::Firing && c == Cond::Clear) {
        e.state = State::Ok;
        transition(ri, subject, e, "resolved", ts, events);
      } else if (e.state == State::Firing && rule.repeat_ms > 0 && !e.flapping && ts - e.notified >= rule.repeat_ms) {
        announce(ri, subject, e, "firing", ts, events, true);
      }
      return;
  }
}

void Engine::transition(std::size_t ri, const std::string& subject, Entry& e, const std::string& state, TimeMs ts,
                        std::vector<Reading>& events) {
  dirty_ = true;
  e.notified = ts;
  if (opt_.flap_limit > 0) {
    e.announcements.push_back(ts);
    while (!e.announcements.empty() && e.announcements.front() <= ts - opt_.flap_window) e.announcements.pop_front();
    if (e.flapping) return;  // silent until it settles (tick)
    if (e.announcements.size() > static_cast<std::size_t>(opt_.flap_limit)) {
      e.flapping = true;
      announce(ri, subject, e, "flapping", ts, events);
      return;
    }
  }
  announce(ri, subject, e, state, ts, events);
}

void Engine::announce(std::size_t ri, const std::string& subject, Entry& e, const std::string& state, TimeMs ts,
                      std::vector<Reading>& events, bool repeat) {
  const Rule& rule = rules_[ri];
  e.notified = ts;
  dirty_ = true;
  ++emitted_;
  double v = 0;
  const bool has_num = numeric(e.reading, v);
  const std::string reading_text = value_text(e.reading);
  std::string detail;
  if (state == "flapping") {
    detail = fmt::format("{} changed state more than {} times within {}; silent until it settles", subject, opt_.flap_limit,
                         format_duration(opt_.flap_window));
  } else if (state == "resolved") {
    detail = rule.kind == Kind::Stale ? fmt::format("{} reports again: {}", subject, reading_text)
                                      : fmt::format("{} is back to normal: {}", subject, reading_text);
  } else {
    const std::string held = rule.for_ms > 0 ? " for " + format_duration(rule.for_ms) : std::string();
    switch (rule.kind) {
      case Kind::Above: detail = fmt::format("{} is above {}{}: {}", subject, num(rule.limit), held, reading_text); break;
      case Kind::Below: detail = fmt::format("{} is below {}{}: {}", subject, num(rule.limit), held, reading_text); break;
      case Kind::Rate:
        detail = fmt::format("{} changes by more than {} per {}{}: {}", subject, num(rule.limit), format_duration(rule.per_ms),
                             held, reading_text);
        break;
      case Kind::Counter:
        detail = e.reason == "stopped"
                     ? fmt::format("{} has not increased for {}: {}", subject, format_duration(rule.stop_ms), reading_text)
                     : fmt::format("{} went back: {}", subject, reading_text);
        break;
      case Kind::Leak:
        detail = fmt::format("{} has been above {} for {}: {}", subject, num(rule.limit), format_duration(rule.for_ms),
                             reading_text);
        break;
      case Kind::Stale: detail = fmt::format("{} has sent nothing since {}", subject, format_rfc3339(e.since)); break;
      case Kind::Consumption:
        detail = fmt::format("{} used {:.6g}{} within {}, more than {}{}", subject, e.window_sum,
                             e.unit.empty() ? "" : " " + e.unit, format_duration(rule.period_ms), num(rule.limit), held);
        break;
    }
  }
  Reading ev;
  ev.sensor = "alerts/" + rule.name + "/" + subject;
  ev.ts = ts;
  ev.value = state;
  ev.kind = "alert";
  auto add = [&ev](std::string_view key, const std::string& raw) { append_extra_member(ev.extra, key, raw); };
  auto str = [](std::string_view s) {
    std::string o;
    json::append_string(o, s);
    return o;
  };
  add("rule", str(rule.name));
  add("subject", str(subject));
  add("state", str(state));
  add("check", str(kind_name(rule.kind)));
  {
    std::string raw;
    append_value(raw, e.reading);
    if (rule.kind == Kind::Stale && state != "resolved" && !has_num && reading_text.empty()) raw = "null";
    add("reading", raw);
  }
  if (rule.kind != Kind::Counter && rule.kind != Kind::Stale) add("limit", num(rule.limit));
  if (rule.kind == Kind::Consumption) {
    if (!e.unit.empty()) add("unit", str(e.unit));
    add("period", str(format_duration(rule.period_ms)));
  }
  if (rule.kind == Kind::Counter && !e.reason.empty()) add("reason", str(e.reason));
  add("since", str(format_rfc3339(e.since)));
  add("id", str(alert_id(rule.name, subject, e.since)));
  if (repeat) add("repeat", "true");
  add("message", str(rule.message ? *rule.message + ": " + detail : rule.name + " " + state + ": " + detail));
  events.push_back(std::move(ev));
}

bool Engine::settle_if_due(std::size_t ri, const std::string& subject, Entry& e, TimeMs now,
                           std::vector<Reading>& events) {
  // Flapping settles when the alert has not changed for a whole window: say where it stands.
  if (!e.flapping || e.announcements.empty() || now - e.announcements.back() < opt_.flap_window) return false;
  e.flapping = false;
  e.announcements.clear();
  const bool active = e.state == State::Firing;
  announce(ri, subject, e, active ? (rules_[ri].kind == Kind::Stale ? "stale" : "firing") : "resolved", now, events);
  return true;
}

void Engine::observe(const Reading& r, TimeMs wall, std::vector<Reading>& events) {
  if (r.kind && *r.kind == "alert") return;  // our own events passing by again
  Subject& s = subjects_[r.sensor];
  s.last_ts = r.ts;
  s.arrival = wall;
  s.seen = true;
  if (!s.matched) {
    s.matched = true;
    for (std::size_t i = 0; i < rules_.size(); ++i)
      if (pattern_matches(rules_[i].pattern, r.sensor)) s.rules.push_back(i);
  }
  if (s.rules.empty()) return;  // watched by no rule: nothing to keep
  dirty_ = true;  // last values, windows, arrival: all kept by save()
  // Staleness first: the sensor speaks again, so its stale alert resolves before its values count.
  for (std::size_t i : s.rules) {
    if (rules_[i].kind != Kind::Stale) continue;
    Entry& e = entries_[i][r.sensor];
    e.reading = r.value;
    e.last_ts = r.ts;
    if (e.state == State::Firing) {
      e.state = State::Ok;
      transition(i, r.sensor, e, "resolved", r.ts, events);
    }
  }
  for (std::size_t i : s.rules) {
    if (rules_[i].kind == Kind::Stale) continue;
    Entry& e = entries_[i][r.sensor];
    settle_if_due(i, r.sensor, e, r.ts, events);  // announces where it stands; this reading goes on from there
    const Cond c = evaluate(rules_[i], e, r);
    step(i, r.sensor, e, c, r.ts, events);
  }
}

void Engine::tick(TimeMs wall, std::vector<Reading>& events) {
  const bool grace_over = wall - started_ >= opt_.startup_grace;
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const Rule& rule = rules_[i];
    for (auto& [subject, e] : entries_[i]) {
      const auto sit = subjects_.find(subject);
      if (sit == subjects_.end()) continue;
      const Subject& s = sit->second;
      const TimeMs now = rule.kind == Kind::Stale ? wall : sensor_now(s, wall);
      if (settle_if_due(i, subject, e, now, events)) continue;
      if (rule.kind == Kind::Stale) {
        if (e.state == State::Ok && grace_over && wall - s.arrival >= rule.after_ms) {
          e.state = State::Firing;
          e.since = s.seen ? s.last_ts : started_;
          transition(i, subject, e, "stale", wall, events);
        } else if (e.state == State::Firing && rule.repeat_ms > 0 && !e.flapping && wall - e.notified >= rule.repeat_ms) {
          announce(i, subject, e, "stale", wall, events, true);
        }
        continue;
      }
      if (e.state == State::Pending && e.condition && now - e.since >= rule.for_ms && !is_stale(subject)) {
        e.state = State::Firing;
        transition(i, subject, e, "firing", now, events);
      } else if (e.state == State::Firing && rule.repeat_ms > 0 && !e.flapping && now - e.notified >= rule.repeat_ms) {
        announce(i, subject, e, "firing", now, events, true);
      }
    }
  }
}

std::string Engine::save() {
  nlohmann::json doc;
  doc["version"] = 1;
  auto& sensors = doc["sensors"] = nlohmann::json::array();
  for (const auto& [name, s] : subjects_)
    if (s.seen && (!s.matched || !s.rules.empty())) sensors.push_back({{"sensor", name}, {"last_ts", s.last_ts}});
  auto& alerts = doc["alerts"] = nlohmann::json::array();
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    for (const auto& [subject, e] : entries_[i]) {
      nlohmann::json a = {{"rule", rules_[i].name},
                          {"sensor", subject},
                          {"state", state_name(e.state)},
                          {"since", e.since},
                          {"last_ts", e.last_ts},
                          {"notified", e.notified},
                          {"reading", value_json(e.reading)},
                          {"condition", e.condition},
                          {"flapping", e.flapping},
                          {"announcements", e.announcements}};
      if (e.has_value) a["last_value"] = e.last_value;
      if (rules_[i].kind == Kind::Counter) {
        a["last_change"] = e.last_change;
        a["reason"] = e.reason;
      }
      if (rules_[i].kind == Kind::Consumption && e.series >= 0) {
        a["series"] = e.series;
        a["factor"] = e.factor;
        a["unit"] = e.unit;
        a["acc_pos"] = e.acc_pos;
        a["window"] = e.window;
      }
      alerts.push_back(std::move(a));
    }
  }
  dirty_ = false;
  return doc.dump();
}

void Engine::load(std::string_view text, TimeMs wall) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text.begin(), text.end());
    if (!doc.is_object() || doc.value("version", 0) != 1) throw RuntimeError("not a sensor-watch state (version 1)");
    for (const auto& s : doc.at("sensors")) {
      auto& sub = subjects_[s.at("sensor").get<std::string>()];
      sub.seen = true;
      sub.last_ts = s.at("last_ts").get<TimeMs>();
      sub.arrival = wall;  // a full `after` from now to report again
    }
    for (const auto& a : doc.at("alerts")) {
      const auto name = a.at("rule").get<std::string>();
      const auto rit = std::find_if(rules_.begin(), rules_.end(), [&](const Rule& r) { return r.name == name; });
      if (rit == rules_.end()) continue;  // a rule that was removed: forget its alerts
      const std::size_t i = static_cast<std::size_t>(rit - rules_.begin());
      const auto sensor = a.at("sensor").get<std::string>();
      if (!pattern_matches(rit->pattern, sensor)) continue;  // the rule now watches other sensors
      Entry& e = entries_[i][sensor];
      const auto st = a.at("state").get<std::string>();
      e.state = st == "firing" ? State::Firing : st == "pending" ? State::Pending : State::Ok;
      e.since = a.at("since").get<TimeMs>();
      e.last_ts = a.at("last_ts").get<TimeMs>();
      e.notified = a.at("notified").get<TimeMs>();
      e.reading = value_from_json(a.at("reading"));
      e.condition = a.at("condition").get<bool>();
      e.flapping = a.at("flapping").get<bool>();
      for (const auto& t : a.at("announcements")) e.announcements.push_back(t.get<TimeMs>());
      if (a.contains("last_value")) {
        e.has_value = true;
        e.last_value = a["last_value"].get<double>();
      }
      e.last_change = a.value("last_change", TimeMs{0});
      e.reason = a.value("reason", std::string());
      if (a.contains("series")) {
        e.series = a["series"].get<int>();
        e.factor = a["factor"].get<double>();
        e.unit = a["unit"].get<std::string>();
        e.acc_pos = a["acc_pos"].get<TimeMs>();
        for (const auto& w : a["window"]) {
          e.window.emplace_back(w.at(0).get<TimeMs>(), w.at(1).get<double>());
          e.window_sum += w.at(1).get<double>();
        }
      }
      auto& sub = subjects_[sensor];
      if (!sub.seen) sub.arrival = wall;
    }
  } catch (const nlohmann::json::exception& e) {
    throw RuntimeError(std::string("unreadable state: ") + e.what());
  }
  dirty_ = false;
}

}  // namespace sensorpipe::watch
