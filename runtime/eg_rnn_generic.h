/* edgegen runtime: the generic path of the ONNX recurrent layers (RNN, GRU,
 * LSTM) for the configurations the specialised eg_rnn kernels leave out:
 * every activation the spec lists (with alpha/beta), clip on any cell, LSTM
 * input_forget, GRU sequence_lens, and weights, biases and initial states that
 * are computed at run time (all tensors arrive as arguments, none in flash
 * structs). Float math; the input may be int8 (dequantized on the fly) and the
 * outputs int8 (quantized on the fly), as in eg_rnn. Layout is time-major
 * (ONNX layout 0); batch-first models are transposed around it at compile time. */
#ifndef EG_RNN_GENERIC_H
#define EG_RNN_GENERIC_H
#include <stdint.h>

enum { EG_CELL_RNN = 0, EG_CELL_GRU = 1, EG_CELL_LSTM = 2 };

/* ONNX recurrent activations (names as in the spec). */
enum {
  EG_RACT_SIGMOID = 0, EG_RACT_TANH = 1, EG_RACT_RELU = 2, EG_RACT_AFFINE = 3, EG_RACT_LEAKY_RELU = 4,
  EG_RACT_THRESHOLDED_RELU = 5, EG_RACT_SCALED_TANH = 6, EG_RACT_HARD_SIGMOID = 7, EG_RACT_ELU = 8,
  EG_RACT_SOFTSIGN = 9, EG_RACT_SOFTPLUS = 10
};

typedef struct {
  int32_t kind; /* EG_RACT_* */
  float alpha, beta;
} eg_ract;

typedef struct {
  int32_t cell; /* EG_CELL_* */
  int32_t seq_len, batch, input_size, hidden, num_dir;
  int32_t reverse;             /* 1: the only direction runs backwards */
  int32_t linear_before_reset; /* GRU */
  int32_t input_forget;        /* LSTM: f = 1 - i */
  float clip;                  /* > 0: pre-activations clipped to [-clip, clip] */
  eg_ract act[2][3];           /* per direction: f, g (GRU, LSTM), h (LSTM) */
  int32_t x_type, y_type, yh_type, yc_type; /* EG_RNN_F32 / EG_RNN_S8 (eg_rnn.h) */
  float x_scale, y_scale, yh_scale, yc_scale;
  int32_t x_zp, y_zp, yh_zp, yc_zp;
} eg_rnn_generic_params;

/* The layer's tensors, ONNX shapes (time-major): W [dir][G*hidden][input], R [dir][G*hidden][hidden],
 * B [dir][2*G*hidden], H0/C0 [dir][batch][hidden], P [dir][3*hidden], seq_lens [batch]; all but W and R
 * may be NULL. G = 1 (RNN), 3 (GRU: z, r, h), 4 (LSTM: i, o, f, c). */
typedef struct {
  const float *W, *R, *B, *H0, *C0, *P;
  const int32_t *seq_lens;
} eg_rnn_generic_tensors;

/* Y: [seq][dir][batch][hidden]; Y_h, Y_c: [dir][batch][hidden]; each may be NULL.
 * H0/C0 may alias Y_h/Y_c (a direction's state is read before its output is written).
 * scratch: eg_rnn_generic_scratch_floats() floats. */
void eg_rnn_generic(const eg_rnn_generic_params *p, const eg_rnn_generic_tensors *t, const void *X, void *Y,
                    void *Y_h, void *Y_c, float *scratch);
int32_t eg_rnn_generic_scratch_floats(int32_t batch, int32_t hidden, int32_t input_size);

#endif
