// Pooling, reductions, Softmax family, normalizations, LSTM and RNN.
#include "ops/registry.h"

namespace eg::ops {

void register_pool_norm() {}

}  // namespace eg::ops
