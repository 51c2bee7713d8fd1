#include "ir/dtype.h"

namespace eg {

size_t dtype_size(DType t) {
  switch (t) {
    case DType::F32: return 4;
    case DType::F64: return 8;
    case DType::F16: return 2;
    case DType::BF16: return 2;
    case DType::I8: return 1;
    case DType::U8: return 1;
    case DType::I16: return 2;
    case DType::U16: return 2;
    case DType::I32: return 4;
    case DType::U32: return 4;
    case DType::I64: return 8;
    case DType::U64: return 8;
    case DType::Bool: return 1;
    default: return 0;
  }
}

std::string_view dtype_name(DType t) {
  switch (t) {
    case DType::F32: return "float";
    case DType::F64: return "double";
    case DType::F16: return "float16";
    case DType::BF16: return "bfloat16";
    case DType::I8: return "int8";
    case DType::U8: return "uint8";
    case DType::I16: return "int16";
    case DType::U16: return "uint16";
    case DType::I32: return "int32";
    case DType::U32: return "uint32";
    case DType::I64: return "int64";
    case DType::U64: return "uint64";
    case DType::Bool: return "bool";
    case DType::String: return "string";
    case DType::Other: return "other";
    default: return "undefined";
  }
}

std::string_view dtype_ctype(DType t) {
  switch (t) {
    case DType::F32: return "float";
    case DType::F64: return "double";
    case DType::I8: return "int8_t";
    case DType::U8: return "uint8_t";
    case DType::I16: return "int16_t";
    case DType::U16: return "uint16_t";
    case DType::I32: return "int32_t";
    case DType::U32: return "uint32_t";
    case DType::I64: return "int64_t";
    case DType::U64: return "uint64_t";
    case DType::Bool: return "uint8_t";
    default: return "void";
  }
}

std::string_view dtype_short(DType t) {
  switch (t) {
    case DType::F32: return "f32";
    case DType::F64: return "f64";
    case DType::I8: return "s8";
    case DType::U8: return "u8";
    case DType::I16: return "s16";
    case DType::U16: return "u16";
    case DType::I32: return "s32";
    case DType::U32: return "u32";
    case DType::I64: return "s64";
    case DType::U64: return "u64";
    case DType::Bool: return "bool";
    default: return "?";
  }
}

DType dtype_from_onnx(int e) {
  // Values of onnx::TensorProto_DataType.
  switch (e) {
    case 1: return DType::F32;
    case 2: return DType::U8;
    case 3: return DType::I8;
    case 4: return DType::U16;
    case 5: return DType::I16;
    case 6: return DType::I32;
    case 7: return DType::I64;
    case 8: return DType::String;
    case 9: return DType::Bool;
    case 10: return DType::F16;
    case 11: return DType::F64;
    case 12: return DType::U32;
    case 13: return DType::U64;
    case 16: return DType::BF16;
    case 0: return DType::Undefined;
    default: return DType::Other;
  }
}

bool dtype_is_float(DType t) {
  return t == DType::F32 || t == DType::F64 || t == DType::F16 || t == DType::BF16;
}

bool dtype_is_integer(DType t) {
  switch (t) {
    case DType::I8: case DType::U8: case DType::I16: case DType::U16:
    case DType::I32: case DType::U32: case DType::I64: case DType::U64:
      return true;
    default:
      return false;
  }
}

bool dtype_is_compilable(DType t) {
  switch (t) {
    case DType::F32: case DType::I8: case DType::U8: case DType::I16: case DType::U16:
    case DType::I32: case DType::I64: case DType::Bool:
      return true;
    default:
      return false;
  }
}

}  // namespace eg
