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

struct ValidateOptions {
  std::string valinput;   // .npy/.npz/.pb or a test_data_set folder; empty: random
  std::string valoutput;  // same; empty: reference interpreter
  size_t batches = 10;    // random samples when no valinput
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
};

struct ValidateResult {
  size_t samples = 0;
  std::string mode;
  std::vector<OutputResult> outputs;
  std::string compression;  // "high, 8 of 10 float Dense/Conv weight tensors shared" ("" without sharing)
  std::string text() const;
  nlohmann::json json() const;
};

// Runs the network on `samples` inputs (given as model-level tensors: one
// vector per sample, one tensor per input) with a runner for the chosen mode.
// A runner takes raw bytes per network input and returns raw bytes per output.
using Runner = std::function<std::vector<std::vector<uint8_t>>(const std::vector<std::vector<uint8_t>>& inputs,
                                                               size_t samples)>;

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

// The host runner (builds with cc into o.workdir).
Runner host_runner(const pipeline::Compiled& c, const std::string& workdir);

}  // namespace eg::validate
