/* edgegen runtime: Cortex-M55 Helium (MVE) int8 fully connected layer: the twin of the
 * DSP path (eg_fc.c), whose entries call it when the compiler targets Helium (EG_USE_MVE,
 * eg_common.h). */
#ifndef EG_FC_MVE_H
#define EG_FC_MVE_H
#include <stdint.h>

#include "eg_fc.h"

/* eg_fc_s8_fast / _i4 (w_layout 0 or EG_FC_W_I4, the latter 4-byte aligned) in either
 * requantization (EG_RQ_ONNX / EG_RQ_TFLITE): bias_zp given, every channel
 * eg_requant_fast_ok / eg_requant_tfl_fast_ok. Returns 0 (nothing written) when a
 * precondition fails, so the caller takes its own path. */
int eg_fc_s8_mve(const eg_fc_s8_params *p, const int8_t *in, int8_t *out, int32_t mode);

#endif
