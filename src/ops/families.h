// One registration function per op family file (src/ops/<family>.cpp).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace eg::ops {

void register_quantize();
void register_conv();
void register_gemm();
void register_rnn();
void register_movement();
void register_activation();
void register_elementwise();  // unary/binary/variadic element-wise, logic, Cast, Where (elementwise.cpp)
void register_pool_norm();    // pools, reductions, ArgMax/TopK, Softmax family, normalizations (pool_norm.cpp)
// Slice/Pad/Expand/Tile/... (tensor_ops.cpp), which also registers ConvTranspose (tensor_conv.cpp),
// Gather/Scatter forms (tensor_index.cpp), QOperator forms (tensor_quant.cpp) and Resize (tensor_resize.cpp)
void register_tensor_ops();
void register_lut();          // internal LookupTable: int8 element-wise functions as tables (lut.cpp)
void register_io_convert();   // internal SignFlip8: uint8 <-> int8 I/O (io_convert.cpp)
void register_tflite_conv();  // TFLite CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED (tflite_conv.cpp)
void register_tflite_misc();  // TFLite pools, ADD/SUB, SOFTMAX, RESHAPE (tflite_misc.cpp)
void register_tflite_tensor();  // TFLite SQUEEZE, joins, splits, TRANSPOSE, slices, pads, resize (tflite_tensor.cpp)
void register_tflite_activation();  // TFLite LOGISTIC, TANH, RELU*, HARD_SWISH, QUANTIZE... (tflite_activation.cpp)
void register_tflite_arith();  // TFLite MUL, MAXIMUM/MINIMUM, MEAN and float ADD/SUB (tflite_arith.cpp)
void register_tflite_lstm();   // TFLite UNIDIRECTIONAL_SEQUENCE_LSTM, float32 (tflite_lstm.cpp)
void register_control_flow(); // If/Loop/Scan known at compile time, expanded while inferring (control_flow.cpp)
void register_attention();    // Attention, expanded into MatMul/Softmax/... while inferring (attention.cpp)

// True for ops whose output is a view of the input (no copy).
bool is_view_op(const std::string& op);
// A Transpose node's permutation (default: reversed axes) with negative axes made non-negative;
// infer_transpose has checked it is a permutation of `rank` axes.
std::vector<int64_t> perm_of(const Node& n, size_t rank);

inline void register_all_families() {
  register_quantize();
  register_conv();
  register_gemm();
  register_rnn();
  register_movement();
  register_activation();
  register_elementwise();
  register_pool_norm();
  register_tensor_ops();
  register_lut();
  register_io_convert();
  register_tflite_conv();
  register_tflite_misc();
  register_tflite_tensor();
  register_tflite_activation();
  register_tflite_arith();
  register_tflite_lstm();
  register_control_flow();
  register_attention();
}

}  // namespace eg::ops
