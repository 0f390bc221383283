// Roll-up rows to and from Partial (see rollup_rows.h).
#include "store/sqlite/rollup_rows.h"

namespace sensorpipe::store {

void bind_partial(sql::Stmt& s, std::int64_t sensor_id, TimeMs bucket, const Partial& p) {
  s.bind(1, sensor_id).bind(2, bucket).bind(3, p.count).bind(4, p.ncount);
  if (p.ncount > 0) {
    s.bind(5, p.sum).bind(6, p.min).bind(7, p.max);
  } else {
    s.bind_null(5).bind_null(6).bind_null(7);
  }
  s.bind(8, p.first_ts);
  sql::bind_value(s, 9, p.first);
  s.bind(10, p.last_ts);
  sql::bind_value(s, 11, p.last);
}

Partial read_partial(const sql::Stmt& s, int c) {
  Partial p;
  p.count = s.column_int(c);
  p.ncount = s.column_int(c + 1);
  if (p.ncount > 0) {
    p.sum = s.column_double(c + 2);
    p.min = s.column_double(c + 3);
    p.max = s.column_double(c + 4);
  }
  p.first_ts = s.column_int(c + 5);
  p.first = sql::column_value(s, c + 6);
  p.last_ts = s.column_int(c + 7);
  p.last = sql::column_value(s, c + 8);
  return p;
}

}  // namespace sensorpipe::store
