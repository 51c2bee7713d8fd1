#include "ops/tensor_common.h"
namespace eg::ops {
void register_tensor_conv() {}
}  // namespace eg::ops
