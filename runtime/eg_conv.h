/* edgegen runtime: 2-D convolution (1-D is H = 1), NHWC activations,
 * OHWI weights ([out_c][k_h][k_w][in_c / groups]). */
#ifndef EG_CONV_H
#define EG_CONV_H
#include <stdint.h>

#include "eg_ort_exact.h"

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
  /* Weight layout: 0 = OHWI; EG_CONV_W_P2 (groups == 1): the matrix path's
   * order, see eg_conv_w_index. */
  int32_t w_layout;
  /* Optional (may be NULL): an int8 table applied to every output after the
   * requantization and act clamp: out = out_table[v + 128] (256 entries for
   * v = -128..127), e.g. a Relu between two quantizations. */
  const int8_t *out_table;
  /* Optional (may be NULL): ONNX Runtime's float chain of a QDQ layer; the
   * reference recomputes an output in it where the exact value lies near a
   * rounding tie (eg_ort_exact.h). */
  const eg_ort_chain *ort;
} eg_conv_s8_params;

#define EG_CONV_W_P2 1
/* Position of weight k (OHWI order within the channel, k < K = k_h * k_w *
 * in_c) of output channel oc in the EG_CONV_W_P2 layout: channels in pairs
 * (out_c odd: a last pair with a zero channel), each pair 2 * Kw bytes with
 * Kw = K rounded up to even (a zero weight when K is odd): first, when Kw % 4
 * == 2, one word with the last 2 weights of channel 0 and of channel 1, then
 * per group of 4 values of Kw the pair's 4 + 4 weights. (out_c + 1) / 2 * 2 *
 * Kw bytes in all. */
static inline int32_t eg_conv_w_index(int32_t K, int32_t oc, int32_t k) {
  const int32_t Kw = (K + 1) & ~1, K4 = Kw & ~3, base = (oc >> 1) * 2 * Kw;
  if (k >= K4) return base + (oc & 1) * 2 + (k - K4);
  return base + 2 * (Kw & 2) + (k >> 2) * 8 + (oc & 1) * 4 + (k & 3);
}

/* Bytes of scratch eg_conv_s8 needs (4-byte aligned) for the DSP matrix path
 * when groups == 1: three int16 im2col columns, the channel loop's state (60
 * bytes) and a gathered byte row, a column or the row being K = k_h * k_w *
 * in_c rounded up to a multiple of 4; else none. No gathered row (6 * ... +
 * 60) is needed when every pixel's taps are contiguous in the input: k_h ==
 * 1, dil_w == 1 or k_w == 1, and no pixel touches the padding. */
#define EG_CONV_S8_SCRATCH_BYTES(groups, k_h, k_w, in_c) \
  ((groups) == 1 ? 7 * (((int32_t)(k_h) * (int32_t)(k_w) * (int32_t)(in_c) + 3) & ~3) + 60 : 0)

/* Bytes the matrix path (eg_conv_s8_mat) needs after EG_CONV_S8_SCRATCH_BYTES
 * (or its contiguous form) when p->ort is given: the tile's accumulators, 3
 * per channel, out_c rounded up to even. */
#define EG_CONV_S8_ORT_SCRATCH_BYTES(out_c) (12 * (((int32_t)(out_c) + 1) & ~1))

/* eg_conv_s8_mat_small: one int16 column and one gathered byte row (3 x K
 * rounded up to 4 bytes). */
#define EG_CONV_S8_SMALL_SCRATCH_BYTES(k_h, k_w, in_c) \
  (3 * (((int32_t)(k_h) * (int32_t)(k_w) * (int32_t)(in_c) + 3) & ~3))

/* Optimized when the target has the DSP extension (EG_USE_DSP), the portable
 * reference otherwise; both give identical results. scratch: see above, or
 * EG_CONV_S8_DW3_SCRATCH_BYTES for the depthwise 3x3 path. Needs eg_conv_dw.c. */
void eg_conv_s8(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch);
/* One path of eg_conv_s8, chosen at compile time (edgegen emits a direct call,
 * so the linker drops the other paths). Each gives eg_conv_s8's result under
 * its preconditions; without the DSP extension each runs the reference.
 * _mat: groups == 1, scratch given, w_layout EG_CONV_W_P2, bias given (zeros
 * when the layer has none), every channel mult > 0, shift in [-23, -2] and
 * mult with fewer than -1 - shift trailing zero bits (an odd mult always
 * qualifies); out_c odd: bias, mult and shift hold out_c + 1 entries (the
 * last pair's second channel is computed, not stored; eg_conv_s8 takes
 * _mat_small then).
 * Depthwise paths (and their scratch sizes): eg_conv_dw.h. */
void eg_conv_s8_mat(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch);
/* _mat_small: _mat's preconditions (out_c entries suffice) and result, one
 * output pixel at a time with compact code (for small layers); scratch:
 * EG_CONV_S8_SMALL_SCRATCH_BYTES. */
void eg_conv_s8_mat_small(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch);
/* _mat and _mat_small with TFLite's requantization (eg_requantize_tfl):
 * the same weights, scratch and arrays; every channel mult >= 0 and shift in
 * [-31, -2] (eg_conv_s8_mat_requant_ok_tfl), exact for any multiplier. */
void eg_conv_s8_tfl_mat(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch);
void eg_conv_s8_tfl_mat_small(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch);
/* Output (oy, ox, oc) of image inb requantized from its exact acc (bias
 * included) as the reference does with p->ort: the exact rounding, or ONNX
 * Runtime's float chain where acc lies near a tie (eg_ort_exact.h). For the
 * DSP paths' near ties. */
int32_t eg_conv_s8_ort_requant(const eg_conv_s8_params *p, const int8_t *inb, int32_t oy, int32_t ox, int32_t oc,
                               int32_t acc);
/* The portable reference (plain loops). */
void eg_conv_s8_ref(const eg_conv_s8_params *p, const int8_t *in, int8_t *out);
/* The reference with TFLite's requantization (eg_requantize_tfl: TFLite Micro's
 * reference kernels bit for bit); w_layout 0, mult/shift from TFLite's
 * QuantizeMultiplier. */
void eg_conv_s8_tfl_ref(const eg_conv_s8_params *p, const int8_t *in, int8_t *out);

#endif
