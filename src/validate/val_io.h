// validate's <name>_val_io.npz (as ST's network_val_io.npz): what was compared, readable with
// numpy.load. m_inputs_<k>: the model's input k for every sample ([samples, ...], the model's type);
// m_outputs_<k>: the reference output k as compared (quantized outputs on the generated output's
// grid); c_outputs_<k>: the generated C's output k, model-level (dequantized); both float32
// [samples, ...]. The metrics of the report are computed from m_outputs and c_outputs.
#pragma once
#include <string>

#include "validate/validate.h"

namespace eg::validate {

std::string val_io_npz(const pipeline::Compiled& c, const ValidateResult& r);

}  // namespace eg::validate
