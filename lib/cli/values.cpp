// Sizes and secret files for options (see values.h).
#include "cli/values.h"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <limits>

#include "core/errors.h"

namespace sensorpipe::cli {

std::optional<std::size_t> parse_size(std::string_view text) {
  std::size_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end == text.data()) return std::nullopt;
  std::string unit(end, text.data() + text.size());
  for (auto& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (unit.size() >= 2 && unit.back() == 'b') unit.pop_back();  // "kb", "kib"; a lone "b" is not a unit
  if (unit.size() >= 2 && unit.back() == 'i') unit.pop_back();
  std::size_t scale = 1;
  if (unit == "k") scale = std::size_t{1} << 10;
  else if (unit == "m") scale = std::size_t{1} << 20;
  else if (unit == "g") scale = std::size_t{1} << 30;
  else if (!unit.empty()) return std::nullopt;
  if (n > std::numeric_limits<std::size_t>::max() / scale) return std::nullopt;
  return n * scale;
}

CLI::Option* add_size_option(CLI::App& app, const std::string& flags, std::size_t& target, const std::string& help,
                             std::size_t minimum) {
  return app
      .add_option_function<std::string>(
          flags,
          [&target, flags, minimum](const std::string& s) {
            const auto n = parse_size(s);
            if (!n || *n < minimum || *n == 0) {
              std::string what = "expected a size such as 65536, 64k or 1M";
              if (minimum > 1) what += " (at least " + std::to_string(minimum) + " bytes)";
              throw CLI::ValidationError(flags, what + ", got '" + s + "'");
            }
            target = *n;
          },
          help)
      ->type_name("SIZE");
}

std::string read_secret_file(const std::string& path, const std::string& flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw RuntimeError("cannot read " + flag + " " + path + ": " + std::strerror(errno));
  std::string secret;
  std::getline(in, secret);
  if (in.bad()) throw RuntimeError("cannot read " + flag + " " + path + ": " + std::strerror(errno));
  if (!secret.empty() && secret.back() == '\r') secret.pop_back();
  if (secret.empty()) throw RuntimeError(flag + " " + path + ": the file is empty (its first line is the secret)");
  return secret;
}

}  // namespace sensorpipe::cli
