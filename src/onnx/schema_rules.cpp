#include "onnx/schema_rules.h"

#include <algorithm>
#include <string_view>

#include "util/error.h"

namespace eg::onnx_import {
namespace {

struct Formal {
  int param;       // index of the type parameter, -1 for a fixed type
  int fixed_elem;  // ONNX element type when fixed, 0 when none
};

struct SchemaFacts {
  std::string_view op;
  int since;
  int min_in, max_in, min_out, max_out;
  int last_variadic;  // 0 no, 1 homogeneous, 2 heterogeneous
  int formal_count;
  Formal formals[16];
};

constexpr SchemaFacts kSchemas[] = {
#include "onnx_schema_table.inc"
};
static_assert(EG_ONNX_SCHEMA_MAX_FORMALS <= 16, "grow SchemaFacts::formals");

// Newest version of `op` not newer than `opset` (the table is sorted by op, then version).
const SchemaFacts* find_schema(std::string_view op, int64_t opset) {
  const SchemaFacts* best = nullptr;
  auto it = std::lower_bound(std::begin(kSchemas), std::end(kSchemas), op,
                             [](const SchemaFacts& s, std::string_view o) { return s.op < o; });
  for (; it != std::end(kSchemas) && it->op == op; ++it)
    if (it->since <= opset) best = &*it;
  return best;
}

std::string count_range(int lo, int hi) {
  if (lo == hi) return std::to_string(lo);
  if (hi == 2147483647) return "at least " + std::to_string(lo);
  return std::to_string(lo) + " to " + std::to_string(hi);
}

}  // namespace

std::vector<InputTypeRule> schema_input_types(const Node& n, int64_t opset, const std::string& path) {
  if (!n.domain.empty()) return {};
  const SchemaFacts* s = find_schema(n.op, opset);
  if (!s) return {};
  const bool current = opset <= EG_ONNX_SCHEMA_NEWEST_OPSET;
  const int ins = static_cast<int>(n.inputs.size());
  const int outs = static_cast<int>(n.outputs.size());
  if (current && (ins < s->min_in || ins > s->max_in))
    fail_node(path, n.name, n.op,
              "has " + std::to_string(ins) + " inputs; the ONNX schema takes " + count_range(s->min_in, s->max_in));
  if (current && (outs < s->min_out || outs > s->max_out))
    fail_node(path, n.name, n.op,
              "has " + std::to_string(outs) + " outputs; the ONNX schema gives " + count_range(s->min_out, s->max_out));
  std::vector<InputTypeRule> rules(n.inputs.size());
  for (int i = 0; i < ins && s->formal_count > 0; ++i) {
    // a heterogeneous variadic input (Loop's states) has a type of its own per position
    if (s->last_variadic == 2 && i >= s->formal_count - 1) break;
    if (i >= s->formal_count && s->last_variadic != 1) break;
    const Formal& f = s->formals[std::min(i, s->formal_count - 1)];
    if (f.param >= 0)
      rules[i].param = static_cast<int8_t>(f.param);
    else if (current && f.fixed_elem)
      rules[i].fixed = dtype_from_onnx(f.fixed_elem);
  }
  return rules;
}

}  // namespace eg::onnx_import
