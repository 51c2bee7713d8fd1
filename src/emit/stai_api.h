// The st-ai API of a generated network, as ST Edge AI Core's network.h/.c offer it: the header
// macros applications use (*_FLAGS, *_NODES_NUM, *_IN_1_HEIGHT, ...), and the functions
// (init, run, get_info, get/set activations, weights, inputs, outputs, states, callback, errors).
// Everything is computed from ApiModel; nothing here knows a graph.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ir/dtype.h"

namespace eg::emit {

struct ApiTensor {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::vector<float> scale;         // empty unless quantized
  std::vector<int64_t> zero_point;
  size_t offset = 0;                // in its activations buffer
  int region = 0;                   // which activations buffer (--memory-pool region)
  size_t bytes = 0;
  bool channel_last = false;        // layout of a rank >= 3 tensor
  bool in_app = false;              // --no-inputs/outputs-allocation: the application's buffer, used in place
};

struct ApiModel {
  std::string name, P, model_name;
  uint64_t signature = 0;  // of the generated code
  int64_t macc = 0;
  size_t nodes = 0;
  size_t activations_bytes = 0, activations_alignment = 4;
  std::vector<size_t> regions;       // bytes of each activations buffer (one per --memory-pool region)
  std::vector<std::string> region_names;
  size_t weights_bytes = 0, weights_alignment = 4;
  size_t states_bytes = 0, states_alignment = 4;
  bool stateful = false;
  std::vector<ApiTensor> inputs, outputs;
  // per node: the buffers a callback sees before (inputs) and after (outputs) it runs, as byte
  // BufferOffsets::location words
  std::vector<std::vector<uint32_t>> node_inputs, node_outputs;
  // (BufferOffsets::location: kInStates = 0x80000000, region << 28 | offset)
};

// Named dims as ST's headers give them: batch first, then channel and the spatial dims in the
// tensor's layout; RANK counts the dims after the batch (-1: the tensor has no such dim).
struct Dims {
  bool has_batch = false;
  int64_t batch = 1, channel = -1, height = -1, width = -1;
  size_t rank = 0;
};
Dims dims_of(const ApiTensor& t);

// Activations buffers: one per --memory-pool region, at least one.
size_t regions_of(const ApiModel& m);
// "0x0123456789abcdef" (the model signature's text).
std::string hex64(uint64_t v);

// "STAI_FORMAT_S8"...
std::string stai_format(DType t);

// Macros and prototypes of network.h (between its include guard; ends with the prototypes).
std::string api_macros(const ApiModel& m);
std::string api_prototypes(const ApiModel& m);
// network.c: the context, the tables, the event helper (before the layers) ...
std::string api_context(const ApiModel& m);
// ... and the API functions (after <name>__forward).
std::string api_functions(const ApiModel& m);
// The forward pass's parameters and the names the layers use: act (act1, act2... for the other
// --memory-pool regions), weights, states.
std::string forward_params(const ApiModel& m);
std::string forward_args(const ApiModel& m);
// The default per-layer hooks: a callback check (EG_LAYER_BEGIN/END, overridable by -D).
std::string layer_hooks(const ApiModel& m);
inline const char* kWeightsPtr = "eg_weights";

}  // namespace eg::emit
