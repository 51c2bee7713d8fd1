#include "driver/st_options.h"

#include <CLI/CLI.hpp>
#include <map>

#include "driver/memory_pool.h"
#include "passes/io_format.h"

namespace eg::driver {

void add_st_options(CLI::App* sub, StOptions& st, StCommand cmd) {
  const auto one_of = [](std::initializer_list<const char*> v) {
    return CLI::IsMember(std::vector<std::string>(v.begin(), v.end()), CLI::ignore_case);
  };
  sub->add_option("--type", st.type, "model type (keras, tflite, onnx): edgegen reads the file itself")
      ->check(one_of({"keras", "tflite", "onnx"}));
  std::map<std::string, Compression> levels;
  for (const auto& p : all_compressions()) levels[p.name] = p.level;
  sub->add_option("-c,--compression", st.compression,
                   "weight sharing on float Dense/Conv weights: none | lossless | low | medium | high")
      ->transform(CLI::CheckedTransformer(levels, CLI::ignore_case));
  sub->add_flag("--allocate-inputs", st.allocate_inputs, "inputs inside the activations buffer (the default)");
  sub->add_flag("--allocate-outputs", st.allocate_outputs, "outputs inside the activations buffer (the default)");
  sub->add_flag("--no-inputs-allocation", st.no_inputs_allocation, "the application provides the input buffers");
  sub->add_flag("--no-outputs-allocation", st.no_outputs_allocation, "the application provides the output buffers");
  sub->add_option("--input-memory-alignment", st.input_memory_alignment, "alignment of input buffers (bytes)")
      ->check(CLI::Range(1, 4096));
  sub->add_option("--output-memory-alignment", st.output_memory_alignment, "alignment of output buffers (bytes)")
      ->check(CLI::Range(1, 4096));
  const auto dtype = one_of({"float32", "int8", "uint8"});
  const auto chpos = one_of({"chfirst", "chlast"});
  sub->add_option("--input-data-type", st.input_data_type, "data type of each input: float32 | int8 | uint8")
      ->delimiter(',')
      ->check(dtype);
  sub->add_option("--output-data-type", st.output_data_type, "data type of each output: float32 | int8 | uint8")
      ->delimiter(',')
      ->check(dtype);
  sub->add_option("--inputs-ch-position", st.inputs_ch_position, "channel position of the inputs: chfirst | chlast")
      ->delimiter(',')
      ->check(chpos);
  sub->add_option("--outputs-ch-position", st.outputs_ch_position, "channel position of the outputs")
      ->delimiter(',')
      ->check(chpos);
  sub->add_option("--c-api", st.c_api, "generated API: st-ai | legacy")->check(one_of({"st-ai", "legacy"}));
  sub->add_option("--memory-pool", st.memory_pool, "file describing the RAM regions for the activations")
      ->check(CLI::ExistingFile);
  sub->add_flag("--split-weights", st.split_weights, "one C array per weight tensor (edgegen always does)");
  sub->add_flag("--fix-parametric-shapes", st.fix_parametric_shapes, "symbolic dimensions become static");
  sub->add_flag("--no-onnx-optimizer", st.no_onnx_optimizer, "ST's ONNX optimizer off (edgegen has its own passes)");
  sub->add_flag("--use-onnx-simplifier", st.use_onnx_simplifier, "ST's onnx-simplifier pass");
  sub->add_flag("--no-report", st.no_report, "write no report files into --output");
  sub->add_flag("--no-workspace", st.no_workspace, "remove the temporary files (the default without --workspace)");
  sub->add_option("-v,--verbosity", st.verbosity, "0 quiet, 1 summary (default), 2-3 the full report")
      ->check(CLI::Range(0, 3));
  sub->add_flag("--quiet", st.quiet, "no console output but errors");
  sub->add_option_function<std::vector<std::string>>(
         "--st-neural-art",
         [&st](const std::vector<std::string>& v) { st.st_neural_art = v.empty() || v[0].empty() ? "default" : v[0]; },
         "NPU compiler profile (STM32N6)")
      ->expected(0, 1);
  sub->add_flag("-r,--relocatable", st.relocatable, "relocatable binary network");
  sub->add_flag("--binary", st.binary, "weights as a binary file");
  sub->add_flag("--lib", st.lib, "network as a library");
  sub->add_flag("--dll", st.dll, "shared library for the host");
  sub->add_option("--address", st.address, "flash address of the relocatable network");
  sub->add_option("--copy-weights-at", st.copy_weights_at, "RAM address the weights are copied to");
  sub->add_option("--custom", st.custom, "custom layers description file");
  sub->add_flag("--prefetch-compressed-weights", st.prefetch_compressed_weights, "NPU weight prefetch");
  if (cmd == StCommand::Validate) {
    sub->add_flag("--classifier", st.classifier, "report classification metrics");
    sub->add_flag("--save-csv", st.save_csv, "save the inputs and outputs as csv files");
    sub->add_flag("--full", st.full, "per-layer comparison");
    sub->add_option("--desc", st.desc, "ST's board link description (edgegen: -d/--device serial:PORT)");
  }
}

void apply_st_options(const StOptions& st, pipeline::Options& o, bool validate, const std::string& mode) {
  if (!st.memory_pool.empty()) o.memory_regions = read_memory_pool(st.memory_pool);
  o.compression = st.compression;
  o.c_api = st.c_api == "legacy" ? emit::CApi::Legacy : emit::CApi::StAi;
  // validate runs the application's I/O buffers in the host harness only (the firmwares read and
  // write the network's own)
  if (!validate || mode == "host") {
    o.app_buffers.inputs = st.no_inputs_allocation;
    o.app_buffers.outputs = st.no_outputs_allocation;
  }
  auto type = [](const std::string& v) {
    return v == "float32" ? passes::IoType::Float32 : v == "int8" ? passes::IoType::Int8 : passes::IoType::UInt8;
  };
  auto position = [](const std::string& v) {
    return v == "chlast" ? passes::ChannelPosition::Last : passes::ChannelPosition::First;
  };
  for (const auto& v : st.input_data_type) o.io.input_types.push_back(type(v));
  for (const auto& v : st.output_data_type) o.io.output_types.push_back(type(v));
  for (const auto& v : st.inputs_ch_position) o.io.input_layouts.push_back(position(v));
  for (const auto& v : st.outputs_ch_position) o.io.output_layouts.push_back(position(v));
}

std::vector<std::string> st_notes(const StOptions& st, bool validate, const std::string& mode) {
  std::vector<std::string> n;
  if (st.input_memory_alignment || st.output_memory_alignment)
    n.push_back("--input/output-memory-alignment: I/O buffers have the alignment STAI_<NAME>_IN_1_ALIGNMENT states");
  if (validate && mode != "host" && (st.no_inputs_allocation || st.no_outputs_allocation))
    n.push_back("--no-inputs/outputs-allocation: validate --mode target runs the network with its I/O in the "
                "activations (generate and host validate apply it)");
  if (st.split_weights) n.push_back("--split-weights: edgegen writes one const array per weight tensor anyway");
  if (st.fix_parametric_shapes)
    n.push_back("--fix-parametric-shapes: edgegen makes symbolic batch-like dimensions 1");
  if (st.no_onnx_optimizer || st.use_onnx_simplifier)
    n.push_back("--no-onnx-optimizer/--use-onnx-simplifier: edgegen runs its own graph passes");
  if (!st.type.empty() && st.type != "onnx")
    n.push_back("--type " + st.type + ": edgegen recognizes the model from the file");
  if (st.save_csv || !st.desc.empty())
    n.push_back("--save-csv/--desc: validate saves <name>_val_io.npz (inputs, reference and generated outputs); "
                "--mode target --device serial:PORT runs a board");
  if (st.full && mode != "host")
    n.push_back("--full: the per-layer comparison runs in --mode host (the generated C with the host compiler)");
  if (!st.st_neural_art.empty() || st.relocatable || st.binary || st.lib || st.dll || !st.address.empty() ||
      !st.copy_weights_at.empty() || !st.custom.empty() || st.prefetch_compressed_weights)
    n.push_back("NPU/relocatable/library options: edgegen writes plain C sources for the Cortex-M core (link them "
                "into the firmware; the weights are one const blob in network_data.c that stai_<name>_set_weights "
                "moves at run time)");
  return n;
}

std::vector<std::string> normalize_st_args(int argc, char** argv) {
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-vi") a = "--vi";
    else if (a == "-vo") a = "--vo";
    args.push_back(a);
  }
  return args;
}

}  // namespace eg::driver
