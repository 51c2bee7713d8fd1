// The options of ST Edge AI Core's `stedgeai` command line that have no
// edgegen-specific spelling: every one parses, so ST scripts run unchanged.
// Those edgegen applies are read by the commands; the others are accepted with
// a one-line note saying what edgegen does instead (st_notes).
#pragma once
#include <string>
#include <vector>

#include "ir/compression.h"
#include "pipeline/compile.h"

namespace CLI {
class App;
}

namespace eg::driver {

struct StOptions {
  // model and code generation
  std::string type;                       // --type: keras | tflite | onnx (edgegen reads the file)
  Compression compression = Compression::None;  // -c: none | lossless | low | medium | high
  bool allocate_inputs = false, allocate_outputs = false;           // ST's default, edgegen's too
  bool no_inputs_allocation = false, no_outputs_allocation = false;
  int input_memory_alignment = 0, output_memory_alignment = 0;      // 0: not given
  std::vector<std::string> input_data_type, output_data_type;       // float32 | int8 | uint8 (per I/O)
  std::vector<std::string> inputs_ch_position, outputs_ch_position;  // chfirst | chlast
  std::string c_api = "st-ai";            // st-ai | legacy
  std::string memory_pool;                // JSON file describing RAM regions
  bool split_weights = false, fix_parametric_shapes = false;
  bool no_onnx_optimizer = false, use_onnx_simplifier = false;
  bool no_report = false, no_workspace = false;
  int verbosity = 1;                      // 0 quiet, 1 summary, 2-3 full report on the console
  bool quiet = false;
  // validate
  bool classifier = false, save_csv = false, full = false;
  std::string desc;                       // serial port of a target board
  // NPU, relocatable and library builds
  std::string st_neural_art, address, copy_weights_at, custom;
  bool relocatable = false, binary = false, lib = false, dll = false, prefetch_compressed_weights = false;
};

enum class StCommand { Analyze, Generate, Validate };

// Registers ST's options on one subcommand.
void add_st_options(CLI::App* sub, StOptions& st, StCommand cmd);

// The ST options edgegen applies, into the compile options (validate in --mode target keeps the
// I/O in the activations). Reads --memory-pool's file (CompileError naming it).
void apply_st_options(const StOptions& st, pipeline::Options& o, bool validate, const std::string& mode = "host");

// One line per accepted option edgegen does not apply as ST does, saying what it does instead.
// mode: validate's --mode (host | target).
std::vector<std::string> st_notes(const StOptions& st, bool validate, const std::string& mode = "host");

// ST spells some long options with one dash (-vi, -vo): rewritten to --vi/--vo before parsing.
std::vector<std::string> normalize_st_args(int argc, char** argv);

}  // namespace eg::driver
