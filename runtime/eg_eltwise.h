/* edgegen runtime: element-wise kernels on flat buffers (clamps, unary math,
 * element type conversion). Broadcasting binary kernels: eg_eltwise_bin.h. */
#ifndef EG_ELTWISE_H
#define EG_ELTWISE_H
#include <stdint.h>

/* Element types of the element-wise kernels (bool is one byte, 0 or 1). */
enum {
  EG_ELT_F32 = 0,
  EG_ELT_I8 = 1,
  EG_ELT_U8 = 2,
  EG_ELT_I16 = 3,
  EG_ELT_U16 = 4,
  EG_ELT_I32 = 5,
  EG_ELT_I64 = 6,
  EG_ELT_BOOL = 7
};

/* Bytes of one element of type t. */
int32_t eg_elt_size(int32_t t);

void eg_clamp_f32(const float *in, float *out, int32_t n, float lo, float hi);
void eg_clamp_s8(const int8_t *in, int8_t *out, int32_t n, int32_t lo, int32_t hi);

/* Unary float functions; alpha/beta as the ONNX attributes of the op. */
enum {
  EG_UN_ABS = 0,
  EG_UN_NEG,
  EG_UN_RECIPROCAL,
  EG_UN_FLOOR,
  EG_UN_CEIL,
  EG_UN_ROUND, /* half to even */
  EG_UN_SQRT,
  EG_UN_EXP,
  EG_UN_LOG,
  EG_UN_SIGMOID,
  EG_UN_TANH,
  EG_UN_HARDSIGMOID, /* max(0, min(1, alpha * x + beta)) */
  EG_UN_HARDSWISH,
  EG_UN_LEAKYRELU, /* alpha */
  EG_UN_ELU,       /* alpha */
  EG_UN_SELU,      /* alpha, beta = gamma */
  EG_UN_CELU,      /* alpha */
  EG_UN_SOFTPLUS,
  EG_UN_SOFTSIGN,
  EG_UN_THRESHOLDEDRELU, /* alpha */
  EG_UN_ERF,
  EG_UN_GELU,      /* exact (erf) */
  EG_UN_GELU_TANH, /* tanh approximation */
  EG_UN_MISH,
  EG_UN_SIGN,
  EG_UN_SIN,
  EG_UN_COS,
  EG_UN_TAN,
  EG_UN_ASIN,
  EG_UN_ACOS,
  EG_UN_ATAN,
  EG_UN_SINH,
  EG_UN_COSH,
  EG_UN_ASINH,
  EG_UN_ACOSH,
  EG_UN_ATANH,
  EG_UN_SHRINK, /* alpha = lambd, beta = bias */
  EG_UN_NOT,        /* integer/bool only: logical not */
  EG_UN_BITWISE_NOT /* integer only */
};

void eg_unary_f32(int32_t op, const float *in, float *out, int32_t n, float alpha, float beta);
/* Abs, Neg, Sign, Not, BitwiseNot on integer/bool elements of type t. */
void eg_unary_int(int32_t op, int32_t t, const void *in, void *out, int32_t n);

/* out[i] = isnan(in[i]) (mode 0), or isinf with +inf (mode bit 1) / -inf (mode bit 2) detection. */
void eg_float_class(const float *in, uint8_t *out, int32_t n, int32_t mode);

/* Element type conversion (ONNX Cast): float to integer truncates toward zero,
 * integer to integer wraps, anything to bool is (v != 0). */
void eg_cast(const void *in, int32_t in_type, void *out, int32_t out_type, int32_t n);

#endif
