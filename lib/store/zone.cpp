// Time zones for day buckets (see zone.h).
//
// For now the C library computes local time, which keeps the zone in process state: each
// call switches TZ under a mutex and switches it back. (To be replaced by reading the
// tz database's files directly, so no global state is touched.)
#include "store/zone.h"

#include <sys/stat.h>

#include <cstdlib>
#include <ctime>
#include <mutex>

#include "core/errors.h"
#include "store/rollup.h"

namespace sensorpipe::store {

namespace {

std::mutex& tz_mutex() {
  static std::mutex m;
  return m;
}

class ScopedTz {
 public:
  explicit ScopedTz(const std::string& tz) : lock_(tz_mutex()) {
    const char* old = std::getenv("TZ");
    had_old_ = old != nullptr;
    if (old) old_ = old;
    ::setenv("TZ", tz.c_str(), 1);
    ::tzset();
  }
  ~ScopedTz() {
    if (had_old_) ::setenv("TZ", old_.c_str(), 1);
    else ::unsetenv("TZ");
    ::tzset();
  }

 private:
  std::lock_guard<std::mutex> lock_;
  std::string old_;
  bool had_old_ = false;
};

class LibcZone final : public TimeZone {
 public:
  explicit LibcZone(std::string name) : name_(std::move(name)) {}
  std::int64_t local_day(TimeMs ts) const override {
    ScopedTz scope(name_);
    const std::time_t t = static_cast<std::time_t>(floor_to(ts, 1000) / 1000);
    std::tm tm{};
    ::localtime_r(&t, &tm);
    return days_from_civil(tm.tm_year + 1900, static_cast<unsigned>(tm.tm_mon + 1),
                           static_cast<unsigned>(tm.tm_mday));
  }
  TimeMs day_start(std::int64_t day) const override {
    ScopedTz scope(name_);
    std::int64_t y;
    unsigned m, dd;
    civil_from_days(day, y, m, dd);
    std::tm tm{};
    tm.tm_year = static_cast<int>(y - 1900);
    tm.tm_mon = static_cast<int>(m) - 1;
    tm.tm_mday = static_cast<int>(dd);
    tm.tm_isdst = -1;
    return static_cast<TimeMs>(std::mktime(&tm)) * 1000;
  }

 private:
  std::string name_;
};

}  // namespace

std::shared_ptr<const TimeZone> TimeZone::load(const std::string& name) {
  struct stat st {};
  const std::string file = "/usr/share/zoneinfo/" + name;
  if (name.empty() || name.find("..") != std::string::npos || ::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    throw UsageError("unknown time zone '" + name + "' (expected an IANA name such as Europe/Berlin)");
  return std::make_shared<LibcZone>(name);
}

}  // namespace sensorpipe::store
