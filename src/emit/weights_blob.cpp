#include "emit/weights_blob.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <sstream>

#include "util/c_text.h"

namespace eg::emit {
namespace {

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Calls f(identifier) for each identifier of C text outside string/char literals and comments;
// f returns its replacement. The text between identifiers is kept.
template <class F>
std::string map_identifiers(const std::string& s, F f) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const char c = s[i];
    if (c == '"' || c == '\'') {
      size_t j = i + 1;
      while (j < s.size() && s[j] != c) j += s[j] == '\\' ? 2 : 1;
      j = std::min(j + 1, s.size());
      out.append(s, i, j - i);
      i = j;
    } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      const size_t e = s.find("*/", i + 2);
      const size_t j = e == std::string::npos ? s.size() : e + 2;
      out.append(s, i, j - i);
      i = j;
    } else if (ident_start(c)) {
      size_t j = i;
      while (j < s.size() && ident_char(s[j])) ++j;
      out += f(s.substr(i, j - i));
      i = j;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {  // 1e5f, 0x1Fu: not identifiers
      size_t j = i;
      while (j < s.size() && (ident_char(s[j]) || s[j] == '.')) ++j;
      out.append(s, i, j - i);
      i = j;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

bool mentions(const std::string& s, const std::set<std::string>& idents) {
  bool hit = false;
  map_identifiers(s, [&](const std::string& id) {
    hit = hit || idents.count(id);
    return id;
  });
  return hit;
}

// "static const T id[] = {...};" -> "id"
std::string declared_identifier(const std::string& decl) {
  std::string head = decl.substr(0, decl.find('='));
  for (;;) {
    while (!head.empty() && head.back() == ' ') head.pop_back();
    if (head.empty() || head.back() != ']') break;
    head.erase(head.rfind('['));
  }
  size_t b = head.size();
  while (b > 0 && ident_char(head[b - 1])) --b;
  return head.substr(b);
}

size_t element_bytes(const ConstArray& a) { return std::max<size_t>(dtype_size(a.data.dtype), 1); }

}  // namespace

WeightsBlob layout_weights(const std::vector<ConstArray>& arrays) {
  WeightsBlob blob;
  size_t at = 0;
  for (const auto& a : arrays) {
    const size_t align = std::max<size_t>(4, element_bytes(a));
    blob.alignment = std::max(blob.alignment, align);
    if (at % align) {
      const size_t pad = align - at % align;
      blob.members.push_back({nullptr, at, pad});
      at += pad;
    }
    const size_t bytes = std::max<size_t>(static_cast<size_t>(a.data.elements()), 1) * element_bytes(a);
    blob.members.push_back({&a, at, bytes});
    at += bytes;
  }
  if (at % blob.alignment) {
    blob.members.push_back({nullptr, at, blob.alignment - at % blob.alignment});
    at += blob.alignment - at % blob.alignment;
  }
  if (blob.members.empty()) blob.members.push_back({nullptr, 0, 4});
  blob.bytes = std::max<size_t>(at, 4);
  return blob;
}

std::vector<std::string> relocate_layers(const std::vector<LayerCode>& layers, const std::vector<std::string>& decls,
                                         const std::vector<ConstArray>& arrays, const std::string& name,
                                         const std::string& weights_ptr, std::vector<std::string>& file_decls) {
  std::map<std::string, std::string> via_pointer;  // array symbol -> its address through the pointer
  for (const auto& a : arrays)
    via_pointer[a.symbol] = "((const " + a.ctype + " *)(" + weights_ptr + " + offsetof(" + name + "__weights_t, " +
                            a.symbol + ")))";
  auto relocate = [&](const std::string& s) {
    return map_identifiers(s, [&](const std::string& id) {
      auto it = via_pointer.find(id);
      return it == via_pointer.end() ? id : it->second;
    });
  };
  // a declaration moves into its layer when it points into the weights or at a moved declaration
  std::set<std::string> moving;
  for (const auto& [sym, _] : via_pointer) moving.insert(sym);
  std::vector<bool> moved(decls.size(), false);
  for (size_t k = 0; k < decls.size(); ++k)
    if (mentions(decls[k], moving)) {
      moved[k] = true;
      moving.insert(declared_identifier(decls[k]));
    } else {
      file_decls.push_back(decls[k]);
    }
  std::vector<std::string> body;
  for (const auto& L : layers) {
    body.push_back(L.begin);
    std::vector<std::string> locals;
    for (size_t k = L.decl_first; k < L.decl_last; ++k)
      if (moved[k]) {
        std::string d = decls[k];
        if (d.rfind("static ", 0) == 0) d = d.substr(7);
        locals.push_back("    " + relocate(d));
      }
    if (!locals.empty()) body.push_back("  {");
    body.insert(body.end(), locals.begin(), locals.end());
    for (const auto& l : L.lines) body.push_back((locals.empty() ? "" : "  ") + relocate(l));
    if (!locals.empty()) body.push_back("  }");
    body.push_back(L.end);
  }
  return body;
}

namespace {
std::string value_list(const Tensor& t, size_t per_line, const std::string& indent);
}

std::string weights_header(const WeightsBlob& blob, const std::string& name, const std::string& P) {
  std::ostringstream h;
  h << "/* " << name << "_data.h: constant weights of " << name << " (flash), as one relocatable blob.\n"
    << "   Generated by edgegen. */\n"
    << "#ifndef STAI_" << P << "_DATA_H\n#define STAI_" << P << "_DATA_H\n\n#include \"stai.h\"\n\n"
    << "STAI_API_DECLARE_BEGIN\n\n"
    << "#define STAI_" << P << "_DATA_WEIGHTS_SIZE_BYTES " << blob.bytes << "\n"
    << "#define STAI_" << P << "_DATA_WEIGHTS_ALIGNMENT " << blob.alignment << "\n\n"
    << "/* Every array at a multiple of max(4, element size); the padding is explicit. */\ntypedef struct {\n";
  size_t pad = 0;
  for (const auto& m : blob.members) {
    if (m.array)
      h << "  " << m.array->ctype << " " << m.array->symbol << "["
        << std::max<int64_t>(m.array->data.elements(), 1) << "];\n";
    else
      h << "  uint8_t " << name << "__pad" << pad++ << "[" << m.bytes << "];\n";
  }
  h << "} " << name << "__weights_t;\n\n"
    << "/* The default weights: stai_" << name << "_get_weights() returns it until set_weights. */\n"
    << "extern const " << name << "__weights_t " << name << "__weights;\n\n"
    << "STAI_API_DECLARE_END\n\n#endif\n";
  return h.str();
}

std::string weights_source(const WeightsBlob& blob, const std::string& name) {
  std::ostringstream c;
  c << "/* " << name << "_data.c: constant weights of " << name << " (flash). Generated by edgegen. */\n"
    << "#include \"" << name << "_data.h\"\n\n"
    << "/* the layout the layers read is the layout the compiler gives (compile-time check) */\n"
    << "typedef char " << name << "__weights_layout[(sizeof(" << name << "__weights_t) == " << blob.bytes
    << "u) ? 1 : -1];\n\n"
    << "STAI_ALIGNED(" << blob.alignment << ") const " << name << "__weights_t " << name << "__weights = {\n";
  for (size_t k = 0; k < blob.members.size(); ++k) {
    const auto& m = blob.members[k];
    const std::string sep = k + 1 < blob.members.size() ? "," : "";
    if (!m.array) {
      c << "  {0}" << sep << "\n";
      continue;
    }
    const ConstArray& a = *m.array;
    c << "  /* " << a.symbol << " (offset " << m.offset << "): " << text::c_comment_text(a.source) << ", "
      << dtype_name(a.data.dtype) << "[" << shape_str(a.data.shape) << "] */\n"
      << "  {" << value_list(a.data, a.data.dtype == DType::F32 ? 8 : 16, "    ") << "}" << sep << "\n";
  }
  c << "};\n";
  return c.str();
}

namespace {
std::string value_str(const Tensor& t, size_t i) {
  switch (t.dtype) {
    case DType::F32: return EmitContext::float_lit(t.values<float>()[i]);
    case DType::I8: return std::to_string(t.values<int8_t>()[i]);
    case DType::U8: case DType::Bool: return std::to_string(t.values<uint8_t>()[i]);
    case DType::I16: return std::to_string(t.values<int16_t>()[i]);
    case DType::U16: return std::to_string(t.values<uint16_t>()[i]);
    case DType::I32: {
      const int32_t v = t.values<int32_t>()[i];
      return v == INT32_MIN ? "(-2147483647 - 1)" : std::to_string(v);
    }
    case DType::U32: return std::to_string(t.values<uint32_t>()[i]) + "u";
    case DType::I64: {
      const int64_t v = t.values<int64_t>()[i];
      return v == INT64_MIN ? "(-9223372036854775807LL - 1)" : std::to_string(v) + "LL";
    }
    default: return "0";
  }
}

std::string value_list(const Tensor& t, size_t per_line, const std::string& indent) {
  std::ostringstream o;
  const size_t n = static_cast<size_t>(t.elements());
  for (size_t i = 0; i < n; ++i) {
    if (i % per_line == 0) o << "\n" << indent;
    o << value_str(t, i) << (i + 1 < n ? ", " : "");
  }
  if (n == 0) o << "0";
  return o.str();
}
}  // namespace

}  // namespace eg::emit
