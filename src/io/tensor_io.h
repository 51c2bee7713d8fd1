// Reading and writing tensors for validate: .npy, .npz (libzip) and .pb
// (serialized onnx.TensorProto, as in test_data_set_* folders).
#pragma once
#include <string>
#include <vector>

#include "ir/graph.h"

namespace eg::io {

// One file: .npy or .pb -> one tensor; .npz -> its arrays in archive order; .csv -> one float32
// [rows, values per row] tensor (a sample per row).
std::vector<Tensor> load_tensors(const std::string& path);
void save_npy(const Tensor& t, const std::string& path);
// The bytes of a .npy file, and of a .npz archive (zip of NAME.npy, in the given order; the same
// arrays give the same bytes).
std::string npy_bytes(const Tensor& t);
std::string npz_bytes(const std::vector<std::pair<std::string, Tensor>>& arrays);

}  // namespace eg::io
