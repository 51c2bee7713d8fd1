// Model names (tensors, nodes, the model file) written into generated C. A
// name is data, never code: these are the only ways a name reaches the C.
#pragma once
#include <string>
#include <string_view>

namespace eg::text {

// A C string literal with quotes ("..."): printable ASCII kept, quote and
// backslash escaped, '?' escaped (no trigraph can form), every other byte as a
// three-digit octal escape (so a following digit never extends it; NUL too).
// At most max_bytes of s (ISO C99 only promises 4095-character literals).
std::string c_string_literal(std::string_view s, size_t max_bytes = 1024);

// Text for inside a /* */ comment: printable ASCII except '*' (no "*/" or "/*"
// can form), '\\' (no line splice) and '?' (no "??/" trigraph); everything else
// is written as \xNN. Long names are cut (with "...").
std::string c_comment_text(std::string_view s, size_t max_chars = 80);

// A C identifier made from a name: [A-Za-z0-9_] kept, runs of other bytes
// become one '_', never a leading digit or underscore, at most max_chars long
// (then a hash of the whole name keeps long names apart). Not unique by
// itself: EmitContext makes the symbols unique.
std::string c_identifier(std::string_view s, size_t max_chars = 48);

}  // namespace eg::text
