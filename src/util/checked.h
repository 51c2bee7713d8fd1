// Checked size arithmetic: element counts, byte sizes and offsets computed from
// model-supplied dims never wrap. Overflow throws SizeOverflow (a CompileError);
// the shape inference loop names the node it happened in (ops/registry.cpp).
#pragma once
#include <cstdint>
#include <string>

#include "util/error.h"

namespace eg {

class SizeOverflow : public ReasonError {
 public:
  explicit SizeOverflow(const std::string& what = "size arithmetic overflows 64 bits") : ReasonError(what) {}
};

inline int64_t checked_mul(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) throw SizeOverflow();
  return r;
}

inline int64_t checked_add(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) throw SizeOverflow();
  return r;
}

inline int64_t checked_sub(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_sub_overflow(a, b, &r)) throw SizeOverflow();
  return r;
}

}  // namespace eg
