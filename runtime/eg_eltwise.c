#include "eg_eltwise.h"

#include <math.h>

#include "eg_math.h"

int32_t eg_elt_size(int32_t t) {
  switch (t) {
    case EG_ELT_F32: case EG_ELT_I32: return 4;
    case EG_ELT_I16: case EG_ELT_U16: return 2;
    case EG_ELT_I64: return 8;
    default: return 1;
  }
}

void eg_clamp_f32(const float *in, float *out, int32_t n, float lo, float hi) {
  int32_t i;
  for (i = 0; i < n; ++i) {
    float v = in[i];
    v = v < lo ? lo : v;
    out[i] = v > hi ? hi : v;
  }
}

void eg_clamp_s8(const int8_t *in, int8_t *out, int32_t n, int32_t lo, int32_t hi) {
  int32_t i;
  for (i = 0; i < n; ++i) {
    int32_t v = in[i];
    v = v < lo ? lo : v;
    out[i] = (int8_t)(v > hi ? hi : v);
  }
}

static float eg_softplus(float x) {
  /* log(1 + exp(x)) without overflow */
  return x > 0.0f ? x + log1pf(expf(-x)) : log1pf(expf(x));
}

static float eg_unary_one(int32_t op, float x, float alpha, float beta) {
  switch (op) {
    case EG_UN_ABS: return fabsf(x);
    case EG_UN_NEG: return -x;
    case EG_UN_RECIPROCAL: return 1.0f / x;
    case EG_UN_FLOOR: return floorf(x);
    case EG_UN_CEIL: return ceilf(x);
    case EG_UN_ROUND: return nearbyintf(x);
    case EG_UN_SQRT: return sqrtf(x);
    case EG_UN_EXP: return eg_expf(x);
    case EG_UN_LOG: return logf(x);
    case EG_UN_SIGMOID: return eg_sigmoidf(x);
    case EG_UN_TANH: return eg_tanhf(x);
    case EG_UN_HARDSIGMOID: {
      float v = alpha * x + beta;
      return v < 0.0f ? 0.0f : (v > 1.0f ? 1.0f : v);
    }
    case EG_UN_HARDSWISH: {
      float v = x * (1.0f / 6.0f) + 0.5f;
      return x * (v < 0.0f ? 0.0f : (v > 1.0f ? 1.0f : v));
    }
    case EG_UN_LEAKYRELU: return x < 0.0f ? alpha * x : x;
    case EG_UN_ELU: return x < 0.0f ? alpha * (expf(x) - 1.0f) : x;
    case EG_UN_SELU: return x > 0.0f ? beta * x : beta * (alpha * expf(x) - alpha);
    case EG_UN_CELU: {
      float neg = alpha * (expf(x / alpha) - 1.0f);
      return (x > 0.0f ? x : 0.0f) + (neg < 0.0f ? neg : 0.0f);
    }
    case EG_UN_SOFTPLUS: return eg_softplus(x);
    case EG_UN_SOFTSIGN: return x / (1.0f + fabsf(x));
    case EG_UN_THRESHOLDEDRELU: return x > alpha ? x : 0.0f;
    case EG_UN_ERF: return erff(x);
    case EG_UN_GELU: return 0.5f * x * (1.0f + erff(x * 0.70710678118654752f));
    case EG_UN_GELU_TANH:
      return 0.5f * x * (1.0f + tanhf(0.79788456080286536f * (x + 0.044715f * x * x * x)));
    case EG_UN_MISH: return x * tanhf(eg_softplus(x));
    case EG_UN_SIGN: return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : x);
    case EG_UN_SIN: return sinf(x);
    case EG_UN_COS: return cosf(x);
    case EG_UN_TAN: return tanf(x);
    case EG_UN_ASIN: return asinf(x);
    case EG_UN_ACOS: return acosf(x);
    case EG_UN_ATAN: return atanf(x);
    case EG_UN_SINH: return sinhf(x);
    case EG_UN_COSH: return coshf(x);
    case EG_UN_ASINH: return asinhf(x);
    case EG_UN_ACOSH: return acoshf(x);
    case EG_UN_ATANH: return atanhf(x);
    case EG_UN_SHRINK: return x < -alpha ? x + beta : (x > alpha ? x - beta : 0.0f);
    default: return x;
  }
}

void eg_unary_f32(int32_t op, const float *in, float *out, int32_t n, float alpha, float beta) {
  int32_t i;
  switch (op) { /* the most common ones without the per-element dispatch */
    case EG_UN_SIGMOID:
      for (i = 0; i < n; ++i) out[i] = 1.0f / (1.0f + expf(-in[i]));
      return;
    case EG_UN_TANH:
      for (i = 0; i < n; ++i) out[i] = tanhf(in[i]);
      return;
    default:
      for (i = 0; i < n; ++i) out[i] = eg_unary_one(op, in[i], alpha, beta);
      return;
  }
}

