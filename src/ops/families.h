// One registration function per op family file (src/ops/<family>.cpp).
#pragma once
#include <string>

namespace eg::ops {

void register_quantize();
void register_conv();
void register_gemm();
void register_rnn();
void register_movement();
void register_activation();

// True for ops whose output is a view of the input (no copy).
bool is_view_op(const std::string& op);

inline void register_all_families() {
  register_quantize();
  register_conv();
  register_gemm();
  register_rnn();
  register_movement();
  register_activation();
}

}  // namespace eg::ops
