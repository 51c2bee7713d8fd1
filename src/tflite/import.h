// TensorFlow Lite flatbuffer (schema v3, identifier "TFL3") -> IR graph. The
// graph keeps TFLite's own operators (CONV_2D, ADD, ...; src/ops/tflite_*.cpp)
// and NHWC layout; constants are the model's buffers.
#pragma once
#include <string>

#include "ir/graph.h"

namespace eg::tflite_import {

// True when the bytes carry the TFL3 identifier at offsets 4..7 (the content, not the file's name).
bool is_tflite(const std::string& bytes);
bool is_tflite_file(const std::string& path);

// Throws CompileError naming the file on anything unreadable: a buffer that
// fails verification, an index out of range, a shape that does not fit.
Graph load_model(const std::string& path);
// The same from the file's bytes (path names the file in errors).
Graph parse_model(const std::string& bytes, const std::string& path);

}  // namespace eg::tflite_import
