/* edgegen runtime: TFLite UNIDIRECTIONAL_SEQUENCE_LSTM in float32 (TensorFlow
 * Lite Micro's float LSTM step): per gate k in (input, forget, cell, output)
 * pre_k = (W_k x + b_k) + R_k h, plus the peephole p_k * c for input/forget
 * (previous cell) and output (new cell); f = sigmoid, i = sigmoid (CIFG: 1 - f),
 * c = f * c + i * act(pre_cell), clipped to +-cell_clip when cell_clip > 0,
 * h = sigmoid(pre_output) * act(c); the output row of each step is h. No
 * projection, no layer normalization. States start at zero on every run. */
#ifndef EG_TFL_LSTM_H
#define EG_TFL_LSTM_H
#include <stdint.h>

enum { EG_TFL_ACT_NONE = 0, EG_TFL_ACT_RELU = 1, EG_TFL_ACT_RELU6 = 3, EG_TFL_ACT_TANH = 4 };

typedef struct {
  int32_t batch, steps, input, hidden, time_major;
  int32_t activation; /* EG_TFL_ACT_* of the cell input and the output */
  float cell_clip;    /* 0: none */
  const float *w[4];  /* input weights [hidden][input]; w[0] NULL: CIFG (no input gate) */
  const float *r[4];  /* recurrent weights [hidden][hidden] */
  const float *b[4];  /* gate biases [hidden] */
  const float *peep[3]; /* cell-to-input / forget / output weights [hidden], NULL: none */
} eg_lstm_f32_tfl_params;

/* Floats of scratch: h and c of every batch row, and the four gates of one row. */
#define EG_LSTM_F32_TFL_SCRATCH(batch, hidden) ((2 * (batch) + 4) * (hidden))

void eg_lstm_f32_tfl(const eg_lstm_f32_tfl_params *p, const float *in, float *out, float *scratch);

#endif
