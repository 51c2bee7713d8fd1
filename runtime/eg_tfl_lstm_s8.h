/* edgegen runtime: TFLite UNIDIRECTIONAL_SEQUENCE_LSTM, int8 activations with
 * TensorFlow Lite Micro's integer LSTM (the kernel TFLM has run since 2023,
 * lstm_eval.h's LstmStep; not the older EvalInteger8x8_16, whose gate scales
 * came from the `intermediates` tensors). Per step and batch row, for each gate
 * k in (forget, input, cell, output):
 *   pre_k = sat16(rq(W_k x + b_k; mx_k)) +sat sat16(rq(R_k h; mh_k))
 * rq = TFLite's MultiplyByQuantizedMultiplier to Q3.12 (scale 2^-12); f, i, o =
 * sigmoid, g = tanh of Q3.12 to Q0.15 (TFLM's int16 interpolated table);
 *   c = sat16(rq(f * c)) +sat sat16(rq(i * g)), clipped to +-cell_clip;
 *   h = clamp8(h_zp + rq(tanh(c) * o)), the step's output row.
 * The cell state is int16 with a power-of-two scale; h starts at its zero point,
 * c at zero (TFLM's reset of variable tensors). No CIFG, peephole, projection
 * or layer norm (TFLM's integer kernel has none). */
#ifndef EG_TFL_LSTM_S8_H
#define EG_TFL_LSTM_S8_H
#include <stdint.h>

typedef struct {
  const int8_t *w;        /* input weights [hidden][input] */
  const int8_t *r;        /* recurrent weights [hidden][hidden] */
  const int32_t *bias_x;  /* gate bias - x_zp * sum_i w[j][i] */
  const int32_t *bias_h;  /* -h_zp * sum_m r[j][m] */
  int32_t mult_x, shift_x, mult_h, shift_h; /* to Q3.12 */
} eg_lstm_s8_gate;

typedef struct {
  int32_t batch, steps, input, hidden, time_major;
  int32_t h_zp;
  eg_lstm_s8_gate gate[4];       /* input, forget, cell, output */
  int32_t fc_mult, fc_shift;     /* forget (Q0.15) x cell -> cell */
  int32_t ig_mult, ig_shift;     /* input (Q0.15) x cell gate (Q0.15) -> cell */
  int32_t oh_mult, oh_shift;     /* tanh(cell) (Q0.15) x output (Q0.15) -> hidden */
  int32_t tanh_mult, tanh_shift; /* the cell state's tanh input scaling (TFLM's Tanh input_multiplier, left shift) */
  int32_t cell_clip;             /* quantized (TFLM: int16 of clip / scale, truncated); -1: none */
} eg_lstm_s8_tfl_params;

/* Bytes of scratch: c (int16) and h (int8) of every batch row, five int16 rows. */
#define EG_LSTM_S8_TFL_SCRATCH(batch, hidden) (2 * ((batch) + 5) * (hidden) + (batch) * (hidden))

void eg_lstm_s8_tfl(const eg_lstm_s8_tfl_params *p, const int8_t *in, int8_t *out, void *scratch);

/* TFLM's int16 sigmoid (Q3.12 -> Q0.15) and tanh (input scaled by mult, shift
 * as its reference Tanh; Q0.15 out): exposed for the kernel tests. */
int16_t eg_tfl_sigmoid_s16(int16_t x);
int16_t eg_tfl_tanh_s16(int16_t x, int32_t mult, int32_t shift);

#endif
