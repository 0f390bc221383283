// HTTP helpers (see http.h).
#include "web/http.h"

#include <cctype>

namespace sensorpipe::web {

namespace {
int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}
}  // namespace

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int hi = hex_digit(text[i + 1]), lo = hex_digit(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      char decoded = static_cast<char>(hi * 16 + lo);
      if (decoded == '\0') return std::nullopt;
      out += decoded;
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<std::string> Target::param(const std::string& key) const {
  auto it = params.find(key);
  if (it == params.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> Target::params_of(const std::string& key) const {
  std::vector<std::string> out;
  auto [b, e] = params.equal_range(key);
  for (auto it = b; it != e; ++it) {
    std::string_view v = it->second;
    while (!v.empty()) {
      auto comma = v.find(',');
      auto part = v.substr(0, comma);
      if (!part.empty()) out.emplace_back(part);
      if (comma == std::string_view::npos) break;
      v.remove_prefix(comma + 1);
    }
  }
  return out;
}

Target parse_target(std::string_view target) {
  Target t;
  auto q = target.find('?');
  t.path = std::string(target.substr(0, q));
  if (q == std::string_view::npos) return t;
  std::string_view query = target.substr(q + 1);
  if (auto hash = query.find('#'); hash != std::string_view::npos) query = query.substr(0, hash);
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    if (!pair.empty()) {
      auto eq = pair.find('=');
      auto key = percent_decode(pair.substr(0, eq), true);
      auto value = eq == std::string_view::npos ? std::optional<std::string>("") : percent_decode(pair.substr(eq + 1), true);
      if (key && value) t.params.emplace(*key, *value);
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return t;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;  // the length of the token is not the secret
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::string request_token(std::string_view authorization, const Target& target) {
  std::string_view auth = authorization;
  while (!auth.empty() && auth.front() == ' ') auth.remove_prefix(1);
  if (auth.size() > 7 && lower(auth.substr(0, 7)) == "bearer ") {
    auth.remove_prefix(7);
    while (!auth.empty() && auth.front() == ' ') auth.remove_prefix(1);
    while (!auth.empty() && auth.back() == ' ') auth.remove_suffix(1);
    return std::string(auth);
  }
  return target.param("token").value_or("");
}

bool origin_allowed(std::string_view origin, std::string_view host, const std::vector<std::string>& allowed) {
  if (origin.empty()) return true;  // not a browser, or a same-origin GET that omitted it
  std::string o = lower(origin);
  for (const auto& a : allowed) {
    if (a == "*" || lower(a) == o) return true;
  }
  // Same origin: "http://HOST" or "https://HOST" where HOST is the Host header.
  auto scheme_end = o.find("://");
  if (scheme_end == std::string::npos) return false;
  return o.substr(scheme_end + 3) == lower(host);
}

namespace {
bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}
// Whether the comma-separated list `value` holds `token` (case-insensitive).
bool list_has(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    const auto comma = value.find(',');
    std::string_view item = value.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (iequal(item, token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}
}  // namespace

std::string RequestHead::field(std::string_view name) const {
  for (const auto& [k, v] : fields)
    if (iequal(k, name)) return v;
  return std::string();
}

bool RequestHead::keep_alive() const {
  const std::string c = field("Connection");
  if (version == "HTTP/1.0") return list_has(c, "keep-alive");
  return !list_has(c, "close");
}

bool RequestHead::expects_continue() const { return iequal(field("Expect"), "100-continue"); }

bool RequestHead::websocket_upgrade() const { return list_has(field("Upgrade"), "websocket"); }

HeadStatus parse_request_head(std::string_view data, RequestHead& out) {
  const auto end = data.find("\r\n\r\n");
  if (end == std::string_view::npos) return HeadStatus::Incomplete;
  out = RequestHead{};
  out.head_bytes = end + 4;
  std::string_view head = data.substr(0, end + 2);  // every line ends in CRLF
  auto next_line = [&head]() {
    const auto eol = head.find("\r\n");
    std::string_view line = head.substr(0, eol);
    head.remove_prefix(eol + 2);
    return line;
  };
  const std::string_view request = next_line();
  const auto sp1 = request.find(' ');
  const auto sp2 = sp1 == std::string_view::npos ? sp1 : request.find(' ', sp1 + 1);
  if (sp1 == 0 || sp2 == std::string_view::npos || sp2 == sp1 + 1) return HeadStatus::Bad;
  out.method = std::string(request.substr(0, sp1));
  out.target = std::string(request.substr(sp1 + 1, sp2 - sp1 - 1));
  out.version = std::string(request.substr(sp2 + 1));
  if (out.version != "HTTP/1.1" && out.version != "HTTP/1.0") return HeadStatus::Bad;
  for (char c : out.method)
    if (c < 'A' || c > 'Z') return HeadStatus::Bad;
  bool have_length = false;
  while (!head.empty()) {
    const std::string_view line = next_line();
    const auto colon = line.find(':');
    if (colon == 0 || colon == std::string_view::npos) return HeadStatus::Bad;
    std::string_view name = line.substr(0, colon), value = line.substr(colon + 1);
    if (name.find_first_of(" \t") != std::string_view::npos) return HeadStatus::Bad;
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    if (iequal(name, "Content-Length")) {
      if (value.empty() || value.size() > 15 || value.find_first_not_of("0123456789") != std::string_view::npos)
        return HeadStatus::Bad;
      const std::size_t n = std::stoull(std::string(value));
      if (have_length && n != out.content_length) return HeadStatus::Bad;
      have_length = true;
      out.content_length = n;
    }
    if (iequal(name, "Transfer-Encoding") && list_has(value, "chunked")) out.chunked = true;
    out.fields.emplace_back(std::string(name), std::string(value));
  }
  return HeadStatus::Complete;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 426: return "Upgrade Required";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "";
  }
}

}  // namespace sensorpipe::web
