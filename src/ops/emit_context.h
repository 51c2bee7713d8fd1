// What a kernel's emit function writes into: the statements of network_run,
// the const arrays of network_data.c and the runtime units it needs.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace eg {

struct ConstArray {
  std::string symbol;  // C identifier, e.g. "network_conv0_weights"
  std::string ctype;   // "int8_t", "float", ...
  Tensor data;         // values (dtype decides the printing)
  std::string source;  // tensor or parameter it comes from, for the C-arrays table
  bool is_param = false;  // kernel metadata (requantization multipliers...), not a model weight
};

// Where the memory plan put each tensor and each node's scratch in the activations buffer: all the
// emitters read of the plan.
struct BufferOffsets {
  size_t bytes = 0;      // size of the one activations buffer
  size_t alignment = 4;
  std::map<TensorId, size_t> tensor;  // planned tensor -> byte offset
  std::map<int, size_t> scratch;      // node index -> byte offset of its scratch

  std::optional<size_t> of(TensorId id) const {
    auto it = tensor.find(id);
    return it == tensor.end() ? std::nullopt : std::optional<size_t>(it->second);
  }
  bool has_scratch(int node) const { return scratch.count(node) != 0; }

  // The activations buffers: one, or one per --memory-pool region (their bytes, fastest first),
  // and the region of the tensors and scratch outside the first. The layers name buffer r
  // `act` (r = 0) or `act<r>`.
  std::vector<size_t> region_bytes;
  std::vector<std::string> region_names;
  std::map<TensorId, int> tensor_region;
  std::map<int, int> scratch_region;
  int region_of(TensorId id) const {
    auto it = tensor_region.find(id);
    return it == tensor_region.end() ? 0 : it->second;
  }
  static std::string buffer_name(int region) { return region ? "act" + std::to_string(region) : "act"; }
  // One word for where a planned tensor lives (details.h, the callback's buffers): kInStates |
  // offset in the states buffer, else region << kRegionShift | offset.
  static constexpr uint32_t kInStates = 0x80000000u;
  static constexpr int kRegionShift = 28;
  uint32_t location(TensorId id) const {
    if (auto st = state.find(id); st != state.end()) return kInStates | static_cast<uint32_t>(st->second);
    return static_cast<uint32_t>(region_of(id)) << kRegionShift | static_cast<uint32_t>(tensor.at(id));
  }

  // A stateful network's persistent states buffer (plan/memory_plan.h): its size, the tensors in it,
  // and the output slots copied over their input slot at the end of a run.
  size_t states_bytes = 0;
  std::map<TensorId, size_t> state;
  struct StateCopy {
    size_t from = 0, to = 0, bytes = 0;
  };
  std::vector<StateCopy> state_copies;

  // --no-inputs/outputs-allocation: tensors in the application's I/O buffers -> (is an output,
  // index among the application's I/O); the layers read and write them in place.
  std::map<TensorId, std::pair<bool, size_t>> app;
};

struct EmitContext {
  const Graph& g;
  const BufferOffsets& offsets;
  std::string prefix;  // "network"

  std::vector<std::string> lines;       // statements for the current node
  std::vector<std::string> decls;       // static const parameter structs (network.c, file scope)
  std::set<std::string> runtime_units;  // e.g. "eg_conv" -> runtime/eg_conv.{c,h}
  std::vector<ConstArray> arrays;       // weights and kernel parameters (flash)

  EmitContext(const Graph& graph, const BufferOffsets& o, std::string pfx)
      : g(graph), offsets(o), prefix(std::move(pfx)) {}

  // C expression of a typed pointer to tensor `id`: into the activations
  // buffer (`act`) for planned tensors, the states buffer (`states`) for the
  // state pairs of a stateful network, or the const array for constants.
  std::string ptr(TensorId id);
  // Same, with an explicit C type ("const int8_t*" for example).
  std::string ptr_as(TensorId id, const std::string& ctype);
  // Pointer to the node's planned scratch area.
  std::string scratch(int node_index, const std::string& ctype);
  // Adds a const array (deduplicated by symbol) and returns its symbol.
  std::string add_array(const std::string& base, const Tensor& data, const std::string& source,
                        bool is_param = false);
  void use(const std::string& unit) { runtime_units.insert(unit); }
  void emit(const std::string& stmt) { lines.push_back(stmt); }
  void decl(const std::string& d) { decls.push_back(d); }
  // Unique identifier for the current node's parameter struct: "<prefix>_l<idx>".
  std::string layer_ident() const { return prefix + "_l" + std::to_string(current_node); }
  // Internal identifier of network.c ("<prefix>__forward"): no tensor symbol can take it.
  std::string internal(const std::string& what) const { return prefix + "__" + what; }
  int current_node = -1;

  // C identifier made from a tensor/node name (emit/c_text.h: not unique by itself).
  static std::string c_ident(const std::string& s);
  // Base symbol of a const array made from a tensor name: "<prefix>_<ident>", never in the
  // generated code's own namespaces (layer structs "<prefix>_l<N>", internals "<prefix>__*");
  // add_array then makes it unique.
  std::string tensor_symbol(const std::string& name) const;
  // A float literal that round-trips exactly ("0x1.8p-3f" style is avoided for readability).
  static std::string float_lit(float v);
  static std::string ints_lit(const std::vector<int64_t>& v);
};

}  // namespace eg
