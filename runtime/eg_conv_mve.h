/* edgegen runtime: Cortex-M55 Helium (MVE) int8 convolution, the matrix path: the twin
 * of the DSP one (eg_conv.c). The entries there call these
 * when the compiler targets Helium (EG_USE_MVE, eg_common.h), so the network code and
 * the compiler's kernel choice (eg_conv_path.c) are the same on every core. */
#ifndef EG_CONV_MVE_H
#define EG_CONV_MVE_H
#include <stdint.h>

#include "eg_conv.h"

/* The matrix path (groups == 1, EG_CONV_W_P2 weights, 4-byte aligned) in either
 * requantization (EG_RQ_ONNX / EG_RQ_TFLITE): every channel mult >= 0, shift in
 * [-31, -2]. scratch: 2 gathered rows of K rounded up to 4 bytes (within both
 * EG_CONV_S8_SCRATCH_BYTES and EG_CONV_S8_SMALL_SCRATCH_BYTES). Returns 0 (nothing
 * written) when a precondition fails, so the caller takes its own path. */
int eg_conv_s8_mve_mat(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch, int32_t mode);

/* eg_conv.c's im2col gather (DSP builds, which Helium ones are): the K input bytes of the
 * output pixel whose tap (0, 0) is input (iy0, ix0) of image inb, OHWI tap order, in_zp
 * (zp4: in 4 bytes) for padding taps, into d. */
void eg_conv_gather(const eg_conv_s8_params *p, const int8_t *inb, int32_t iy0, int32_t ix0, int8_t *d, uint32_t zp4);

#endif