#define EG_UNARY_SIGNED(T, UT)                                                     \
  {                                                                                \
    const T *x = (const T *)in;                                                    \
    T *y = (T *)out;                                                               \
    for (i = 0; i < n; ++i) {                                                      \
      T v = x[i];                                                                  \
      switch (op) {                                                                \
        case EG_UN_ABS: y[i] = v < 0 ? (T)(0u - (UT)v) : v; break;                 \
        case EG_UN_NEG: y[i] = (T)(0u - (UT)v); break;                             \
        case EG_UN_SIGN: y[i] = (T)(v > 0 ? 1 : (v < 0 ? -1 : 0)); break;          \
        case EG_UN_NOT: y[i] = (T)(v == 0); break;                                 \
        case EG_UN_BITWISE_NOT: y[i] = (T)(~(UT)v); break;                         \
        default: y[i] = v; break;                                                  \
      }                                                                            \
    }                                                                              \
  }

#define EG_UNARY_UNSIGNED(T)                                                       \
  {                                                                                \
    const T *x = (const T *)in;                                                    \
    T *y = (T *)out;                                                               \
    for (i = 0; i < n; ++i) {                                                      \
      T v = x[i];                                                                  \
      switch (op) {                                                                \
        case EG_UN_NEG: y[i] = (T)(0u - v); break;                                 \
        case EG_UN_SIGN: y[i] = (T)(v != 0); break;                                \
        case EG_UN_NOT: y[i] = (T)(v == 0); break;                                 \
        case EG_UN_BITWISE_NOT: y[i] = (T)(~v); break;                             \
        default: y[i] = v; break;                                                  \
      }                                                                            \
    }                                                                              \
  }

void eg_unary_int(int32_t op, int32_t t, const void *in, void *out, int32_t n) {
  int32_t i;
  switch (t) {
    case EG_ELT_I8: EG_UNARY_SIGNED(int8_t, uint8_t) break;
    case EG_ELT_I16: EG_UNARY_SIGNED(int16_t, uint16_t) break;
    case EG_ELT_I32: EG_UNARY_SIGNED(int32_t, uint32_t) break;
    case EG_ELT_I64: EG_UNARY_SIGNED(int64_t, uint64_t) break;
    case EG_ELT_U16: EG_UNARY_UNSIGNED(uint16_t) break;
    default: EG_UNARY_UNSIGNED(uint8_t) break; /* uint8, bool */
  }
}

void eg_float_class(const float *in, uint8_t *out, int32_t n, int32_t mode) {
  int32_t i;
  for (i = 0; i < n; ++i) {
    float v = in[i];
    if (mode == 0) out[i] = (uint8_t)(v != v);
    else out[i] = (uint8_t)(((mode & 2) && v > 0.0f && isinf(v)) || ((mode & 4) && v < 0.0f && isinf(v)));
  }
}

static int64_t eg_load_int(const void *p, int32_t t, int32_t i) {
  switch (t) {
    case EG_ELT_I8: return ((const int8_t *)p)[i];
    case EG_ELT_I16: return ((const int16_t *)p)[i];
    case EG_ELT_U16: return ((const uint16_t *)p)[i];
    case EG_ELT_I32: return ((const int32_t *)p)[i];
    case EG_ELT_I64: return ((const int64_t *)p)[i];
    default: return ((const uint8_t *)p)[i];
  }
}

static void eg_store_int(void *p, int32_t t, int32_t i, int64_t v) {
  switch (t) {
    case EG_ELT_F32: ((float *)p)[i] = (float)v; break;
    case EG_ELT_I8: ((int8_t *)p)[i] = (int8_t)(uint8_t)(uint64_t)v; break;
    case EG_ELT_U8: ((uint8_t *)p)[i] = (uint8_t)(uint64_t)v; break;
    case EG_ELT_I16: ((int16_t *)p)[i] = (int16_t)(uint16_t)(uint64_t)v; break;
    case EG_ELT_U16: ((uint16_t *)p)[i] = (uint16_t)(uint64_t)v; break;
    case EG_ELT_I32: ((int32_t *)p)[i] = (int32_t)(uint32_t)(uint64_t)v; break;
    case EG_ELT_I64: ((int64_t *)p)[i] = v; break;
    default: ((uint8_t *)p)[i] = (uint8_t)(v != 0); break;
  }
}

void eg_cast(const void *in, int32_t in_type, void *out, int32_t out_type, int32_t n) {
  int32_t i;
  if (in_type == EG_ELT_F32) {
    const float *x = (const float *)in;
    for (i = 0; i < n; ++i) {
      float v = x[i];
      switch (out_type) {
        case EG_ELT_F32: ((float *)out)[i] = v; break;
        case EG_ELT_BOOL: ((uint8_t *)out)[i] = (uint8_t)(v != 0.0f); break;
        case EG_ELT_I64: ((int64_t *)out)[i] = v != v ? 0 : (int64_t)v; break;
        case EG_ELT_I32: ((int32_t *)out)[i] = v != v ? 0 : (int32_t)v; break;
        default: eg_store_int(out, out_type, i, v != v ? 0 : (int64_t)v); break;
      }
    }
    return;
  }
  for (i = 0; i < n; ++i) eg_store_int(out, out_type, i, eg_load_int(in, in_type, i));
}
