// validate --full: each C layer's outputs, as the generated code computed them (the host harness's
// layer dump), against the reference interpreter's tensor of the same name and shape. Tensors the
// passes made (a channels-last copy, a fused intermediate) have names of their own and are counted
// as not compared.
#pragma once
#include "validate/validate.h"

namespace eg::validate {

// Reads o.layers_dump; fills r.layers (one per compared layer output, in layer order) and
// r.layers_not_compared.
void compare_layers(const pipeline::Compiled& c, const ValidateOptions& o, ValidateResult& r);

}  // namespace eg::validate
