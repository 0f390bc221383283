// Bucket aggregation (see rollup.h).
#include "store/rollup.h"

#include <string>

namespace sensorpipe::store {

std::optional<double> numeric_value(const Value& v) {
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* b = std::get_if<bool>(&v)) return *b ? 1.0 : 0.0;
  return std::nullopt;
}

namespace {
// The ordered summary's step from the reading (lts, lv) to the next one (ts, v).
void ordered_step(Partial& p, TimeMs lts, const Value& lv, TimeMs ts, const Value& v) {
  const auto a = numeric_value(lv);
  if (!a) return;
  p.tw_sum += *a * static_cast<double>(ts - lts);
  p.tw_ms += ts - lts;
  const auto b = numeric_value(v);
  if (b && *b < *a) ++p.decreases;
}
}  // namespace

void Partial::add(TimeMs ts, const Value& v) {
  if (count > 0) {
    if (ts > last_ts) ordered_step(*this, last_ts, last, ts, v);
    else ordered = false;
  }
  if (count == 0 || ts < first_ts) {
    first_ts = ts;
    first = v;
  }
  if (count == 0 || ts > last_ts) {
    last_ts = ts;
    last = v;
  }
  ++count;
  if (const auto n = numeric_value(v)) {
    if (ncount == 0) {
      min = max = *n;
      sum = *n;
    } else {
      if (*n < min) min = *n;
      if (*n > max) max = *n;
      sum += *n;
    }
    ++ncount;
  }
}

void Partial::add_number(TimeMs ts, double v) {
  if (count > 0) {
    if (ts <= last_ts) {
      ordered = false;
    } else if (const auto a = numeric_value(last)) {
      tw_sum += *a * static_cast<double>(ts - last_ts);
      tw_ms += ts - last_ts;
      if (v < *a) ++decreases;
    }
  }
  if (count == 0 || ts < first_ts) {
    first_ts = ts;
    if (auto* d = std::get_if<double>(&first)) *d = v;
    else first = v;
  }
  if (count == 0 || ts > last_ts) {
    last_ts = ts;
    if (auto* d = std::get_if<double>(&last)) *d = v;
    else last = v;
  }
  ++count;
  if (ncount == 0) {
    min = max = sum = v;
  } else {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  ++ncount;
}

void Partial::merge(const Partial& o) {
  if (o.count == 0) return;
  if (count == 0) {
    decreases = o.decreases;
    tw_sum = o.tw_sum;
    tw_ms = o.tw_ms;
    ordered = o.ordered;
  } else {
    const bool after = o.first_ts > last_ts, before = o.last_ts < first_ts;
    ordered = ordered && o.ordered && (after || before);
    if (ordered) {
      decreases += o.decreases;
      tw_sum += o.tw_sum;
      tw_ms += o.tw_ms;
      if (after) ordered_step(*this, last_ts, last, o.first_ts, o.first);
      else ordered_step(*this, o.last_ts, o.last, first_ts, first);
    }
  }
  if (count == 0 || o.first_ts < first_ts) {
    first_ts = o.first_ts;
    first = o.first;
  }
  if (count == 0 || o.last_ts > last_ts) {
    last_ts = o.last_ts;
    last = o.last;
  }
  count += o.count;
  if (o.ncount > 0) {
    if (ncount == 0) {
      sum = o.sum;
      min = o.min;
      max = o.max;
    } else {
      sum += o.sum;
      if (o.min < min) min = o.min;
      if (o.max > max) max = o.max;
    }
    ncount += o.ncount;
  }
}

std::optional<Value> Partial::get(Agg a) const {
  std::optional<Value> out;
  // Values are built in place: GCC 12 under ASan warns (falsely) about moving a temporary variant.
  auto number = [&out](double d) { out.emplace(std::in_place_index<0>, d); };
  switch (a) {
    case Agg::Count: number(static_cast<double>(count)); break;
    case Agg::First: if (count) out = first; break;
    case Agg::Last: if (count) out = last; break;
    case Agg::Avg: if (ncount) number(sum / static_cast<double>(ncount)); break;
    case Agg::Min: if (ncount) number(min); break;
    case Agg::Max: if (ncount) number(max); break;
    case Agg::Sum: if (ncount) number(sum); break;
    // Order-dependent or needing every value: ConsumptionBuckets computes these.
    case Agg::Increase: case Agg::Integral: case Agg::Twa:
    case Agg::P50: case Agg::P90: case Agg::P95: case Agg::P99: case Agg::Median: break;
  }
  return out;
}

TimeMs floor_to(TimeMs ts, TimeMs width, TimeMs origin) {
  TimeMs d = ts - origin;
  TimeMs q = d / width;
  if (d % width != 0 && d < 0) --q;
  return origin + q * width;
}

TimeMs ceil_to(TimeMs ts, TimeMs width, TimeMs origin) {
  const TimeMs f = floor_to(ts, width, origin);
  return f == ts ? f : f + width;
}

}  // namespace sensorpipe::store
