// Fault injection (see faults.h).
#include "sim/faults.h"

#include <cmath>

namespace sensorpipe::sim {

FaultInjector::FaultInjector(FaultRates rates, std::uint64_t seed, std::size_t sensors)
    : rates_(rates), rng_(seed, "\x01" "faults"), stuck_(sensors) {}

std::string FaultInjector::bad_line(const Reading& r, std::uint64_t kind, Rng& rng) {
  std::string good;
  append_reading(good, r);
  std::string ts = "\"" + format_rfc3339(r.ts) + "\"";
  std::string sensor;
  json::append_string(sensor, r.sensor);
  switch (kind % kBadKinds) {
    case 0:  // cut off mid-line, as by a crashed writer
      return good.substr(0, 1 + rng.below(good.size() - 1));
    case 1:
      return "not json at all";
    case 2:
      return "{\"ts\":" + ts + ",\"value\":1}";  // no sensor
    case 3:
      return "{\"sensor\":" + sensor + ",\"ts\":" + ts + ",\"value\":null}";
    case 4:
      return "{\"sensor\":" + sensor + ",\"ts\":" + ts + ",\"value\":NaN}";
    case 5:
      return "{\"sensor\":\"bad\xff\xfe utf8\",\"ts\":" + ts + ",\"value\":1}";
    case 6:
      return "";  // an empty line
    case 7:
      return "[" + good + "]";
    case 8:
      return "{\"sensor\":" + sensor + ",\"ts\":\"2026-13-45T99:00:00Z\",\"value\":1}";
    case 9:
      return "{\"sensor\":" + sensor + ",\"ts\":" + ts + ",\"value\":{\"nested\":1}}";
    case 10:
      return good + "}}";
    case 11: {
      std::string s = good;
      s.insert(s.size() / 2, 1, '\0');
      return s;
    }
    case 12:
      return "{\"sensor\":" + sensor + ",\"ts\":" + ts + ",\"value\":1e999}";
    default:
      return "{\"sensor\":42,\"ts\":" + ts + ",\"value\":1}";
  }
}

std::size_t FaultInjector::put(std::string_view line, std::string& out) {
  out += line;
  out += '\n';
  std::size_t n = 1;
  // Lines held back are released once enough later lines have gone out.
  for (auto it = held_.begin(); it != held_.end();) {
    if (--it->release_after == 0) {
      out += it->line;
      out += '\n';
      ++n;
      it = held_.erase(it);
    } else {
      ++it;
    }
  }
  return n;
}

void FaultInjector::alter(std::size_t sensor, Reading& reading) {
  Stuck& stuck = stuck_[sensor];
  if (stuck.remaining > 0) {
    --stuck.remaining;
    reading.value = stuck.value;
  } else if (rng_.chance(rates_.stuck)) {
    stuck.remaining = 5 + rng_.below(46);  // stuck for 5..50 further readings
    stuck.value = reading.value;
  }
  if (rng_.chance(rates_.spike)) {
    if (double* d = std::get_if<double>(&reading.value)) {
      const double jump = 10 * std::fabs(*d) + 100;
      *d += rng_.chance(0.5) ? jump : -jump;
    }
  }
}

std::size_t FaultInjector::emit(const Reading& reading, std::string_view line, std::string& out) {
  if (rng_.chance(rates_.drop)) return 0;
  if (rng_.chance(rates_.bad_lines)) return put(bad_line(reading, rng_.next(), rng_), out);
  if (rng_.chance(rates_.out_of_order)) {
    // Up to two rounds of every sensor, so the reading often lands behind its own successor.
    held_.push_back(Held{std::string(line), 1 + rng_.below(2 * stuck_.size() + 1)});
    return 0;
  }
  std::size_t n = put(line, out);
  if (rng_.chance(rates_.duplicates)) n += put(line, out);
  return n;
}

std::size_t FaultInjector::drain(std::string& out) {
  const std::size_t n = held_.size();
  for (auto& h : held_) {
    out += h.line;
    out += '\n';
  }
  held_.clear();
  return n;
}

void FaultInjector::process(std::size_t sensor, Reading& reading, std::vector<std::string>& out) {
  alter(sensor, reading);
  scratch_.clear();
  append_reading(scratch_, reading);
  std::string text;
  emit(reading, scratch_, text);
  split_lines(text, out);
}

void FaultInjector::drain(std::vector<std::string>& out) {
  std::string text;
  drain(text);
  split_lines(text, out);
}

void FaultInjector::split_lines(const std::string& text, std::vector<std::string>& out) {
  std::size_t start = 0;
  for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
    out.emplace_back(text, start, nl - start);
}

}  // namespace sensorpipe::sim
