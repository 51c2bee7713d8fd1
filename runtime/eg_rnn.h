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
int32_t eg_gru_scratch_floats(int32_t batch, int32_t hidden, int32_t input_size);

enum { EG_ACT_SIGMOID = 0, EG_ACT_TANH = 1, EG_ACT_RELU = 2 };

/* ONNX LSTM, gates i, o, f, c; peepholes i, o, f. Same I/O conventions as eg_gru. */
typedef struct {
  int32_t seq_len, batch, input_size, hidden, num_dir;
  int32_t reverse;              /* 1: the only direction runs backwards */
  int32_t act_f, act_g, act_h;  /* EG_ACT_*: gates, cell candidate, output */
  float clip;                   /* > 0: gate pre-activations clipped to [-clip, clip] */
  int32_t x_type, y_type, yh_type, yc_type; /* EG_RNN_F32 / EG_RNN_S8 */
  float x_scale, y_scale, yh_scale, yc_scale;
  int32_t x_zp, y_zp, yh_zp, yc_zp;
  const float *W;  /* [num_dir][4*hidden][input_size] */
  const float *R;  /* [num_dir][4*hidden][hidden] */
  const float *B;  /* [num_dir][8*hidden] or NULL */
  const float *H0; /* [num_dir][batch][hidden] or NULL */
  const float *C0; /* [num_dir][batch][hidden] or NULL */
  const float *P;  /* [num_dir][3*hidden] or NULL */
  const int32_t *seq_lens; /* [batch] or NULL (all seq_len) */
} eg_lstm_params;

/* Y: [seq][num_dir][batch][hidden]; Y_h, Y_c: [num_dir][batch][hidden]; each may be NULL.
 * scratch: eg_lstm_scratch_floats() floats. */
void eg_lstm(const eg_lstm_params *p, const void *X, void *Y, void *Y_h, void *Y_c, float *scratch);
int32_t eg_lstm_scratch_floats(int32_t batch, int32_t hidden, int32_t input_size);

/* ONNX RNN: H = act(X W^T + H R^T + Wb + Rb). */
typedef struct {
  int32_t seq_len, batch, input_size, hidden, num_dir;
  int32_t reverse;
  int32_t act[2]; /* EG_ACT_* per direction */
  float clip;
  int32_t x_type, y_type, yh_type;
  float x_scale, y_scale, yh_scale;
  int32_t x_zp, y_zp, yh_zp;
  const float *W;  /* [num_dir][hidden][input_size] */
  const float *R;  /* [num_dir][hidden][hidden] */
  const float *B;  /* [num_dir][2*hidden] or NULL */
  const float *H0; /* [num_dir][batch][hidden] or NULL */
  const int32_t *seq_lens;
} eg_rnn_params;

/* scratch: eg_rnn_scratch_floats() floats. */
void eg_rnn(const eg_rnn_params *p, const void *X, void *Y, void *Y_h, float *scratch);
int32_t eg_rnn_scratch_floats(int32_t batch, int32_t hidden, int32_t input_size);

#endif
