// Element-wise ops (unary, binary with broadcasting, variadic), logic, Cast, Where.
#include "ops/registry.h"

namespace eg::ops {

void register_elementwise() {}

}  // namespace eg::ops
