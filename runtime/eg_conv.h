/* edgegen runtime: 2-D convolution (1-D is H = 1), NHWC activations,
 * OHWI weights ([out_c][k_h][k_w][in_c / groups]). */
#ifndef EG_CONV_H
#define EG_CONV_H
#include <stdint.h>

typedef struct {
  int32_t batch, in_h, in_w, in_c, out_h, out_w, out_c, k_h, k_w;
  int32_t stride_h, stride_w, dil_h, dil_w, pad_top, pad_left, groups;
  int32_t in_zp, out_zp, act_min, act_max; /* act_min/max in the output's int8 domain */
  const int8_t *weights;                   /* symmetric per-channel int8 */
  const int32_t *bias;                     /* int32, scale in_scale * w_scale[c]; may be NULL */
  const int32_t *mult;                     /* per output channel requantization: Q31 multiplier */
  const int8_t *shift;                     /* and power-of-two exponent */
  /* Optional (may be NULL): depthwise weights (groups == in_c == out_c)
   * transposed to [k_h * k_w][out_c], read by the DSP path 4 channels a word. */
  const int8_t *dw_weights;
} eg_conv_s8_params;

typedef struct {
  int32_t batch, in_h, in_w, in_c, out_h, out_w, out_c, k_h, k_w;
  int32_t stride_h, stride_w, dil_h, dil_w, pad_top, pad_left, groups;
  float act_min, act_max;
  const float *weights;
  const float *bias; /* may be NULL */
} eg_conv_f32_params;

/* Bytes of scratch eg_conv_s8 needs (4-byte aligned): two im2col columns of
 * int16 for the DSP matrix path when groups == 1, else none. */
#define EG_CONV_S8_SCRATCH_BYTES(groups, k_h, k_w, in_c) \
  ((groups) == 1 ? 4 * (int32_t)(k_h) * (int32_t)(k_w) * (int32_t)(in_c) : 0)

/* Depthwise 3x3 (dilation 1) path with scratch (eg_conv_s8_dw3): 3 rows of
 * int16 input, each EG_CONV_S8_DW3_ROW(out_w, stride_w) halfwords (even). */
#define EG_CONV_S8_DW3_ROW(out_w, stride_w) ((((int32_t)(out_w) - 1) * (int32_t)(stride_w) + 3 + 1) & ~1)
#define EG_CONV_S8_DW3_SCRATCH_BYTES(out_w, stride_w) (6 * EG_CONV_S8_DW3_ROW(out_w, stride_w))
#define EG_CONV_S8_DW3_OK(p) \
  ((p)->k_h == 3 && (p)->k_w == 3 && (p)->dil_h == 1 && (p)->dil_w == 1 && (p)->stride_h == 1 && \
   (p)->stride_w == 1 && (p)->out_w >= 8)

/* Optimized when the target has the DSP extension (EG_USE_DSP), the portable
 * reference otherwise; both give identical results. scratch: see above. */
void eg_conv_s8(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch);
/* One path of eg_conv_s8, chosen at compile time (edgegen emits a direct call,
 * so the linker drops the other paths). Each gives eg_conv_s8's result under
 * its preconditions; without the DSP extension each runs the reference.
 * _mat: groups == 1, scratch given, every channel eg_requant_fast_ok.
 * _dw: groups == in_c == out_c, dw_weights given, every channel mult >= 0 and
 * shift in [-31, -2]. */
void eg_conv_s8_mat(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch);
void eg_conv_s8_dw(const eg_conv_s8_params *p, const int8_t *in, int8_t *out);
/* _dw3: _dw's preconditions, EG_CONV_S8_DW3_OK, scratch of
 * EG_CONV_S8_DW3_SCRATCH_BYTES(out_w, stride_w) bytes (4-byte aligned). */
void eg_conv_s8_dw3(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch);
/* The portable reference (plain loops). */
void eg_conv_s8_ref(const eg_conv_s8_params *p, const int8_t *in, int8_t *out);
void eg_conv_f32(const eg_conv_f32_params *p, const float *in, float *out);

#endif
