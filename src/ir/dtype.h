// Element types of IR tensors and their properties.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace eg {

enum class DType : uint8_t {
  Undefined,
  F32,
  F64,
  F16,
  BF16,
  I8,
  U8,
  I16,
  U16,
  I32,
  U32,
  I64,
  U64,
  Bool,
  String,
  Other,  // an ONNX type we read but cannot compute (float8, int4, complex...)
};

size_t dtype_size(DType t);
// Short name used in reports and errors: "float", "int8", "int32", ...
std::string_view dtype_name(DType t);
// C type used in generated code: "float", "int8_t", ...
std::string_view dtype_ctype(DType t);
// ST report style short name: "f32", "s8", "s32", ...
std::string_view dtype_short(DType t);
DType dtype_from_onnx(int onnx_elem_type);
bool dtype_is_float(DType t);
bool dtype_is_integer(DType t);
// Types a Cortex-M application computes with; others are read but not compiled.
bool dtype_is_compilable(DType t);

}  // namespace eg
