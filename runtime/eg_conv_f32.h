/* edgegen runtime: float 2-D convolution (1-D is H = 1), NHWC activations.
 *
 * eg_conv_f32: the reference, any geometry and groups; OHWI weights
 *   ([out_c][k_h][k_w][in_c / groups]), bias may be NULL.
 * eg_conv_f32_blk: groups == 1, dil_w == 1; weights in the W4 layout
 *   [ceil(out_c / 4)][k_h][k_w][in_c][4] (4 output channels interleaved per
 *   weight, the last group zero-padded; eg_conv_f32_w4_index).
 * eg_conv_f32_dw: depthwise, groups == in_c == out_c; weights in the DW4 layout
 *   [ceil(C / 4)][k_h][k_w][4] (4 channels per tap, zero-padded;
 *   eg_conv_f32_dw4_index).
 * All three give identical results: every output is its bias (or 0) plus its
 * valid taps' products in (ky, kx, ic) order, one float multiply and one float
 * add each (no fused multiply-add), then the clamp to [act_min, act_max].
 * On a Cortex-M with a single-precision FPU (GCC/Clang, Thumb-2) _blk and _dw
 * run 4 output pixels x 4 channels per block in inline asm (VLDM loads,
 * VMUL+VADD); elsewhere the same blocks in C. */
#ifndef EG_CONV_F32_H
#define EG_CONV_F32_H
#include <stdint.h>

typedef struct {
  int32_t batch, in_h, in_w, in_c, out_h, out_w, out_c, k_h, k_w;
  int32_t stride_h, stride_w, dil_h, dil_w, pad_top, pad_left, groups;
  float act_min, act_max;
  const float *weights;
  const float *bias; /* may be NULL */
} eg_conv_f32_params;

void eg_conv_f32(const eg_conv_f32_params *p, const float *in, float *out);
void eg_conv_f32_blk(const eg_conv_f32_params *p, const float *in, float *out);
void eg_conv_f32_dw(const eg_conv_f32_params *p, const float *in, float *out);

/* W4 position of the OHWI weight (o, k), k = (ky * k_w + kx) * in_c + ic,
 * K = k_h * k_w * in_c. */
static inline int32_t eg_conv_f32_w4_index(int32_t K, int32_t o, int32_t k) { return (o >> 2) * K * 4 + k * 4 + (o & 3); }
/* DW4 position of channel c's tap t = ky * k_w + kx (taps = k_h * k_w). */
static inline int32_t eg_conv_f32_dw4_index(int32_t taps, int32_t c, int32_t t) {
  return (c >> 2) * taps * 4 + t * 4 + (c & 3);
}

#endif
