// gemmlowp's fixed-point functions on raw int32 values (Qm.n: m integer bits, n = 31 - m), as
// TFLite's int8 LOGISTIC and TANH evaluate them. The compiler runs them for the 256 int8 inputs
// and emits the table: the device only looks up (eg_lut_s8).
#pragma once
#include <cstdint>
#include <limits>

extern "C" {
#include "eg_common.h"
}

namespace eg::ops::tfl::fx {

// SaturatingRoundingMultiplyByPOT for e > 0: x * 2^e, saturated.
inline int32_t shl_sat(int32_t x, int e) {
  const int32_t threshold = static_cast<int32_t>((int64_t{1} << (31 - e)) - 1);
  if (x > threshold) return std::numeric_limits<int32_t>::max();
  if (x < -threshold) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(static_cast<uint32_t>(x) << e);
}

inline int32_t mul(int32_t a, int32_t b) { return eg_srdhm(a, b); }

// exp(a) for a in [-1/4, 0), Q0.31: Taylor series around -1/8.
inline int32_t exp_quarter(int32_t a) {
  const int32_t exp_m1_8 = 1895147668, one_third = 715827883;
  const int32_t x = a + (1 << 28), x2 = mul(x, x), x3 = mul(x2, x), x4 = mul(x2, x2);
  const int32_t poly = eg_rdbpot(mul(eg_rdbpot(x4, 2) + x3, one_third) + x2, 1);
  return exp_m1_8 + mul(exp_m1_8, x + poly);
}

// exp(a) for a <= 0 in Q(bits).(31-bits), bits <= 5; result Q0.31.
inline int32_t exp_on_negative_values(int32_t a, int bits) {
  static const int32_t kMult[7] = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
  const int frac = 31 - bits;
  const int32_t quarter = 1 << (frac - 2);
  const int32_t rem_quarter = (a & (quarter - 1)) - quarter;
  int32_t result = exp_quarter(shl_sat(rem_quarter, bits));
  const int32_t remainder = static_cast<int32_t>(static_cast<uint32_t>(rem_quarter) - static_cast<uint32_t>(a));
  for (int e = -2; e < bits && e <= 4; ++e)  // exp(-2^e) for each set bit of the remainder
    if (remainder & (1 << (frac + e))) result = mul(result, kMult[e + 2]);
  return a == 0 ? std::numeric_limits<int32_t>::max() : result;
}

// Newton-Raphson 1 / (2 * half_den) in Q2.29 (three steps from 48/17 - 32/17 * half_den).
inline int32_t reciprocal_q2(int32_t a) {
  const int64_t sum = int64_t{a} + std::numeric_limits<int32_t>::max();  // RoundingHalfSum(a, 1)
  const int32_t half_den = static_cast<int32_t>((sum + (sum >= 0 ? 1 : -1)) / 2);
  int32_t x = 1515870810 + mul(half_den, -1010580540);
  for (int i = 0; i < 3; ++i) x = x + shl_sat(mul(x, (1 << 29) - mul(half_den, x)), 2);
  return x;
}
// 1 / (1 + a) and (1 - a) / (1 + a) for a in [0, 1), Q0.31 in and out.
inline int32_t one_over_one_plus_x(int32_t a) { return shl_sat(reciprocal_q2(a), 1); }
inline int32_t one_minus_x_over_one_plus_x(int32_t a) { return shl_sat(reciprocal_q2(a) - (1 << 29), 2); }

// logistic(a), a in Q(bits); result Q0.31.
inline int32_t logistic(int32_t a, int bits) {
  if (a == 0) return 1 << 30;
  const int32_t abs_a = a > 0 ? a : -a;
  const int32_t pos = one_over_one_plus_x(exp_on_negative_values(-abs_a, bits));
  return a > 0 ? pos : std::numeric_limits<int32_t>::max() - pos;
}

// tanh(a), a in Q(bits); result Q0.31 (exp of -2|a|: the same raw value read with one more integer bit).
inline int32_t tanh(int32_t a, int bits) {
  if (a == 0) return 0;
  const int32_t neg_abs = a < 0 ? a : -a;
  const int32_t t = one_minus_x_over_one_plus_x(exp_on_negative_values(neg_abs, bits + 1));
  return a < 0 ? -t : t;
}

}  // namespace eg::ops::tfl::fx
