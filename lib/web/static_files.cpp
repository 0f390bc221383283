// Static files confined to a root (see static_files.h).
#include "web/static_files.h"

#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/errors.h"
#include "web/http.h"

namespace sensorpipe::web {

namespace {
std::optional<std::string> real_path(const std::string& path) {
  char buf[PATH_MAX];
  if (!::realpath(path.c_str(), buf)) return std::nullopt;
  return std::string(buf);
}
bool is_dir(const std::string& path) {
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}
bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
}  // namespace

const char* content_type_for(std::string_view path) {
  struct Entry { const char* ext; const char* type; };
  static constexpr Entry kTypes[] = {
      {".html", "text/html; charset=utf-8"},       {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},  {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},               {".svg", "image/svg+xml"},
      {".png", "image/png"},                       {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"},       {".webmanifest", "application/manifest+json"},
      {".map", "application/json"},                {".woff2", "font/woff2"},
  };
  for (const auto& e : kTypes) {
    if (ends_with(path, e.ext)) return e.type;
  }
  return "application/octet-stream";
}

StaticFiles::StaticFiles(const std::string& root) {
  auto real = real_path(root);
  if (!real || !is_dir(*real)) throw RuntimeError("web root " + root + " is not a directory");
  root_ = *real;
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

std::optional<StaticFile> StaticFiles::get(std::string_view url_path) const {
  auto decoded = percent_decode(url_path);
  if (!decoded || decoded->empty() || decoded->front() != '/') return std::nullopt;
  if (decoded->find('\\') != std::string::npos) return std::nullopt;
  // Reject dot segments outright instead of normalising them: no legitimate asset uses them.
  std::string_view rest = *decoded;
  while (!rest.empty()) {
    rest.remove_prefix(1);  // the '/'
    auto slash = rest.find('/');
    auto segment = rest.substr(0, slash);
    if (segment == ".." || segment == ".") return std::nullopt;
    if (!segment.empty() && segment.front() == '.') return std::nullopt;  // hidden files are not assets
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash);
  }
  std::string path = root_ + *decoded;
  if (is_dir(path)) path += (path.back() == '/' ? "" : "/") + std::string("index.html");
  auto real = real_path(path);
  if (!real) return std::nullopt;
  if (real->compare(0, root_.size() + 1, root_ + "/") != 0) return std::nullopt;  // a symlink out of the root
  struct stat st{};
  if (::stat(real->c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  std::ifstream in(*real, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream body;
  body << in.rdbuf();
  StaticFile f;
  f.body = body.str();
  f.content_type = content_type_for(*real);
  f.etag = "\"" + std::to_string(st.st_size) + "-" + std::to_string(st.st_mtime) + "\"";
  f.cache_control = ends_with(*real, ".html") ? "no-cache" : "public, max-age=86400, must-revalidate";
  return f;
}

std::string default_www_root() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return {};
  std::string exe(buf, static_cast<std::size_t>(n));
  std::string bindir = exe.substr(0, exe.rfind('/'));
  // Installed: <prefix>/bin/ws-serve and <prefix>/share/sensorpipe/www; build tree: bin/ and www/.
  for (const char* rel : {"/../share/sensorpipe/www", "/../www"}) {
    std::string candidate = bindir + rel;
    struct stat st{};
    if (::stat((candidate + "/index.html").c_str(), &st) == 0) return real_path(candidate).value_or(candidate);
  }
  return {};
}

}  // namespace sensorpipe::web
