// Text that comes from a model file (names) or the command line, made safe for
// the places it is printed to: one-line error messages and JSON.
#pragma once
#include <string>
#include <string_view>

namespace eg::text {

// True when s is well-formed UTF-8 (no overlong forms, no surrogates, <= U+10FFFF).
bool valid_utf8(std::string_view s);

// One printable line: control characters become \n \r \t \xNN, bytes that are
// not part of valid UTF-8 become \xNN, a backslash becomes \\. Valid non-ASCII
// UTF-8 is kept so names in other scripts stay readable.
std::string one_line(std::string_view s);

// 'name' for a message: one_line(name) between single quotes.
std::string quoted(std::string_view s);

}  // namespace eg::text
