// Deterministic random numbers for the simulator: one small, fast stream per model.
//
// Every model owns its own Rng seeded from (run seed, model name), so the values of
// one sensor do not change when another sensor is added or sampled more often.
// Plain value type; not thread-safe (each stream is used by one thread).
#pragma once
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sensorpipe::sim {

// FNV-1a: a stable 64-bit hash of a name (std::hash is not stable across builds).
inline std::uint64_t stable_hash(std::string_view s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

inline std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// xoshiro256** (Blackman & Vigna): small state, fast, good enough for signals.
class Rng {
 public:
  Rng() : Rng(0) {}
  explicit Rng(std::uint64_t seed) {
    for (auto& word : s_) word = splitmix64(seed);
  }
  Rng(std::uint64_t seed, std::string_view name) : Rng(seed ^ stable_hash(name)) {}

  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  bool chance(double p) { return p > 0 && uniform() < p; }
  // Index in [0, n).
  std::uint64_t below(std::uint64_t n) { return n ? next() % n : 0; }
  // Standard normal, from a table of the inverse normal CDF with linear
  // interpolation: one draw, no log/sqrt/sin per call (back-fill draws millions).
  // Tails are cut at about +-4 sigma, which no sensor noise misses.
  double normal() {
    const std::uint64_t x = next();
    const auto& t = normal_table();
    const std::size_t i = static_cast<std::size_t>(x >> 54);          // top 10 bits: the cell
    const double f = static_cast<double>((x >> 11) & 0x7FFFFFFFFFFULL) * 0x1.0p-43;  // position in it
    return t[i] + (t[i + 1] - t[i]) * f;
  }
  // Exponentially distributed with the given mean.
  double exponential(double mean) { return -std::log1p(-uniform()) * mean; }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  // Knots of the inverse CDF at i / 1024, the two ends moved in to the 1/65536
  // quantiles; built once, read-only afterwards (thread-safe static init).
  static const std::array<double, 1025>& normal_table() {
    static const std::array<double, 1025> table = [] {
      std::array<double, 1025> t{};
      const auto inverse = [](double p) {  // bisection on the CDF: exact enough, runs once
        double lo = -9, hi = 9;
        for (int k = 0; k < 100; ++k) {
          const double mid = (lo + hi) / 2;
          (0.5 * std::erfc(-mid / 1.4142135623730951) < p ? lo : hi) = mid;
        }
        return (lo + hi) / 2;
      };
      for (std::size_t i = 0; i <= 1024; ++i) {
        const double p = i == 0 ? 1.0 / 65536 : i == 1024 ? 1 - 1.0 / 65536 : static_cast<double>(i) / 1024;
        t[i] = inverse(p);
      }
      return t;
    }();
    return table;
  }
  std::uint64_t s_[4];
};

}  // namespace sensorpipe::sim
