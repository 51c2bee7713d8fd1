// C emitter: network.h/.c (st-ai style API, straight-line network_run),
// network_data.h/.c (const weights) and the runtime units the network uses.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "ops/emit_context.h"

namespace eg::emit {

// One C layer: a lowered node and what it costs.
struct CLayer {
  int index = 0;
  int node = 0;
  std::string name;
  std::string type;      // "Conv2D", "Dense", "GRU", "Conversion", ...
  std::string op;        // ONNX op of the lowered node
  int64_t macc = 0;
  size_t rom = 0;        // bytes of const arrays it owns
  std::string op_class;  // "smul_s8_s8", "smul_f32_f32", ...
  std::vector<std::string> arrays;  // const array symbols it uses
  bool is_view = false;  // costs nothing (shares bytes)
};

struct Generated {
  std::map<std::string, std::string> files;  // file name -> content
  std::vector<CLayer> layers;
  std::vector<ConstArray> arrays;
  std::vector<std::string> runtime_units;
  size_t weights_bytes = 0;  // model weights (ConstArray::is_param false)
  size_t params_bytes = 0;   // kernel metadata: requantization multipliers, indices...
  size_t blob_bytes = 0;     // the weights buffer: weights + parameters + alignment padding
};

// --c-api: the st-ai API alone, or ST's legacy ai_<name>_* API on top of it (emit/legacy_api.h).
enum class CApi { StAi, Legacy };

// g has passed the pipeline's support check (every node's OpDef::check); `plan` places its tensors.
Generated emit_c(const Graph& g, const BufferOffsets& plan, const std::string& name,
                 const std::string& model_name, CApi api = CApi::StAi);

// Runtime sources embedded in the edgegen binary: file name -> content.
const std::map<std::string, std::string>& runtime_sources();

}  // namespace eg::emit
