// Static files of the dashboard, served from one root directory and never from outside it.
//
// A request path is percent-decoded once, must not contain a ".." or "." segment,
// a backslash or NUL, and its real path (symlinks resolved) must lie under the real
// root; anything else is "not found", so probing reveals nothing. Thread-safe
// (no mutable state); files are read on each request (they are small, and editing
// the dashboard then needs no restart).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sensorpipe::web {

struct StaticFile {
  std::string body;
  std::string content_type;
  std::string etag;           // "\"size-mtime\""
  std::string cache_control;  // "no-cache" for HTML (the page must pick up new assets), a day for assets
};

class StaticFiles {
 public:
  // Throws RuntimeError when `root` is not a readable directory.
  explicit StaticFiles(const std::string& root);
  const std::string& root() const { return root_; }

  // `url_path` as sent (still percent-encoded, without the query). "/" and
  // directories mean their index.html. nullopt: not found (or not allowed).
  std::optional<StaticFile> get(std::string_view url_path) const;

 private:
  std::string root_;  // real path, no trailing slash
};

// Content type by file extension ("text/html; charset=utf-8", ...).
const char* content_type_for(std::string_view path);

// Finds the dashboard: <dir of the running binary>/../share/sensorpipe/www (installed),
// or <dir>/../www (the build tree). Empty when neither holds an index.html.
std::string default_www_root();

}  // namespace sensorpipe::web
