#include "eg_tfl_lstm_s8.h"

#include "eg_common.h"

/* sigmoid(i / 24) in unsigned Q0.16, i = 0..255 (the last entry 65535): the
 * table of TFLite's int16 LOGISTIC/TANH reference kernels, which interpolate
 * between its entries. Its values are data of that algorithm, not a rounding
 * of the formula that could be recomputed here. */
static const uint16_t eg_sigmoid_q16[256] = {
    32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149, 40794, 41432, 42064, 42688,
    43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369, 47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409,
    51865, 52311, 52745, 53169, 53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433,
    57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110,
    61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186,
    63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835, 63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308,
    64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786, 64816, 64845, 64873, 64900,
    64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079, 65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208,
    65221, 65234, 65246, 65258, 65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367,
    65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433, 65438, 65442, 65445, 65449,
    65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474, 65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491,
    65493, 65495, 65497, 65498, 65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513,
    65514, 65515, 65516, 65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524,
    65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530,
    65530, 65530, 65531, 65531, 65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
    65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65535};

/* The table at |v| / 2^frac (v = 24 x in Q(frac)), linearly interpolated, in
 * Q0.(16 + frac); saturated past the last entry. */
static uint32_t eg_sigmoid_interp(uint32_t v, int32_t frac) {
  const uint32_t k = v >> frac;
  if (k >= 255) return 0xFFFFu << frac;
  return ((uint32_t)eg_sigmoid_q16[k] << frac) + (v & ((1u << frac) - 1u)) * (eg_sigmoid_q16[k + 1] - eg_sigmoid_q16[k]);
}

int16_t eg_tfl_sigmoid_s16(int16_t x) {
  /* Q3.12 times 3: 24 x in Q0.9; sigmoid(-x) = 1 - sigmoid(x). */
  const int32_t v = 3 * (int32_t)x;
  const uint32_t a = (uint32_t)(v < 0 ? -v : v);
  uint32_t r = (a >> 9) >= 255 ? 0x7FFFu << 10 : eg_sigmoid_interp(a, 9);
  r = v >= 0 ? r + (1u << 9) : (1u << 25) - r + (1u << 9) - 1u;
  return (int16_t)(r >> 10);
}

int16_t eg_tfl_tanh_s16(int16_t x, int32_t mult, int32_t shift) {
  /* tanh(x) = 2 sigmoid(2x) - 1: the scaled input is 24 x in Q0.8 of 2x. */
  const int32_t rnd = shift > 0 ? 1 << (shift - 1) : 0;
  const int32_t v = ((int32_t)x * mult + rnd) >> shift;
  const uint32_t a = (uint32_t)(v < 0 ? -v : v);
  int32_t r = (int32_t)eg_sigmoid_interp(a, 8);
  r = v >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1;
  return (int16_t)(r >> 8);
}

static int16_t eg_sat16(int32_t v) { return (int16_t)eg_clamp_i32(v, -32768, 32767); }

/* One matrix-vector product requantized to Q3.12: sat16(rq(bias[j] + m[j] . v)). */
static int16_t eg_lstm_s8_dot(const int8_t *m, const int8_t *v, int32_t n, int32_t bias, int32_t mult, int32_t shift) {
  int32_t acc = bias, k;
  for (k = 0; k < n; ++k) acc += (int32_t)m[k] * (int32_t)v[k];
  return eg_sat16(eg_requantize_tfl(acc, mult, shift));
}

/* pre = FC(x) +sat FC(h), then sigmoid, or tanh for the cell gate. */
static void eg_lstm_s8_gate_run(const eg_lstm_s8_gate *g, const int8_t *x, const int8_t *h, int32_t I, int32_t H,
                                int is_cell, int16_t *out) {
  int32_t j;
  for (j = 0; j < H; ++j) {
    const int32_t px = eg_lstm_s8_dot(g->w + j * I, x, I, g->bias_x[j], g->mult_x, g->shift_x);
    const int32_t ph = eg_lstm_s8_dot(g->r + j * H, h, H, g->bias_h[j], g->mult_h, g->shift_h);
    const int16_t pre = eg_sat16(px + ph);
    out[j] = is_cell ? eg_tfl_tanh_s16(pre, 3, 0) : eg_tfl_sigmoid_s16(pre);
  }
}

void eg_lstm_s8_tfl(const eg_lstm_s8_tfl_params *p, const int8_t *in, int8_t *out, void *scratch) {
  const int32_t B = p->batch, T = p->steps, I = p->input, H = p->hidden;
  int16_t *cs = (int16_t *)scratch, *gi = cs + B * H, *gf = gi + H, *gg = gf + H, *go = gg + H, *th = go + H;
  int8_t *hs = (int8_t *)(th + H);
  int32_t t, b, j;
  for (j = 0; j < B * H; ++j) {
    cs[j] = 0;
    hs[j] = (int8_t)p->h_zp;
  }
  for (t = 0; t < T; ++t)
    for (b = 0; b < B; ++b) {
      const int32_t row = p->time_major ? t * B + b : b * T + t;
      const int8_t *x = in + row * I;
      int8_t *h = hs + b * H, *y = out + row * H;
      int16_t *c = cs + b * H;
      eg_lstm_s8_gate_run(&p->gate[1], x, h, I, H, 0, gf);
      eg_lstm_s8_gate_run(&p->gate[0], x, h, I, H, 0, gi);
      eg_lstm_s8_gate_run(&p->gate[2], x, h, I, H, 1, gg);
      eg_lstm_s8_gate_run(&p->gate[3], x, h, I, H, 0, go);
      for (j = 0; j < H; ++j) {
        const int32_t kept = eg_sat16(eg_requantize_tfl((int32_t)gf[j] * c[j], p->fc_mult, p->fc_shift));
        const int32_t added = eg_sat16(eg_requantize_tfl((int32_t)gi[j] * gg[j], p->ig_mult, p->ig_shift));
        int32_t cn = eg_sat16(kept + added);
        if (p->cell_clip >= 0) cn = eg_clamp_i32(cn, -p->cell_clip, p->cell_clip);
        c[j] = (int16_t)cn;
        th[j] = eg_tfl_tanh_s16(c[j], p->tanh_mult, p->tanh_shift);
      }
      for (j = 0; j < H; ++j)
        y[j] = (int8_t)eg_clamp_i32(p->h_zp + eg_requantize_tfl((int32_t)th[j] * go[j], p->oh_mult, p->oh_shift), -128, 127);
      for (j = 0; j < H; ++j) h[j] = y[j];
    }
}
