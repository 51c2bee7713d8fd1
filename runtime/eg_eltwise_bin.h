/* edgegen runtime: element-wise kernels with numpy broadcasting (binary
 * arithmetic/logic/comparison, Where, int8 requantizing Add/Sub/Mul). */
#ifndef EG_ELTWISE_BIN_H
#define EG_ELTWISE_BIN_H
#include <stdint.h>

#include "eg_common.h"
#include "eg_eltwise.h"

#define EG_ELT_MAX_RANK 6

/* Output shape and, per input, its element strides along the output's axes
 * (0 where the input is broadcast). The compiler drops unit axes and merges
 * axes that stay contiguous, so equal shapes become one row of n elements and
 * a scalar operand a row with stride 0. rank >= 1. */
typedef struct {
  int32_t rank;
  int32_t shape[EG_ELT_MAX_RANK];
  int32_t stride[3][EG_ELT_MAX_RANK];
} eg_bcast;

enum {
  EG_BIN_ADD = 0,
  EG_BIN_SUB,
  EG_BIN_MUL,
  EG_BIN_DIV,  /* integers: truncation toward zero, x / 0 = 0 */
  EG_BIN_POW,
  EG_BIN_MAX,
  EG_BIN_MIN,
  EG_BIN_MOD,  /* sign of the divisor (Python) */
  EG_BIN_FMOD, /* sign of the dividend (C) */
  EG_BIN_PRELU,
  EG_BIN_AND, /* bitwise; logical on bool */
  EG_BIN_OR,
  EG_BIN_XOR,
  EG_BIN_SHL,
  EG_BIN_SHR,
  EG_BIN_EQ, /* comparisons write bool */
  EG_BIN_LT,
  EG_BIN_LE,
  EG_BIN_GT,
  EG_BIN_GE
};

typedef struct {
  eg_bcast bc;
  int32_t op;
  int32_t a_type, b_type, y_type; /* EG_ELT_*; a_type != b_type only for Pow */
} eg_binary_params;

/* y = a op b with broadcasting. y may be a (same shape) for chained variadic ops. */
void eg_binary(const eg_binary_params *p, const void *a, const void *b, void *y);

/* out = cond ? x : y, elements of elem_size bytes (1, 2, 4 or 8). */
void eg_where(const eg_bcast *bc, int32_t elem_size, const uint8_t *cond, const void *x, const void *y,
              void *out);

/* int8 Add/Sub/Mul, each operand with its own quantization:
 * Add/Sub: a' = (a - a_zp) << left_shift rescaled by (a_mult, a_shift), same for b,
 *          y = requant(a' +/- b', y_mult, y_shift) + y_zp;
 * Mul:     y = requant((a - a_zp) * (b - b_zp), y_mult, y_shift) + y_zp;
 * clamped to [act_min, act_max]. */
typedef struct {
  eg_bcast bc;
  int32_t op; /* EG_BIN_ADD, EG_BIN_SUB or EG_BIN_MUL */
  int32_t a_zp, b_zp, y_zp;
  int32_t a_mult, a_shift, b_mult, b_shift, y_mult, y_shift;
  int32_t left_shift;
  int32_t act_min, act_max;
  /* Add/Sub, optional (NULL: computed): the whole requantization folded into
   * two 256-entry tables indexed by the operands' bytes (a's at tab[0..255], b's
   * at tab[256..511], as uint8), y = clamp(ssat8((tab[a] + tab[256 + b]) >>
   * tab_shift), act_min, act_max). The compiler builds them and checks this
   * against the formula above for all 65536 (a, b) pairs (src/ops/qadd_fold.c). */
  const int32_t *tab;
  int32_t tab_shift;
} eg_qbinary_s8_params;

/* The tables' shift the fastest row is built for (others take a slower row). */
#define EG_QTAB_SHIFT 22

void eg_qbinary_s8(const eg_qbinary_s8_params *p, const int8_t *a, const int8_t *b, int8_t *y);
/* Add/Sub with p->tab set only (what eg_qbinary_s8 runs then), without the
 * computed paths' code. */
void eg_qaddsub_s8_tab(const eg_qbinary_s8_params *p, const int8_t *a, const int8_t *b, int8_t *y);

/* TFLite's int8 ADD / SUB (TFLite Micro's reference kernels): each input, offset
 * by minus its zero point, shifted left by left_shift (20) and rescaled by its
 * own multiplier, the two summed (or subtracted), rescaled to the output
 * (eg_requantize_tfl each time), plus the output zero point, clamped. Operands
 * broadcast over up to 4 axes: element strides 0 on a broadcast axis. */
typedef struct {
  int32_t dims[4];                  /* output shape, leading axes 1 */
  int32_t a_strides[4], b_strides[4];
  int32_t a_offset, b_offset, out_offset, left_shift;
  int32_t a_mult, a_shift, b_mult, b_shift, out_mult, out_shift;
  int32_t act_min, act_max;
  int32_t subtract;                 /* 1: a - b */
} eg_addsub_s8_tfl_params;
void eg_addsub_s8_tfl(const eg_addsub_s8_tfl_params *p, const int8_t *a, const int8_t *b, int8_t *out);
/* The formula above for one pair of values x (of a), y (of b): the kernel's
 * loop body, and the reference the compiler folds into eg_qaddsub_s8_tab's
 * tables (src/ops/qadd_fold.c). */
static inline int32_t eg_addsub_tfl_one(const eg_addsub_s8_tfl_params *p, int32_t x, int32_t y) {
  const int32_t sa = eg_requantize_tfl((x + p->a_offset) * (1 << p->left_shift), p->a_mult, p->a_shift);
  const int32_t sb = eg_requantize_tfl((y + p->b_offset) * (1 << p->left_shift), p->b_mult, p->b_shift);
  return eg_clamp_i32(eg_requantize_tfl(p->subtract ? sa - sb : sa + sb, p->out_mult, p->out_shift) + p->out_offset,
                      p->act_min, p->act_max);
}

#endif
