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

std::string harness_c(const pipeline::Compiled& c) {
  const std::string& name = c.options.name;
  std::string P = name;
  for (auto& ch : P) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  std::ostringstream o;
  o << "/* validate harness: reads samples from files, runs the network, writes outputs. */\n"
    << "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n#include \"" << name << ".h\"\n\n"
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
    << "  if (argc != 2 + n_in + n_out) { fprintf(stderr, \"usage: samples inputs... outputs...\\n\"); return 2; }\n"
    << "  samples = atol(argv[1]);\n"
    << "  for (k = 0; k < n_in; ++k) if (!(fi[k] = fopen(argv[2 + k], \"rb\"))) return 3;\n"
    << "  for (k = 0; k < n_out; ++k) if (!(fo[k] = fopen(argv[2 + n_in + k], \"wb\"))) return 3;\n"
    << "  if (stai_" << name << "_init(context) != STAI_SUCCESS) return 4;\n"
    << point_activations(c, "activations", "act")
    << "  if (stai_" << name << "_set_activations(context, act, STAI_" << P << "_ACTIVATIONS_NUM) != STAI_SUCCESS) return 4;\n"
    << "  if (stai_" << name << "_get_inputs(context, ins, &n) != STAI_SUCCESS || n != n_in) return 4;\n"
    << "  if (stai_" << name << "_get_outputs(context, outs, &n) != STAI_SUCCESS || n != n_out) return 4;\n"
    << "  for (s = 0; s < samples; ++s) {\n"
    << "    for (k = 0; k < n_in; ++k) if (fread(ins[k], 1, (size_t)in_bytes[k], fi[k]) != (size_t)in_bytes[k]) return 5;\n"
    << "    if (stai_" << name << "_run(context, STAI_MODE_SYNC) != STAI_SUCCESS) return 6;\n"
    << "    for (k = 0; k < n_out; ++k) fwrite(outs[k], 1, (size_t)out_bytes[k], fo[k]);\n"
    << "  }\n"
    << "  for (k = 0; k < n_in; ++k) fclose(fi[k]);\n"
    << "  for (k = 0; k < n_out; ++k) fclose(fo[k]);\n"
    << "  stai_" << name << "_deinit(context);\n  return 0;\n}\n";
  return o.str();
}

HostBuild build_host(const pipeline::Compiled& c, const std::string& dir, const std::string& cc) {
  fs::create_directories(dir);
  std::string sources;
  for (const auto& [f, content] : c.code.files) {
    std::ofstream(fs::path(dir) / f, std::ios::binary) << content;
    if (f.size() > 2 && f.substr(f.size() - 2) == ".c") sources += " " + f;
  }
  std::ofstream(fs::path(dir) / "harness.c") << harness_c(c);
  HostBuild b;
  b.exe = (fs::path(dir) / "network_host").string();
  std::string out;
  const std::string cmd = "cd " + quote(dir) + " && " + cc + " -std=c99 -Wall -Wextra -Werror -pedantic -O2 -I." + sources +
                          " harness.c -o network_host -lm";
  if (run_command(cmd, &out) != 0) throw CompileError(c.options.model + ": generated C failed to build:\n" + out);
  return b;
}

std::vector<std::vector<uint8_t>> run_host(const pipeline::Compiled& c, const HostBuild& b, const std::string& dir,
                                           const std::vector<std::vector<uint8_t>>& inputs, size_t samples) {
  std::string args = std::to_string(samples);
  for (size_t k = 0; k < inputs.size(); ++k) {
    const std::string p = (fs::path(dir) / ("in_" + std::to_string(k) + ".bin")).string();
    std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(inputs[k].data()),
                                              static_cast<std::streamsize>(inputs[k].size()));
    args += " " + quote(p);
  }
  for (size_t k = 0; k < c.lowered.outputs.size(); ++k)
    args += " " + quote((fs::path(dir) / ("out_" + std::to_string(k) + ".bin")).string());
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
