// The compile pipeline as one call: import -> shape inference/constant folding
// -> passes -> memory plan -> C emission. Everything the report needs is kept.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "emit/c_emitter.h"
#include "ir/graph.h"
#include "passes/io_format.h"
#include "passes/passes.h"
#include "passes/weight_sharing.h"
#include "plan/memory_plan.h"
#include "toolchain/target.h"

namespace eg::pipeline {

struct Options {
  std::string command = "generate";  // analyze | generate | validate
  std::string model;
  toolchain::Target target = toolchain::default_target();
  Optimization optimization = Optimization::Time;
  std::string name = "network";
  std::string workspace;  // temporary files; default: a fresh temp dir
  std::string output = "edgegen_output";  // where generated files and reports land
  // Graph inputs to treat as constants (by name), e.g. RNN weights that a test
  // passes as inputs: microcontroller code needs them at compile time.
  std::vector<Tensor> frozen_inputs;
  // Static shapes for graph inputs whose model shape has symbolic or -1 dims.
  std::map<std::string, Shape> input_shapes;
  // generate --stateful / --state OUT=IN: state outputs fed back as inputs through a persistent
  // states buffer (pairs by declaration order unless given).
  bool stateful = false;
  std::vector<std::pair<std::string, std::string>> state_pairs;
  // --max-tensor-bytes: no tensor (weight, folded constant, activation) may be larger.
  int64_t max_tensor_bytes = kDefaultMaxTensorBytes;
  // --input/output-data-type, --inputs/outputs-ch-position
  passes::IoFormats io;
  // --no-inputs/outputs-allocation: the application's I/O buffers, used in place
  plan::AppBuffers app_buffers;
  // --memory-pool: the RAM regions the activations are split across, fastest first (empty: one buffer)
  std::vector<plan::MemoryRegion> memory_regions;
  // --compression: weight sharing on float Dense/Conv weights (passes/weight_sharing)
  Compression compression = Compression::None;
  // --c-api: st-ai, or st-ai plus ST's legacy ai_<name>_* API
  emit::CApi c_api = emit::CApi::StAi;
  // --no-size-report clears it: the report's "memory by section" is not measured.
  bool size_report = true;
};

// Section sizes of one compiled object (bytes).
struct SectionSizes {
  std::string module;
  size_t text = 0, rodata = 0, data = 0, bss = 0;
};

struct Compiled {
  Options options;
  Graph original;  // as imported, shapes inferred, constants not folded
  Graph lowered;   // after the passes: one node per C layer
  plan::MemoryPlan plan;
  emit::Generated code;
  passes::PassLog log;
  passes::WeightSharing sharing;  // --compression: what each float Dense/Conv weight became
  std::string model_hash;      // md5-like hex digest of the model file
  int64_t model_macc = 0;      // original graph, seed-report rules
  int64_t c_macc = 0;          // generated layers
  size_t model_weights_bytes = 0;  // constant bytes of the original graph
  double seconds = 0;          // wall time of compile()
  // Filled when the C was compiled (report "memory by section"); empty otherwise.
  std::vector<SectionSizes> sections;
  std::string sections_toolchain;  // e.g. "arm-none-eabi-gcc -mcpu=cortex-m4 ..." or "host gcc"
};

// Throws CompileError on any user-facing problem.
Compiled compile(const Options& opt);

// Per original node (m_id): the C layers it became.
std::map<int, std::vector<int>> layers_by_origin(const Compiled& c);

}  // namespace eg::pipeline
