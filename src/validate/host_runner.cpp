#include "validate/host_runner.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "toolchain/tools.h"
#include "util/error.h"

namespace eg::validate {
namespace fs = std::filesystem;
using toolchain::quote;
using toolchain::run_command;

std::string activation_buffers(const pipeline::Compiled& c, const std::string& array, const std::string& S) {
  std::string d;
  for (size_t r = 1; r <= std::max<size_t>(c.plan.regions.size(), 1); ++r)
    d += "static STAI_ALIGNED(8) uint8_t " + array + "_" + std::to_string(r) + "[" + S + "_ACTIVATION_" +
         std::to_string(r) + "_SIZE_BYTES + 8];\n";
  return d;
}

std::string point_activations(const pipeline::Compiled& c, const std::string& array, const std::string& ptrs) {
  std::string d;
  for (size_t r = 0; r < std::max<size_t>(c.plan.regions.size(), 1); ++r)
    d += "  " + ptrs + "[" + std::to_string(r) + "] = " + array + "_" + std::to_string(r + 1) + ";\n";
  return d;
}

namespace {

// validate --full: a callback that writes each node's outputs after it runs, as records
// {u32 node, u32 name bytes, u32 data bytes} name data; {0xffffffff, 0, 0} starts each sample.
std::string layer_dump_c(const std::string& name) {
  const std::string d = name + "_details";
  return "#include \"" + d + ".h\"\n\nstatic FILE *layers_out;\n\n"
         "static void on_layer(void *cookie, const stai_event_type type, const void *payload) {\n"
         "  const stai_event_node_start_stop *ev = (const stai_event_node_start_stop *)payload;\n"
         "  stai_size j;\n  (void)cookie;\n  if (type != STAI_EVENT_NODE_STOP) return;\n"
         "  for (j = 0; j < ev->buffers.size; ++j) {\n"
         "    const stai_tensor *t = &" + d + ".tensors[" + d + ".nodes[ev->node_id].output_tensors.data[j]];\n"
         "    const uint32_t head[3] = {(uint32_t)ev->node_id, (uint32_t)strlen(t->name), t->size_bytes};\n"
         "    fwrite(head, sizeof head, 1, layers_out);\n    fwrite(t->name, 1, head[1], layers_out);\n"
         "    fwrite(ev->buffers.data[j], 1, t->size_bytes, layers_out);\n  }\n}\n\n";
}

// --no-inputs/outputs-allocation: the network has no I/O buffers of its own; the harness gives its
// own (static, aligned) and the layers read and write them in place.
std::string app_io_buffers(const pipeline::Compiled& c, const std::string& name, const std::string& P) {
  std::ostringstream o;
  for (bool out : {false, true}) {
    const auto& ids = out ? c.lowered.outputs : c.lowered.inputs;
    bool any = false;
    for (size_t k = 0, api = 0; k < ids.size(); ++k) {
      if (out ? c.lowered.is_state_output(k) : c.lowered.is_state_input(k)) continue;  // not st-ai I/O
      const size_t at = api++;
      if (!c.plan.app_buffer.count(ids[k])) continue;
      const std::string buf = std::string(out ? "app_out_" : "app_in_") + std::to_string(at);
      o << "  {\n    static STAI_ALIGNED(8) uint8_t " << buf << "[" << std::max<size_t>(c.lowered.t(ids[k]).bytes(), 1)
        << "];\n    " << (out ? "outs[" : "ins[") << at << "] = " << buf << ";\n  }\n";
      any = true;
    }
    if (any)
      o << "  if (stai_" << name << (out ? "_set_outputs(context, outs, STAI_" : "_set_inputs(context, ins, STAI_") << P
        << (out ? "_OUT_NUM" : "_IN_NUM") << ") != STAI_SUCCESS) return 4;\n";
  }
  return o.str();
}

}  // namespace

std::string harness_c(const pipeline::Compiled& c, bool layer_dump) {
  const std::string& name = c.options.name;
  std::string P = name;
  for (auto& ch : P) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  std::ostringstream o;
  o << "/* validate harness: reads samples from files, runs the network, writes outputs. */\n"
    << "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n#include \"" << name << ".h\"\n\n"
    << (layer_dump ? layer_dump_c(name) : std::string())
    << activation_buffers(c, "activations", "STAI_" + P)
    << "static STAI_ALIGNED(8) stai_network context[STAI_" << P << "_CONTEXT_SIZE];\n\n"
    << "int main(int argc, char **argv) {\n"
    << "  const long in_bytes[] = {";
  for (size_t k = 0; k < c.lowered.inputs.size(); ++k) o << c.lowered.t(c.lowered.inputs[k]).bytes() << ", ";
  o << "0};\n  const long out_bytes[] = {";
  for (size_t k = 0; k < c.lowered.outputs.size(); ++k) o << c.lowered.t(c.lowered.outputs[k]).bytes() << ", ";
  o << "0};\n"
    << "  const int n_in = STAI_" << P << "_IN_NUM, n_out = STAI_" << P << "_OUT_NUM;\n"
    << "  FILE *fi[STAI_" << P << "_IN_NUM + 1], *fo[STAI_" << P << "_OUT_NUM + 1];\n"
    << "  stai_ptr act[STAI_" << P << "_ACTIVATIONS_NUM], ins[STAI_" << P << "_IN_NUM + 1], outs[STAI_" << P << "_OUT_NUM + 1];\n"
    << "  stai_size n;\n  long samples, s;\n  int k;\n"
    << "  if (argc != " << (layer_dump ? 3 : 2) << " + n_in + n_out) { fprintf(stderr, \"usage: samples inputs... outputs..."
    << (layer_dump ? " layers" : "") << "\\n\"); return 2; }\n"
    << "  samples = atol(argv[1]);\n"
    << "  for (k = 0; k < n_in; ++k) if (!(fi[k] = fopen(argv[2 + k], \"rb\"))) return 3;\n"
    << "  for (k = 0; k < n_out; ++k) if (!(fo[k] = fopen(argv[2 + n_in + k], \"wb\"))) return 3;\n"
    << "  if (stai_" << name << "_init(context) != STAI_SUCCESS) return 4;\n"
    << (layer_dump ? "  if (!(layers_out = fopen(argv[2 + n_in + n_out], \"wb\"))) return 3;\n"
                     "  if (stai_" + name + "_set_callback(context, on_layer, NULL) != STAI_SUCCESS) return 4;\n"
                   : std::string())
    << point_activations(c, "activations", "act")
    << "  if (stai_" << name << "_set_activations(context, act, STAI_" << P << "_ACTIVATIONS_NUM) != STAI_SUCCESS) return 4;\n"
    << "  if (stai_" << name << "_get_inputs(context, ins, &n) != STAI_SUCCESS || n != n_in) return 4;\n"
    << "  if (stai_" << name << "_get_outputs(context, outs, &n) != STAI_SUCCESS || n != n_out) return 4;\n"
    << app_io_buffers(c, name, P)
    << "  for (s = 0; s < samples; ++s) {\n"
    << "    for (k = 0; k < n_in; ++k) if (fread(ins[k], 1, (size_t)in_bytes[k], fi[k]) != (size_t)in_bytes[k]) return 5;\n"
    << (layer_dump ? "    {\n      const uint32_t mark[3] = {0xffffffffu, 0u, 0u};\n      fwrite(mark, sizeof mark, 1, layers_out);\n    }\n"
                   : "")
    << "    if (stai_" << name << "_run(context, STAI_MODE_SYNC) != STAI_SUCCESS) return 6;\n"
    << "    for (k = 0; k < n_out; ++k) fwrite(outs[k], 1, (size_t)out_bytes[k], fo[k]);\n"
    << "  }\n"
    << "  for (k = 0; k < n_in; ++k) fclose(fi[k]);\n"
    << "  for (k = 0; k < n_out; ++k) fclose(fo[k]);\n"
    << (layer_dump ? "  if (fclose(layers_out) != 0) return 5;\n" : "")
    << "  stai_" << name << "_deinit(context);\n  return 0;\n}\n";
  return o.str();
}

HostBuild build_host(const pipeline::Compiled& c, const std::string& dir, const std::string& cc, bool layer_dump) {
  fs::create_directories(dir);
  std::string sources;
  for (const auto& [f, content] : c.code.files) {
    std::ofstream(fs::path(dir) / f, std::ios::binary) << content;
    if (f.size() > 2 && f.substr(f.size() - 2) == ".c") sources += " " + f;
  }
  std::ofstream(fs::path(dir) / "harness.c") << harness_c(c, layer_dump);
  HostBuild b;
  b.exe = (fs::path(dir) / "network_host").string();
  std::string out;
  const std::string cmd = "cd " + quote(dir) + " && " + cc + " -std=c99 -Wall -Wextra -Werror -pedantic -O2 -I." + sources +
                          " harness.c -o network_host -lm";
  if (run_command(cmd, &out) != 0) throw CompileError(c.options.model + ": generated C failed to build:\n" + out);
  return b;
}

std::vector<std::vector<uint8_t>> run_host(const pipeline::Compiled& c, const HostBuild& b, const std::string& dir,
                                           const std::vector<std::vector<uint8_t>>& inputs, size_t samples,
                                           const std::string& layers_dump) {
  std::string args = std::to_string(samples);
  for (size_t k = 0; k < inputs.size(); ++k) {
    const std::string p = (fs::path(dir) / ("in_" + std::to_string(k) + ".bin")).string();
    std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(inputs[k].data()),
                                              static_cast<std::streamsize>(inputs[k].size()));
    args += " " + quote(p);
  }
  for (size_t k = 0; k < c.lowered.outputs.size(); ++k)
    args += " " + quote((fs::path(dir) / ("out_" + std::to_string(k) + ".bin")).string());
  if (!layers_dump.empty()) args += " " + quote(layers_dump);
  std::string out;
  const int rc = run_command(quote(b.exe) + " " + args, &out);
  if (rc != 0) throw CompileError(c.options.model + ": generated network failed to run (exit " + std::to_string(rc) + ")" + out);
  std::vector<std::vector<uint8_t>> res;
  for (size_t k = 0; k < c.lowered.outputs.size(); ++k) {
    std::ifstream in(fs::path(dir) / ("out_" + std::to_string(k) + ".bin"), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string s = ss.str();
    res.emplace_back(s.begin(), s.end());
  }
  return res;
}

}  // namespace eg::validate
