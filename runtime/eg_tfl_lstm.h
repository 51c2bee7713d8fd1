/* edgegen runtime: TFLite UNIDIRECTIONAL_SEQUENCE_LSTM in float32 (TensorFlow
 * Lite's float LSTM step, lstm_eval's LstmStepFloat): per gate k in (input,
 * forget, cell, output) pre_k = (W_k x + b_k) + R_k h, plus the peephole p_k * c
 * for input/forget (previous cell) and output (new cell); with layer norm the
 * bias comes after: pre_k = ln_k * normalize(W_k x + R_k h + p_k * c) + b_k
 * (normalize: (v - mean) / sqrt(variance + 1e-8) over the cells). f = sigmoid,
 * i = sigmoid (CIFG: 1 - f), c = f * c + i * act(pre_cell), clipped to
 * +-cell_clip when cell_clip > 0; m = sigmoid(pre_output) * act(c); h = m, or
 * with projection h = P m + proj_bias, clipped to +-proj_clip when > 0. The
 * output row of each step is h. States start at zero on every run. */
#ifndef EG_TFL_LSTM_H
#define EG_TFL_LSTM_H
#include <stdint.h>

enum { EG_TFL_ACT_NONE = 0, EG_TFL_ACT_RELU = 1, EG_TFL_ACT_RELU6 = 3, EG_TFL_ACT_TANH = 4 };

typedef struct {
  int32_t batch, steps, input, cell, output, time_major; /* output: h's size (cell without projection) */
  int32_t activation; /* EG_TFL_ACT_* of the cell input and the output */
  float cell_clip, proj_clip; /* 0: none */
  const float *w[4];  /* input weights [cell][input]; w[0] NULL: CIFG (no input gate) */
  const float *r[4];  /* recurrent weights [cell][output] */
  const float *b[4];  /* gate biases [cell] */
  const float *peep[3]; /* cell-to-input / forget / output weights [cell], NULL: none */
  const float *ln[4];   /* layer norm coefficients [cell], NULL: none */
  const float *proj;    /* projection weights [output][cell], NULL: none */
  const float *proj_bias; /* [output], NULL: zero */
} eg_lstm_f32_tfl_params;

/* Floats of scratch: h and c of every batch row, and the four gates of one row. */
#define EG_LSTM_F32_TFL_SCRATCH(batch, cell, output) ((batch) * ((output) + (cell)) + 4 * (cell))

void eg_lstm_f32_tfl(const eg_lstm_f32_tfl_params *p, const float *in, float *out, float *scratch);

#endif
