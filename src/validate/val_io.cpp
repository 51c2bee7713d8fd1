#include "validate/val_io.h"

#include <cstring>

#include "io/tensor_io.h"

namespace eg::validate {
namespace {

Tensor float_array(const std::vector<double>& values, size_t samples, const Shape& per_sample) {
  Tensor t;
  t.dtype = DType::F32;
  t.shape = {static_cast<int64_t>(samples)};
  t.shape.insert(t.shape.end(), per_sample.begin(), per_sample.end());
  t.data.resize(values.size() * sizeof(float));
  for (size_t i = 0; i < values.size(); ++i) {
    const float f = static_cast<float>(values[i]);
    std::memcpy(t.data.data() + i * sizeof(float), &f, sizeof f);
  }
  if (static_cast<size_t>(t.elements()) != values.size()) t.shape = {static_cast<int64_t>(values.size())};
  return t;
}

}  // namespace

std::string val_io_npz(const pipeline::Compiled& c, const ValidateResult& r) {
  std::vector<std::pair<std::string, Tensor>> arrays;
  const size_t samples = r.inputs.size();
  for (size_t k = 0; k < c.original.inputs.size(); ++k) {
    Tensor t = c.original.t(c.original.inputs[k]);
    t.is_const = false;
    t.shape.insert(t.shape.begin(), static_cast<int64_t>(samples));
    t.data.clear();
    for (const auto& s : r.inputs) t.data.insert(t.data.end(), s[k].data.begin(), s[k].data.end());
    arrays.emplace_back("m_inputs_" + std::to_string(k + 1), std::move(t));
  }
  for (size_t k = 0; k < r.outputs.size(); ++k) {
    const Shape& shape = c.original.t(c.original.outputs[k]).shape;
    arrays.emplace_back("m_outputs_" + std::to_string(k + 1), float_array(r.reference_values[k], samples, shape));
    arrays.emplace_back("c_outputs_" + std::to_string(k + 1), float_array(r.output_values[k], samples, shape));
  }
  return io::npz_bytes(arrays);
}

}  // namespace eg::validate
