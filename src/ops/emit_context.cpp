#include "ops/emit_context.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "util/c_text.h"
#include "util/error.h"

namespace eg {

std::string EmitContext::c_ident(const std::string& s) { return text::c_identifier(s); }

std::string EmitContext::tensor_symbol(const std::string& name) const {
  std::string id = c_ident(name);
  if (id.size() >= 2 && id[0] == 'l' && std::isdigit(static_cast<unsigned char>(id[1]))) id = "t_" + id;
  return prefix + "_" + id;
}

std::string EmitContext::float_lit(float v) {
  if (std::isnan(v)) return "(0.0f/0.0f)";
  if (std::isinf(v)) return v > 0 ? "(1.0f/0.0f)" : "(-1.0f/0.0f)";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(v));
  std::string s = buf;
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";
  return s + "f";
}

std::string EmitContext::ints_lit(const std::vector<int64_t>& v) {
  std::string s = "{";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "}";
}

std::string EmitContext::ptr_as(TensorId id, const std::string& ctype) {
  const Tensor& t = g.t(id);
  if (t.is_const) {
    std::string sym = add_array(tensor_symbol(t.name), t, t.name);
    return "(" + ctype + ")" + sym;
  }
  // the application's buffer, through the context of the forward pass (emit/stai_api.cpp)
  if (auto a = offsets.app.find(id); a != offsets.app.end())
    return "(" + ctype + ")(eg_net->" + (a->second.first ? "out[" : "in[") + std::to_string(a->second.second) + "])";
  if (auto st = offsets.state.find(id); st != offsets.state.end())
    return "(" + ctype + ")(states + " + std::to_string(st->second) + ")";
  const auto at = offsets.of(id);
  if (!at) throw CompileError("internal: tensor '" + t.name + "' has no planned offset");
  return "(" + ctype + ")(" + BufferOffsets::buffer_name(offsets.region_of(id)) + " + " + std::to_string(*at) + ")";
}

std::string EmitContext::ptr(TensorId id) {
  const Tensor& t = g.t(id);
  std::string ct = std::string(dtype_ctype(t.dtype));
  return ptr_as(id, (t.is_const ? "const " : "") + ct + "*");
}

std::string EmitContext::scratch(int node_index, const std::string& ctype) {
  auto it = offsets.scratch.find(node_index);
  if (it == offsets.scratch.end()) throw CompileError("internal: node has no planned scratch");
  const auto r = offsets.scratch_region.find(node_index);
  return "(" + ctype + ")(" + BufferOffsets::buffer_name(r == offsets.scratch_region.end() ? 0 : r->second) + " + " +
         std::to_string(it->second) + ")";
}

std::string EmitContext::add_array(const std::string& base, const Tensor& data, const std::string& source,
                                   bool is_param) {
  std::string sym = text::c_identifier(base, 128);
  // same symbol and same bytes: share; same symbol, other bytes: a new name
  for (int k = 1;; ++k) {
    const ConstArray* hit = nullptr;
    for (const auto& a : arrays)
      if (a.symbol == sym) hit = &a;
    if (!hit) break;
    if (hit->data.data == data.data && hit->data.dtype == data.dtype) return sym;
    sym = text::c_identifier(base, 128) + "_" + std::to_string(k);
  }
  ConstArray a;
  a.symbol = sym;
  a.ctype = std::string(dtype_ctype(data.dtype));
  a.data = data;
  a.source = source;
  a.is_param = is_param;
  arrays.push_back(std::move(a));
  return sym;
}

}  // namespace eg
