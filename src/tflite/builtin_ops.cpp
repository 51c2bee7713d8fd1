#include "tflite/builtin_ops.h"

#include "tflite_schema_generated.h"

namespace eg::tflite_import {

std::string builtin_name(int32_t code) {
  // BuiltinOperator values 0..131, in the schema's order.
  static const char* const kNames[] = {
      "ADD", "AVERAGE_POOL_2D", "CONCATENATION", "CONV_2D", "DEPTHWISE_CONV_2D", "DEPTH_TO_SPACE", "DEQUANTIZE",
      "EMBEDDING_LOOKUP", "FLOOR", "FULLY_CONNECTED", "HASHTABLE_LOOKUP", "L2_NORMALIZATION", "L2_POOL_2D",
      "LOCAL_RESPONSE_NORMALIZATION", "LOGISTIC", "LSH_PROJECTION", "LSTM", "MAX_POOL_2D", "MUL", "RELU",
      "RELU_N1_TO_1", "RELU6", "RESHAPE", "RESIZE_BILINEAR", "RNN", "SOFTMAX", "SPACE_TO_DEPTH", "SVDF", "TANH",
      "CONCAT_EMBEDDINGS", "SKIP_GRAM", "CALL", "CUSTOM", "EMBEDDING_LOOKUP_SPARSE", "PAD",
      "UNIDIRECTIONAL_SEQUENCE_RNN", "GATHER", "BATCH_TO_SPACE_ND", "SPACE_TO_BATCH_ND", "TRANSPOSE", "MEAN", "SUB",
      "DIV", "SQUEEZE", "UNIDIRECTIONAL_SEQUENCE_LSTM", "STRIDED_SLICE", "BIDIRECTIONAL_SEQUENCE_RNN", "EXP",
      "TOPK_V2", "SPLIT", "LOG_SOFTMAX", "DELEGATE", "BIDIRECTIONAL_SEQUENCE_LSTM", "CAST", "PRELU", "MAXIMUM",
      "ARG_MAX", "MINIMUM", "LESS", "NEG", "PADV2", "GREATER", "GREATER_EQUAL", "LESS_EQUAL", "SELECT", "SLICE",
      "SIN", "TRANSPOSE_CONV", "SPARSE_TO_DENSE", "TILE", "EXPAND_DIMS", "EQUAL", "NOT_EQUAL", "LOG", "SUM",
      "SQRT", "RSQRT", "SHAPE", "POW", "ARG_MIN", "FAKE_QUANT", "REDUCE_PROD", "REDUCE_MAX", "PACK", "LOGICAL_OR",
      "ONE_HOT", "LOGICAL_AND", "LOGICAL_NOT", "UNPACK", "REDUCE_MIN", "FLOOR_DIV", "REDUCE_ANY", "SQUARE", "ZEROS_LIKE", "FILL",
      "FLOOR_MOD", "RANGE", "RESIZE_NEAREST_NEIGHBOR", "LEAKY_RELU", "SQUARED_DIFFERENCE", "MIRROR_PAD", "ABS",
      "SPLIT_V", "UNIQUE", "CEIL", "REVERSE_V2", "ADD_N", "GATHER_ND", "COS", "WHERE", "RANK", "ELU",
      "REVERSE_SEQUENCE", "MATRIX_DIAG", "QUANTIZE", "MATRIX_SET_DIAG", "ROUND", "HARD_SWISH", "IF", "WHILE",
      "NON_MAX_SUPPRESSION_V4", "NON_MAX_SUPPRESSION_V5", "SCATTER_ND", "SELECT_V2", "DENSIFY", "SEGMENT_SUM",
      "BATCH_MATMUL", "PLACEHOLDER_FOR_GREATER_OP_CODES", "CUMSUM", "CALL_ONCE", "BROADCAST_TO", "RFFT2D"};
  constexpr int32_t kCount = static_cast<int32_t>(sizeof(kNames) / sizeof(kNames[0]));
  if (code >= 0 && code < kCount) return kNames[code];
  return "BUILTIN_" + std::to_string(code);
}

void read_options(const tflite::Operator& op, Node& n) {
  auto i64 = [&](const char* k, int64_t v) { n.attrs[k] = v; };
  if (const auto* o = op.builtin_options_as_Conv2DOptions()) {
    i64("padding", o->padding());
    i64("stride_w", o->stride_w());
    i64("stride_h", o->stride_h());
    i64("dilation_w", o->dilation_w_factor());
    i64("dilation_h", o->dilation_h_factor());
    i64("activation", o->fused_activation_function());
  } else if (const auto* o = op.builtin_options_as_DepthwiseConv2DOptions()) {
    i64("padding", o->padding());
    i64("stride_w", o->stride_w());
    i64("stride_h", o->stride_h());
    i64("depth_multiplier", o->depth_multiplier());
    i64("dilation_w", o->dilation_w_factor());
    i64("dilation_h", o->dilation_h_factor());
    i64("activation", o->fused_activation_function());
  } else if (const auto* o = op.builtin_options_as_Pool2DOptions()) {
    i64("padding", o->padding());
    i64("stride_w", o->stride_w());
    i64("stride_h", o->stride_h());
    i64("filter_w", o->filter_width());
    i64("filter_h", o->filter_height());
    i64("activation", o->fused_activation_function());
  } else if (const auto* o = op.builtin_options_as_FullyConnectedOptions()) {
    i64("activation", o->fused_activation_function());
    i64("weights_format", o->weights_format());
    i64("keep_num_dims", o->keep_num_dims());
  } else if (const auto* o = op.builtin_options_as_SoftmaxOptions()) {
    n.attrs["beta"] = o->beta();
  } else if (const auto* o = op.builtin_options_as_AddOptions()) {
    i64("activation", o->fused_activation_function());
  } else if (const auto* o = op.builtin_options_as_SubOptions()) {
    i64("activation", o->fused_activation_function());
  } else if (const auto* o = op.builtin_options_as_MulOptions()) {
    i64("activation", o->fused_activation_function());
  } else if (const auto* o = op.builtin_options_as_ConcatenationOptions()) {
    i64("axis", o->axis());
    i64("activation", o->fused_activation_function());
  } else if (const auto* o = op.builtin_options_as_ReducerOptions()) {
    i64("keep_dims", o->keep_dims());
  } else if (const auto* o = op.builtin_options_as_ReshapeOptions()) {
    if (o->new_shape()) n.attrs["new_shape"] = std::vector<int64_t>(o->new_shape()->begin(), o->new_shape()->end());
  } else if (const auto* o = op.builtin_options_as_SqueezeOptions()) {
    n.attrs["squeeze_dims"] =
        o->squeeze_dims() ? std::vector<int64_t>(o->squeeze_dims()->begin(), o->squeeze_dims()->end()) : std::vector<int64_t>{};
  } else if (const auto* o = op.builtin_options_as_StridedSliceOptions()) {
    i64("begin_mask", o->begin_mask());
    i64("end_mask", o->end_mask());
    i64("ellipsis_mask", o->ellipsis_mask());
    i64("new_axis_mask", o->new_axis_mask());
    i64("shrink_axis_mask", o->shrink_axis_mask());
    i64("offset", o->offset());
  } else if (const auto* o = op.builtin_options_as_SplitOptions()) {
    i64("num_splits", o->num_splits());
  } else if (const auto* o = op.builtin_options_as_PackOptions()) {
    i64("values_count", o->values_count());
    i64("axis", o->axis());
  } else if (const auto* o = op.builtin_options_as_UnpackOptions()) {
    i64("num", o->num());
    i64("axis", o->axis());
  } else if (const auto* o = op.builtin_options_as_ResizeBilinearOptions()) {
    i64("align_corners", o->align_corners());
    i64("half_pixel_centers", o->half_pixel_centers());
  } else if (const auto* o = op.builtin_options_as_ResizeNearestNeighborOptions()) {
    i64("align_corners", o->align_corners());
    i64("half_pixel_centers", o->half_pixel_centers());
  } else if (const auto* o = op.builtin_options_as_LeakyReluOptions()) {
    n.attrs["alpha"] = o->alpha();
  } else if (const auto* o = op.builtin_options_as_UnidirectionalSequenceLSTMOptions()) {
    i64("activation", o->fused_activation_function());
    n.attrs["cell_clip"] = o->cell_clip();
    n.attrs["proj_clip"] = o->proj_clip();
    i64("time_major", o->time_major());
  }
}

}  // namespace eg::tflite_import
