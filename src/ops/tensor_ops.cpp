// Tensor shape/data ops (Concat, Split, Slice, Pad, Resize...), ConvTranspose, general MatMul, QOperator forms.
#include "ops/registry.h"

namespace eg::ops {

void register_tensor_ops() {}

}  // namespace eg::ops
