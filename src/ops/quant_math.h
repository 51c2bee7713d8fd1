// Fixed-point requantization parameters for int8 kernels.
#pragma once
#include <cmath>
#include <cstdint>
#include <vector>

#include "ir/graph.h"

namespace eg::ops {

// real_multiplier = mult * 2^(shift - 31), mult in [2^30, 2^31).
struct FixedMultiplier {
  int32_t mult = 0;
  int32_t shift = 0;
};

inline FixedMultiplier to_fixed(double real) {
  FixedMultiplier f;
  if (real == 0.0) return f;
  int exp = 0;
  double m = std::frexp(real, &exp);  // real = m * 2^exp, m in [0.5, 1)
  auto q = static_cast<int64_t>(std::llround(m * 2147483648.0));
  if (q == (int64_t{1} << 31)) {
    q /= 2;
    ++exp;
  }
  if (exp < -31) return FixedMultiplier{};  // underflows to zero
  f.mult = static_cast<int32_t>(q);
  f.shift = exp;
  return f;
}

// Clamp range of a fused activation, in the output's quantized domain.
inline std::pair<int32_t, int32_t> quantized_act_range(float lo, float hi, float scale, int32_t zp,
                                                       int32_t qmin = -128, int32_t qmax = 127) {
  auto q = [&](float v) -> double { return std::nearbyint(v / scale) + zp; };
  int32_t a = qmin, b = qmax;
  if (std::isfinite(lo)) a = static_cast<int32_t>(std::max<double>(qmin, std::min<double>(qmax, q(lo))));
  if (std::isfinite(hi)) b = static_cast<int32_t>(std::max<double>(qmin, std::min<double>(qmax, q(hi))));
  return {a, b};
}

}  // namespace eg::ops
