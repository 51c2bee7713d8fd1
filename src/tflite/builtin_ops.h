// TFLite builtin operators: their names (BuiltinOperator enum of the schema)
// and their options as node attributes.
#pragma once
#include <string>

#include "ir/graph.h"

namespace tflite {
struct Operator;
}

namespace eg::tflite_import {

// "CONV_2D" for 3, ...; "BUILTIN_<n>" for a code this table does not name.
std::string builtin_name(int32_t code);

// The operator's builtin options as attributes: padding (0 SAME, 1 VALID), stride_h/w,
// dilation_h/w, depth_multiplier, filter_h/w, activation (ActivationFunctionType),
// keep_num_dims, beta, axis, keep_dims, new_shape, squeeze_dims, the strided-slice masks, num_splits,
// values_count, num, align_corners, half_pixel_centers, alpha, cell_clip, proj_clip, time_major.
void read_options(const tflite::Operator& op, Node& n);

}  // namespace eg::tflite_import
