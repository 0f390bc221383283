// Validating JSON scanner and writers (see json.h).
#include "core/json.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstdlib>

namespace sensorpipe::json {

const char* type_name(Type t) {
  switch (t) {
    case Type::Null: return "null";
    case Type::Bool: return "a boolean";
    case Type::Number: return "a number";
    case Type::String: return "a string";
    case Type::Array: return "an array";
    case Type::Object: return "an object";
  }
  return "?";
}

namespace {

constexpr int kMaxDepth = 128;

// Length of the UTF-8 sequence starting at p (0 when invalid).
std::size_t utf8_sequence(const unsigned char* p, const unsigned char* end) {
  const unsigned char c = p[0];
  if (c < 0x80) return 1;
  std::size_t n;
  std::uint32_t cp;
  if ((c & 0xE0) == 0xC0) n = 2, cp = c & 0x1F;
  else if ((c & 0xF0) == 0xE0) n = 3, cp = c & 0x0F;
  else if ((c & 0xF8) == 0xF0) n = 4, cp = c & 0x07;
  else return 0;
  if (static_cast<std::size_t>(end - p) < n) return 0;
  for (std::size_t i = 1; i < n; ++i) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[i] & 0x3F);
  }
  if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
      (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return n;
}

class Scanner {
 public:
  explicit Scanner(std::string_view text) : s_(text) {}

  bool fail(const char* why) {
    if (error_.empty()) error_ = fmt::format("invalid JSON at byte {}: {}", pos_ + 1, why);
    return false;
  }
  std::string& error() { return error_; }
  std::size_t pos() const { return pos_; }
  bool at_end() {
    skip_ws();
    return pos_ == s_.size();
  }

  void skip_ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
      ++pos_;
  }

  bool value(Type& type, int depth) {
    skip_ws();
    if (pos_ >= s_.size()) return fail("unexpected end of input");
    switch (s_[pos_]) {
      case '{': type = Type::Object; return object(depth, nullptr);
      case '[': type = Type::Array; return array(depth);
      case '"': type = Type::String; return string();
      case 't': type = Type::Bool; return literal("true");
      case 'f': type = Type::Bool; return literal("false");
      case 'n': type = Type::Null; return literal("null");
      default: type = Type::Number; return number();
    }
  }

  bool object(int depth, std::vector<Member>* members) {
    if (depth > kMaxDepth) return fail("nested too deeply");
    ++pos_;  // '{'
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
      return true;
    }
    for (;;) {
      skip_ws();
      if (pos_ >= s_.size() || s_[pos_] != '"') return fail("expected a member name in quotes");
      const std::size_t key_start = pos_;
      if (!string()) return false;
      const std::string_view key_raw = s_.substr(key_start, pos_ - key_start);
      skip_ws();
      if (pos_ >= s_.size() || s_[pos_] != ':') return fail("expected ':'");
      ++pos_;
      skip_ws();
      const std::size_t value_start = pos_;
      Type type;
      if (!value(type, depth + 1)) return false;
      if (members) {
        Member& m = members->emplace_back();
        m.key = key_raw.find('\\') == std::string_view::npos ? std::string(key_raw.substr(1, key_raw.size() - 2))
                                                               : unescape_string(key_raw);
        m.type = type;
        m.raw = s_.substr(value_start, pos_ - value_start);
      }
      skip_ws();
      if (pos_ >= s_.size()) return fail("unterminated object");
      if (s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (s_[pos_] == '}') {
        ++pos_;
        return true;
      }
      return fail("expected ',' or '}'");
    }
  }

 private:
  bool array(int depth) {
    if (depth > kMaxDepth) return fail("nested too deeply");
    ++pos_;
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == ']') {
      ++pos_;
      return true;
    }
    for (;;) {
      Type type;
      if (!value(type, depth + 1)) return false;
      skip_ws();
      if (pos_ >= s_.size()) return fail("unterminated array");
      if (s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (s_[pos_] == ']') {
        ++pos_;
        return true;
      }
      return fail("expected ',' or ']'");
    }
  }

