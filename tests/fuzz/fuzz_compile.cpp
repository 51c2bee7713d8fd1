// libFuzzer target: arbitrary bytes as an ONNX model file through the whole compiler
// (import -> shape inference/folding -> passes -> memory plan -> C emission).
// A CompileError is the expected answer to a bad model; anything else that escapes
// (another exception, a sanitizer report, a crash, a hang) is a finding.
// Built by -DEDGEGEN_SANITIZE=ON with clang; run by bench/fuzz.sh (and a CI smoke test).
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "pipeline/compile.h"
#include "util/error.h"

namespace {

// One scratch model file per fuzzing process (the importer reads a path).
const std::string& scratch_path() {
  static const std::string path = [] {
    std::string tmpl = "/tmp/edgegen-fuzz-XXXXXX";
    const int fd = mkstemp(tmpl.data());
    if (fd < 0) std::abort();
    close(fd);
    std::atexit([] { unlink(scratch_path().c_str()); });
    return tmpl;
  }();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = scratch_path();
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) std::abort();
  if (size && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);
  eg::pipeline::Options o;
  o.model = path;
  o.target = *eg::toolchain::find_target("host");
  static const eg::Optimization kModes[] = {eg::Optimization::Time, eg::Optimization::Balanced, eg::Optimization::Ram};
  o.optimization = kModes[size % 3];
  o.max_tensor_bytes = int64_t{1} << 20;  // small tensors keep executions fast; the limit logic is the same
  try {
    eg::pipeline::compile(o);
  } catch (const eg::CompileError&) {
  }
  return 0;
}
