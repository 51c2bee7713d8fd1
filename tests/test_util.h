// Paths and small helpers shared by the tests.
#pragma once
#include <filesystem>
#include <string>
#include <unistd.h>

#include "pipeline/compile.h"

namespace eg::test {

inline std::string shared_dir() { return std::string(EDGEGEN_SOURCE_DIR) + "/../shared"; }
inline std::string model_path(const std::string& name) { return shared_dir() + "/models/" + name + "/model.onnx"; }
inline std::string model_dir(const std::string& name) { return shared_dir() + "/models/" + name; }

// A fresh empty folder under the system temp dir.
inline std::string temp_dir(const std::string& tag) {
  auto p = std::filesystem::temp_directory_path() / ("edgegen-test-" + tag + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p.string();
}

// A shared model compiled with the default options but --optimization.
inline pipeline::Compiled compile_model(const std::string& name, Optimization opt = Optimization::Time) {
  pipeline::Options o;
  o.model = model_path(name);
  o.optimization = opt;
  return pipeline::compile(o);
}

}  // namespace eg::test
