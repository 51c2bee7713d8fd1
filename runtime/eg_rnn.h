/* edgegen runtime: recurrent layers (ONNX GRU, LSTM, RNN) with constant
 * weights, float math. The input may be int8 (dequantized on the fly) and the
 * outputs may be int8 (quantized on the fly), so a float island needs no
 * separate conversion buffers.
 *
 * The gate matrix products run through eg_fc_f32_w8 (eg_fc_f32.h: 8 rows at a
 * time in VLDM/VMUL/VADD asm on a Cortex-M FPU, plain C elsewhere, identical
 * results), so the weights come in its W8 layout, laid out at compile time:
 * "W8[N][K]" below is an [N][K] matrix stored at eg_fc_f32_w8_index(K, N, .).
 * Every gate sums its bias first, then the products in input order. */
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
  const float *W;  /* [num_dir] W8[3*hidden][input_size], gates z, r, h */
  const float *R;  /* [num_dir] W8[3*hidden][hidden] (linear_before_reset), else
                    * [num_dir] {W8[2*hidden][hidden] (z, r), W8[hidden][hidden] (h)} */
  const float *B;  /* [num_dir][6*hidden] (Wb, Rb) or NULL */
  const float *H0; /* [num_dir][batch][hidden] or NULL */
} eg_gru_params;

/* Y: [seq][num_dir][batch][hidden] or NULL; Y_h: [num_dir][batch][hidden] or NULL.
 * scratch: eg_gru_scratch_floats(p) floats. */
void eg_gru(const eg_gru_params *p, const void *X, void *Y, void *Y_h, float *scratch);
int32_t eg_gru_scratch_floats(int32_t batch, int32_t hidden, int32_t input_size);

/* z = sigmoid(Wz x + Wbz + (Rz h + Rbz)), r likewise; the candidate tanh(Wh x + Wbh + r * (Rh h + Rbh))
 * (linear_before_reset) or tanh(Wh x + Wbh + (Rh (r h) + Rbh)). */

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
  const float *WR; /* [num_dir] W8[4*hidden][input_size + hidden]: row g is (W[g], R[g]) */
  const float *B;  /* [num_dir][4*hidden]: Wb + Rb (float sum), or NULL */
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
  const float *WR; /* [num_dir] W8[hidden][input_size + hidden]: row j is (W[j], R[j]) */
  const float *B;  /* [num_dir][hidden]: Wb + Rb (float sum), or NULL */
  const float *H0; /* [num_dir][batch][hidden] or NULL */
  const int32_t *seq_lens;
} eg_rnn_params;

/* scratch: eg_rnn_scratch_floats() floats. */
void eg_rnn(const eg_rnn_params *p, const void *X, void *Y, void *Y_h, float *scratch);
int32_t eg_rnn_scratch_floats(int32_t batch, int32_t hidden, int32_t input_size);

#endif
