// Option values several tools share: byte sizes and secrets read from files.
//
// One parser and one reader, so --max-line-bytes, --max-payload, --max-message-size and
// --cache-size take the same forms, and --token-file and --password-file trim alike.
// Plain functions, safe from any thread.
#pragma once
#include <CLI/CLI.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sensorpipe::cli {

// A byte size: digits, then optionally k, M or G (binary: 1024, 1024^2, 1024^3; any case,
// with or without a following "i" and "B": 64k, 64K, 64KiB, 1M, 1mb). std::nullopt for
// anything else (signs, spaces, fractions, an unknown unit, a value above SIZE_MAX).
std::optional<std::size_t> parse_size(std::string_view text);

// An option whose value is a size of at least `minimum` bytes; bad text is a usage
// error (exit 2) naming the flag. The default shown in --help is the caller's to write.
CLI::Option* add_size_option(CLI::App& app, const std::string& flags, std::size_t& target, const std::string& help,
                             std::size_t minimum = 1);

// A secret (access token, password) from a file: its first line without the line ending
// ("\n" or "\r\n"); every other byte, spaces included, is part of the secret, because a
// trimmed secret that silently differs from the real one is worse than a clear error.
// Throws RuntimeError naming `flag` and the path when the file cannot be read or the
// secret is empty (an empty file is a mistake, never meant as "no password").
std::string read_secret_file(const std::string& path, const std::string& flag);

}  // namespace sensorpipe::cli