  bool string() {
    ++pos_;  // opening quote
    const auto* p = reinterpret_cast<const unsigned char*>(s_.data());
    const auto* end = p + s_.size();
    while (pos_ < s_.size()) {
      const unsigned char c = p[pos_];
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) return fail("control character in string");
      if (c == '\\') {
        if (pos_ + 1 >= s_.size()) return fail("unterminated string");
        const char e = s_[pos_ + 1];
        if (e == 'u') {
          for (std::size_t i = 2; i < 6; ++i) {
            if (pos_ + i >= s_.size() || !std::isxdigit(static_cast<unsigned char>(s_[pos_ + i])))
              return fail("bad \\u escape");
          }
          pos_ += 6;
        } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
          pos_ += 2;
        } else {
          return fail("bad escape in string");
        }
        continue;
      }
      if (c < 0x80) {
        ++pos_;
        continue;
      }
      const std::size_t n = utf8_sequence(p + pos_, end);
      if (n == 0) return fail("invalid UTF-8 in string");
      pos_ += n;
    }
    return fail("unterminated string");
  }

  bool literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return fail("unexpected character");
    pos_ += word.size();
    return true;
  }

  bool number() {
    const std::size_t start = pos_;
    auto digit = [&] { return pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9'; };
    if (pos_ < s_.size() && s_[pos_] == '-') ++pos_;
    if (!digit()) return fail(start == pos_ ? "unexpected character" : "bad number");
    if (s_[pos_] == '0') ++pos_;
    else while (digit()) ++pos_;
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      if (!digit()) return fail("bad number");
      while (digit()) ++pos_;
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (!digit()) return fail("bad number");
      while (digit()) ++pos_;
    }
    return true;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  std::string error_;
};

}  // namespace

bool scan_object(std::string_view text, std::vector<Member>& members, std::string& error) {
  members.clear();
  Scanner sc(text);
  sc.skip_ws();
  if (sc.at_end()) {
    error = "empty line";
    return false;
  }
  if (text[sc.pos()] != '{') {
    Type type;
    if (sc.value(type, 0) && sc.at_end()) {
      error = std::string("expected an object, got ") + type_name(type);
    } else {
      error = sc.error();
    }
    return false;
  }
  if (!sc.object(0, &members)) {
    error = sc.error();
    return false;
  }
  if (!sc.at_end()) {
    error = fmt::format("invalid JSON at byte {}: unexpected text after the object", sc.pos() + 1);
    return false;
  }
  return true;
}

bool validate(std::string_view text, Type& type, std::string& error) {
  Scanner sc(text);
  if (!sc.value(type, 0)) {
    error = sc.error();
    return false;
  }
  if (!sc.at_end()) {
    error = fmt::format("invalid JSON at byte {}: unexpected text after the value", sc.pos() + 1);
    return false;
  }
  return true;
}

namespace {
void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::uint32_t hex4(std::string_view s, std::size_t pos) {
  std::uint32_t v = 0;
  std::from_chars(s.data() + pos, s.data() + pos + 4, v, 16);
  return v;
}
}  // namespace

std::string unescape_string(std::string_view raw) {
  std::string out;
  if (raw.size() < 2) return out;
  const std::string_view s = raw.substr(1, raw.size() - 2);
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out += s[i];
      continue;
    }
    const char e = s[++i];
    switch (e) {
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        std::uint32_t cp = hex4(s, i + 1);
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 < s.size() + 1 && s.substr(i + 1, 2) == "\\u") {
          const std::uint32_t low = hex4(s, i + 3);
          if (low >= 0xDC00 && low <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            i += 6;
          }
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;  // lone surrogate
        append_utf8(out, cp);
        break;
      }
      default: out += e;  // '"', '\\', '/'
    }
  }
  return out;
}

double number_value(std::string_view raw) {
  double v = 0;
  const auto r = std::from_chars(raw.data(), raw.data() + raw.size(), v);
  if (r.ec == std::errc::result_out_of_range) {  // from_chars leaves v alone; strtod gives ±inf or 0
    v = std::strtod(std::string(raw).c_str(), nullptr);
  }
  return v;
}

void append_string(std::string& out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

void append_number(std::string& out, double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, static_cast<std::size_t>(r.ptr - buf));
}

bool valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    if (*p < 0x80) {
      ++p;
      continue;
    }
    const std::size_t n = utf8_sequence(p, end);
    if (n == 0) return false;
    p += n;
  }
  return true;
}

}  // namespace sensorpipe::json
