#include "util/c_text.h"

#include <cctype>
#include <cstdio>

namespace eg::text {
namespace {

bool is_ascii_alnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

}  // namespace

std::string c_string_literal(std::string_view s, size_t max_bytes) {
  std::string out = "\"";
  for (unsigned char c : s.substr(0, max_bytes)) {
    if (c == '"' || c == '\\' || c == '?') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03o", c);
      out += buf;
    }
  }
  return out + "\"";
}

std::string c_comment_text(std::string_view s, size_t max_chars) {
  std::string out;
  for (unsigned char c : s) {
    if (out.size() >= max_chars) return out + "...";
    if (c >= 0x20 && c < 0x7f && c != '*' && c != '\\' && c != '?') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

std::string c_identifier(std::string_view s, size_t max_chars) {
  std::string r;
  for (unsigned char c : s) {
    if (is_ascii_alnum(c)) r += static_cast<char>(c);
    else if (!r.empty() && r.back() != '_') r += '_';
  }
  while (!r.empty() && r.back() == '_') r.pop_back();
  if (r.empty() || std::isdigit(static_cast<unsigned char>(r[0]))) r = "t_" + r;
  if (r.size() > max_chars) {
    uint32_t h = 2166136261u;  // FNV-1a of the whole name
    for (unsigned char c : s) h = (h ^ c) * 16777619u;
    char buf[16];
    std::snprintf(buf, sizeof buf, "_%08x", h);
    r = r.substr(0, max_chars - 9) + buf;
  }
  return r;
}

}  // namespace eg::text
