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


/* Bytes of scratch eg_conv_s8 needs (4-byte aligned): two im2col columns of
 * int16 for the DSP matrix path when groups == 1, else none. */
#define EG_CONV_S8_SCRATCH_BYTES(groups, k_h, k_w, in_c) \
  ((groups) == 1 ? 4 * (int32_t)(k_h) * (int32_t)(k_w) * (int32_t)(in_c) : 0)

/* Optimized when the target has the DSP extension (EG_USE_DSP), the portable
 * reference otherwise; both give identical results. scratch: see above, or
 * EG_CONV_S8_DW3_SCRATCH_BYTES for the depthwise 3x3 path. Needs eg_conv_dw.c. */
void eg_conv_s8(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch);
/* One path of eg_conv_s8, chosen at compile time (edgegen emits a direct call,
 * so the linker drops the other paths). Each gives eg_conv_s8's result under
 * its preconditions; without the DSP extension each runs the reference.
 * _mat: groups == 1, scratch given, every channel eg_requant_fast_ok.
 * Depthwise paths (and their scratch sizes): eg_conv_dw.h. */
void eg_conv_s8_mat(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch);
/* The portable reference (plain loops). */
void eg_conv_s8_ref(const eg_conv_s8_params *p, const int8_t *in, int8_t *out);

#endif
