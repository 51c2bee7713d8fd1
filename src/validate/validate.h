// validate: run the generated C on inputs and compare every output with a
// reference (the built-in interpreter, or user-given outputs).
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pipeline/compile.h"
#include "validate/metrics.h"

namespace eg::validate {

// What validate reports while it runs: a phase, and how far it is (done of total).
using Progress = std::function<void(const std::string& phase, size_t done, size_t total)>;

struct ValidateOptions {
  // .npy/.npz/.pb/.csv or a test_data_set folder: one file holding every input (output), or one
  // file per input (output); empty: random inputs (the reference interpreter's outputs)
  std::vector<std::string> valinput;
  std::vector<std::string> valoutput;
  size_t batches = 10;    // random samples when no valinput
  bool classifier = false;     // --classifier: every output with several values is class scores
  std::string layers_dump;     // --full: where the runner wrote each layer's outputs (host_runner)
  Progress progress;           // optional
  uint32_t seed = 1;
  std::optional<std::pair<float, float>> range;  // random input range
  std::string mode = "host";  // host | target
  std::string workdir;        // where to build and run
};

struct OutputResult {
  std::string name;
  std::string dtype;  // of the generated output
  Metrics metrics;
  double scale = 0;  // quantized output step (0 for float)
  // --compression with shared weights: the accuracy change, this output against the uncompressed
  // model's (reference interpreter); and, with --valoutput, the uncompressed model against those.
  std::optional<Metrics> vs_uncompressed, uncompressed_vs_given;
  // class scores: [reference class][generated class] sample counts (empty unless --classifier)
  std::vector<std::vector<size_t>> confusion;
};

// One C layer's output against the reference's tensor of the same name (--full).
struct LayerResult {
  int node = 0;
  std::string layer, op, tensor, dtype;
  Metrics metrics;
  double scale = 0;
};

struct ValidateResult {
  size_t samples = 0;
  std::string mode;
  std::string reference;  // what the outputs were compared with
  std::vector<OutputResult> outputs;
  std::string compression;  // "high, 8 of 10 float Dense/Conv weight tensors shared" ("" without sharing)
  std::vector<LayerResult> layers;  // --full
  size_t layers_not_compared = 0;   // layer outputs with no model tensor of that name and shape
  // the data compared: model-level inputs per sample, reference and generated values per output
  // (all samples concatenated)
  std::vector<std::vector<Tensor>> inputs;
  std::vector<std::vector<double>> reference_values, output_values;
  std::string text() const;
  nlohmann::json json() const;
};

// Runs the network on `samples` inputs (given as model-level tensors: one
// vector per sample, one tensor per input) with a runner for the chosen mode.
// A runner takes raw bytes per network input and returns raw bytes per output.
using Runner = std::function<std::vector<std::vector<uint8_t>>(const std::vector<std::vector<uint8_t>>& inputs,
                                                               size_t samples)>;

// x on the grid of (scale, zp), half to even as QuantizeLinear, clamped to [lo, hi].
int32_t quantize_value(double x, float scale, int32_t zp, int32_t lo, int32_t hi);

// t holds integers with one scale and zero point.
bool per_tensor_quantized(const Tensor& t);
// A value of t at model level: dequantized when per_tensor_quantized(t).
double real_value(const Tensor& t, double v);
// A real value as the code of an 8-bit per-tensor quantized t (its type's range).
int32_t code_of(const Tensor& t, double real);

// Reference values of model tensor `model` as the generated tensor `net` can give them: model-level
// (a quantized model tensor's codes dequantized), then on net's grid when it is 8-bit quantized.
void reference_on_grid(std::vector<double>& v, const Tensor& model, const Tensor& net);

// Model-level float inputs -> raw bytes for the network's inputs (quantized
// where the network takes int8).
std::vector<std::vector<uint8_t>> network_input_bytes(const pipeline::Compiled& c,
                                                      const std::vector<std::vector<Tensor>>& samples);

// The network's raw output bytes -> model-level values (dequantized), per output.
std::vector<std::vector<double>> network_output_values(const pipeline::Compiled& c,
                                                       const std::vector<std::vector<uint8_t>>& raw);

// The inputs validate uses: from files or random (deterministic).
std::vector<std::vector<Tensor>> make_inputs(const pipeline::Compiled& c, const ValidateOptions& o);

ValidateResult run_validate(const pipeline::Compiled& c, const ValidateOptions& o, const Runner& runner);

// The host runner (builds with cc into o.workdir); with layers_dump, each run also writes every
// layer's outputs there (validate --full, read by compare_layers).
Runner host_runner(const pipeline::Compiled& c, const std::string& workdir, const std::string& layers_dump = "");

}  // namespace eg::validate
