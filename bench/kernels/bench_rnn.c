/* Cortex-M4 cycles of the float recurrent cells (m4bench): eg_gru and eg_lstm
 * (runtime/eg_rnn.c) alone on the cell shapes of the shared models (float and
 * int8 input/output) and a few others, and eg_sigmoidf / eg_tanhf per call.
 * The firmware prints "cell <region> <macc> <name>" (MACC as edgegen counts a
 * recurrent layer: gate products plus the state update per unit) and
 * "act <region> <calls> <name>"; bench/rnn_bench.sh turns the JSON into
 * cycles/MACC. -DEG_BENCH_PAD=N moves the code (m4bench's page-boundary note). */
#include <stdint.h>
#include <string.h>

#include "eg_fc_f32.h"
#include "eg_math.h"
#include "eg_rnn.h"
#include "m4bench.h"
#define EG_M4
#include "eg_harness.h" /* tests/kernels/ */

#ifndef EG_BENCH_PAD
#define EG_BENCH_PAD 1
#endif
#define EG_STR2(x) #x
#define EG_STR(x) EG_STR2(x)
/* the first function of the first object: EG_BENCH_PAD NOPs move all code after it */
__attribute__((noinline)) static void pad(void) { __asm__ volatile(".rept " EG_STR(EG_BENCH_PAD) "\n\tnop\n\t.endr"); }

static float w_buf[12000], b_buf[256], x_buf[32 * 32], y_buf[32 * 32], state[3][64], scratch[2048];
static float act_in[1000], act_out[1000];

static float rf(void) { return (float)(int32_t)(rnd() >> 8) / 8388608.0f - 1.0f; }

/* n random rows [rows][cols] stored as W8 at out */
static void w8(float *out, int32_t rows, int32_t cols, float scale) {
  int32_t o, k;
  for (o = 0; o < rows; ++o)
    for (k = 0; k < cols; ++k) out[eg_fc_f32_w8_index(cols, rows, o, k)] = rf() * scale;
}

static void fill_x(int32_t n) {
  int32_t i;
  for (i = 0; i < n; ++i) x_buf[i] = rf();
}

#define REGION(id, call) \
  M4_BEGIN(id);          \
  call;                  \
  M4_END(id);

__attribute__((noinline)) static void gru(int id, const char *name, int32_t T, int32_t I, int32_t H, int32_t lbr,
                                          int32_t s8) {
  eg_gru_params p;
  int32_t i;
  static int8_t xq[32 * 32], yq[32 * 32];
  memset(&p, 0, sizeof p);
  p.seq_len = T;
  p.batch = 1;
  p.input_size = I;
  p.hidden = H;
  p.num_dir = 1;
  p.linear_before_reset = lbr;
  p.x_type = p.y_type = s8 ? EG_RNN_S8 : EG_RNN_F32;
  p.yh_type = EG_RNN_F32;
  p.x_scale = p.y_scale = 1.0f / 64.0f;
  w8(w_buf, 3 * H, I, 0.5f);
  if (lbr) w8(w_buf + 3 * H * I, 3 * H, H, 0.5f);
  else {
    w8(w_buf + 3 * H * I, 2 * H, H, 0.5f);
    w8(w_buf + 3 * H * I + 2 * H * H, H, H, 0.5f);
  }
  for (i = 0; i < 6 * H; ++i) b_buf[i] = rf() * 0.1f;
  fill_x(T * I);
  for (i = 0; i < T * I; ++i) xq[i] = (int8_t)(rnd() & 0xFF);
  p.W = w_buf;
  p.R = w_buf + 3 * H * I;
  p.B = b_buf;
  switch (id) { /* region ids are compile-time constants */
    case 10: REGION(10, eg_gru(&p, s8 ? (void *)xq : x_buf, s8 ? (void *)yq : y_buf, state[0], scratch)) break;
    case 11: REGION(11, eg_gru(&p, s8 ? (void *)xq : x_buf, s8 ? (void *)yq : y_buf, state[0], scratch)) break;
    case 12: REGION(12, eg_gru(&p, s8 ? (void *)xq : x_buf, s8 ? (void *)yq : y_buf, state[0], scratch)) break;
    case 13: REGION(13, eg_gru(&p, s8 ? (void *)xq : x_buf, s8 ? (void *)yq : y_buf, state[0], scratch)) break;
    default: break;
  }
  m4_printf("cell %d %d %s\n", id, (int)(T * (3 * H * I + 3 * H * H + 2 * H)), name);
}

