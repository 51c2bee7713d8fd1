/* edgegen runtime: Cortex-M55 Helium (MVE) int8 depthwise convolution: the twin of the
 * DSP depthwise paths (eg_conv_dw.c), which call it when the compiler targets Helium
 * (EG_USE_MVE, eg_common.h). */
#ifndef EG_CONV_DW_MVE_H
#define EG_CONV_DW_MVE_H
#include <stdint.h>

#include "eg_conv.h"

/* Depthwise (groups == in_c == out_c, dw_weights [k_h * k_w][C]), any kernel,
 * stride, dilation and padding, no scratch; every channel mult >= 0, shift in
 * [-31, -2]. Returns 0 when a precondition fails. */
int eg_conv_s8_mve_dw(const eg_conv_s8_params *p, const int8_t *in, int8_t *out, int32_t mode);

#endif
