// Compact lists of ascending timestamps, as stored in the `changes` follow log: one row per
// sensor and commit instead of one per reading (a per-row log cost a third of ingest speed).
//
// Encoding: the first ts zigzag-encoded, then the positive gaps, all LEB128 varints. Pure
// functions; decode returns false on a malformed blob.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace sensorpipe::store {

class TsListWriter {
 public:
  void add(TimeMs ts);  // ts must be greater than the previous one
  bool empty() const { return bytes_.empty(); }
  const std::string& bytes() const { return bytes_; }
  void clear() {
    bytes_.clear();
    first_ = true;
  }

 private:
  void put(std::uint64_t v);
  std::string bytes_;
  TimeMs last_ = 0;
  bool first_ = true;
};

bool decode_ts_list(std::string_view bytes, std::vector<TimeMs>& out);

}  // namespace sensorpipe::store
