/* edgegen runtime: recurrent layers (ONNX GRU), float math. The input may be
 * int8 (dequantized on the fly) and the outputs may be int8 (quantized on the
 * fly), so a float island needs no separate conversion buffers. */
#ifndef EG_RNN_H
#define EG_RNN_H
#include <stdint.h>

enum { EG_RNN_F32 = 0, EG_RNN_S8 = 1 };

typedef struct {
  int32_t seq_len, batch, input_size, hidden, num_dir;
  int32_t reverse;             /* 1: the only direction runs backwards */
  int32_t linear_before_reset; /* GRU only */
  int32_t x_type, y_type, yh_type; /* EG_RNN_F32 / EG_RNN_S8 */
  float x_scale, y_scale, yh_scale;
  int32_t x_zp, y_zp, yh_zp;
  const float *W;  /* [num_dir][3*hidden][input_size], gates z, r, h */
  const float *R;  /* [num_dir][3*hidden][hidden] */
  const float *B;  /* [num_dir][6*hidden] or NULL */
  const float *H0; /* [num_dir][batch][hidden] or NULL */
} eg_gru_params;

/* Y: [seq][num_dir][batch][hidden] or NULL; Y_h: [num_dir][batch][hidden] or NULL.
 * scratch: eg_gru_scratch_floats(p) floats. */
void eg_gru(const eg_gru_params *p, const void *X, void *Y, void *Y_h, float *scratch);
int32_t eg_gru_scratch_floats(int32_t batch, int32_t hidden);

#endif