__attribute__((noinline)) static void lstm(int id, const char *name, int32_t T, int32_t I, int32_t H) {
  eg_lstm_params p;
  int32_t i;
  memset(&p, 0, sizeof p);
  p.seq_len = T;
  p.batch = 1;
  p.input_size = I;
  p.hidden = H;
  p.num_dir = 1;
  p.act_f = EG_ACT_SIGMOID;
  p.act_g = p.act_h = EG_ACT_TANH;
  w8(w_buf, 4 * H, I + H, 0.3f);
  for (i = 0; i < 4 * H; ++i) b_buf[i] = rf() * 0.1f;
  fill_x(T * I);
  p.WR = w_buf;
  p.B = b_buf;
  switch (id) {
    case 20: REGION(20, eg_lstm(&p, x_buf, y_buf, state[0], state[1], scratch)) break;
    case 21: REGION(21, eg_lstm(&p, x_buf, y_buf, state[0], state[1], scratch)) break;
    case 22: REGION(22, eg_lstm(&p, x_buf, y_buf, state[0], state[1], scratch)) break;
    default: break;
  }
  m4_printf("cell %d %d %s\n", id, (int)(T * (4 * H * I + 4 * H * H + 3 * H)), name);
}

/* the LSTM's gate matrix products alone: T products of W8[4H][I+H] */
__attribute__((noinline)) static void gates_only(int32_t T, int32_t I, int32_t H) {
  eg_fc_f32_params fc;
  int32_t t;
  fc.batch = 1;
  fc.in_features = I + H;
  fc.out_features = 4 * H;
  fc.act_min = -1.0f / 0.0f;
  fc.act_max = 1.0f / 0.0f;
  fc.weights = w_buf;
  fc.bias = b_buf;
  M4_BEGIN(30);
  for (t = 0; t < T; ++t) eg_fc_f32_w8(&fc, x_buf, y_buf);
  M4_END(30);
  m4_printf("cell 30 %d lstm_har_gate_products_only\n", (int)(T * 4 * H * (I + H)));
}

__attribute__((noinline)) static void sig_all(void) {
  int i;
  for (i = 0; i < 1000; ++i) act_out[i] = eg_sigmoidf(act_in[i]);
}
__attribute__((noinline)) static void tanh_all(void) {
  int i;
  for (i = 0; i < 1000; ++i) act_out[i] = eg_tanhf(act_in[i]);
}

int main(void) {
  int i;
  pad();
  for (i = 0; i < 1000; ++i) act_in[i] = rf() * 8.0f; /* gate pre-activations: mostly |x| < 8 */
  REGION(1, sig_all())
  m4_printf("act 1 1000 eg_sigmoidf\n");
  REGION(2, tanh_all())
  m4_printf("act 2 1000 eg_tanhf\n");
  gru(10, "gru_seed_i8_h3_t28_lbr_s8io", 28, 8, 3, 1, 1);
  gru(11, "gru_i16_h24_t32_lbr", 32, 16, 24, 1, 0);
  gru(12, "gru_i16_h24_t32", 32, 16, 24, 0, 0);
  gru(13, "gru_i32_h32_t16", 16, 32, 32, 0, 0);
  lstm(20, "lstm_har_i16_h24_t32", 32, 16, 24);
  gates_only(32, 16, 24);
  lstm(21, "lstm_i8_h3_t28", 28, 8, 3);
  lstm(22, "lstm_i32_h32_t16", 16, 32, 32);
  return 0;
}
