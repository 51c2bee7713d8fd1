/* Bit-exactness of the int8 Add/Sub fast row (eg_qbinary_s8) and the int8
 * average/max pools (eg_avgpool_s8, eg_maxpool_s8) against straightforward
 * references written with eg_requantize and per-tap index math. Built on the
 * host twice by tests/CMakeLists.txt: portable and with the emulated DSP paths. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eg_common.h"
#include "eg_eltwise_bin.h"
#include "eg_pool.h"

static int8_t A[65536], B[65536], Y[65536];
static int8_t IN[1 << 14], O1[1 << 14], O2[1 << 14];
static uint32_t rng = 12345u;
static int32_t rnd(int32_t n) {
  rng = rng * 1664525u + 1013904223u;
  return (int32_t)((rng >> 8) % (uint32_t)n);
}
static int32_t mult_q31(void) { return (int32_t)(0x40000000u + (uint32_t)rnd(0x40000000)); }

static int test_qadd(void) {
  int t, i, bad = 0;
  for (i = 0; i < 65536; ++i) {
    A[i] = (int8_t)(i & 255);
    B[i] = (int8_t)(i >> 8);
  }
  for (t = 0; t < 400; ++t) {
    eg_qbinary_s8_params p;
    memset(&p, 0, sizeof p);
    p.bc.rank = 1;
    p.bc.shape[0] = 65536;
    p.bc.stride[0][0] = p.bc.stride[1][0] = 1;
    p.op = (t & 1) ? EG_BIN_SUB : EG_BIN_ADD;
    p.a_zp = rnd(256) - 128;
    p.b_zp = rnd(256) - 128;
    p.y_zp = rnd(256) - 128;
    p.a_mult = rnd(2) ? 0x40000000 : mult_q31();
    p.a_shift = (t % 7 == 0) ? rnd(3) : -rnd(4);
    /* multipliers with many trailing zeros: rounding ties */
    p.b_mult = (t % 4 < 2) ? (int32_t)(((uint32_t)rnd(0x8000) | 1u) << rnd(17)) : mult_q31();
    p.b_shift = (t % 5 == 0) ? 0 : -rnd(25);
    p.y_mult = (t % 6 == 0) ? (int32_t)(((uint32_t)rnd(0x8000) | 1u) << rnd(17)) : mult_q31();
    p.y_shift = -rnd(25) - 1;
    p.left_shift = (t % 11 == 0) ? rnd(21) : 20;
    if (t % 13 == 0) { /* x * 2^30 / 2^31: a tie for every odd x */
      p.a_mult = 0x40000000;
      p.left_shift = rnd(2) * 8;
      p.a_shift = -p.left_shift;
    }
    p.act_min = (t % 3 == 0) ? -100 : -128;
    p.act_max = (t % 3 == 0) ? 50 : 127;
    eg_qbinary_s8(&p, A, B, Y);
    for (i = 0; i < 65536; ++i) {
      const int32_t va = eg_requantize(((int32_t)A[i] - p.a_zp) * (1 << p.left_shift), p.a_mult, p.a_shift);
      const int32_t vb = eg_requantize(((int32_t)B[i] - p.b_zp) * (1 << p.left_shift), p.b_mult, p.b_shift);
      const int32_t v = eg_requantize(p.op == EG_BIN_SUB ? va - vb : va + vb, p.y_mult, p.y_shift) + p.y_zp;
      if (eg_clamp_i32(v, p.act_min, p.act_max) != Y[i]) {
        if (bad < 5) printf("qadd t=%d i=%d: %d != %d\n", t, i, eg_clamp_i32(v, p.act_min, p.act_max), Y[i]);
        ++bad;
      }
    }
  }
  return bad;
}

/* Reference pools: every tap of the window, its position checked. */
static int32_t in_at(const eg_pool_geom *g, int32_t b, int32_t c, const int32_t *pos) {
  const int32_t in_s = g->in_sp[0] * g->in_sp[1] * g->in_sp[2];
  const int32_t sp = (pos[0] * g->in_sp[1] + pos[1]) * g->in_sp[2] + pos[2];
  return IN[b * in_s * g->channels + c * g->in_c_stride + sp * g->in_sp_stride];
}

static void ref_pool(const eg_pool_s8_params *p, int avg, int8_t *out) {
  const eg_pool_geom *g = &p->g;
  const int32_t out_s = g->out_sp[0] * g->out_sp[1] * g->out_sp[2];
  int32_t b, c, os, k[3], o[3], pos[3], d;
  for (b = 0; b < g->batch; ++b)
    for (os = 0; os < out_s; ++os)
      for (c = 0; c < g->channels; ++c) {
        int32_t acc = 0, best = -128, nv = 0, np = 0, v;
        o[0] = os / (g->out_sp[1] * g->out_sp[2]);
        o[1] = (os / g->out_sp[2]) % g->out_sp[1];
        o[2] = os % g->out_sp[2];
        for (k[0] = 0; k[0] < g->kernel[0]; ++k[0])
          for (k[1] = 0; k[1] < g->kernel[1]; ++k[1])
            for (k[2] = 0; k[2] < g->kernel[2]; ++k[2]) {
              int valid = 1, padded = 1;
              for (d = 0; d < 3; ++d) {
                pos[d] = o[d] * g->stride[d] - g->pad[d] + k[d] * g->dil[d];
                if (pos[d] < 0 || pos[d] >= g->in_sp[d]) valid = 0;
                if (pos[d] < -g->pad[d] || pos[d] >= g->in_sp[d] + g->pad_end[d]) padded = 0;
              }
              np += padded;
              if (!valid) continue;
              ++nv;
              v = in_at(g, b, c, pos);
              acc += v - p->in_zp;
              if (v > best) best = v;
            }
        if (avg) {
          const int32_t cnt = g->count_include_pad ? np : nv;
          int32_t a = 0;
          if (cnt > 0) {
            const int64_t num = (int64_t)acc * 256;
            a = (int32_t)(num >= 0 ? (num + cnt / 2) / cnt : -((-num + cnt / 2) / cnt));
          }
          best = eg_clamp_i32(eg_requantize(a, p->mult, p->shift) + p->out_zp, p->act_min, p->act_max);
        }
        out[b * out_s * g->channels + c * g->out_c_stride + os * g->out_sp_stride] = (int8_t)best;
      }
}

static int test_pool(void) {
  int t, bad = 0, i, d;
  for (t = 0; t < 3000; ++t) {
    eg_pool_s8_params p;
    eg_pool_geom *g = &p.g;
    int32_t nin = 1, nout = 1;
    const int nhwc = rnd(2);
    memset(&p, 0, sizeof p);
    g->batch = 1 + rnd(2);
    g->channels = 1 + rnd(9);
    g->nsp = 1 + rnd(3);
    for (d = 0; d < 3; ++d) {
      g->in_sp[d] = g->out_sp[d] = g->kernel[d] = g->stride[d] = g->dil[d] = 1;
      g->pad[d] = g->pad_end[d] = 0;
    }
    for (d = 3 - g->nsp; d < 3; ++d) {
      int32_t ek, o;
      g->in_sp[d] = 1 + rnd(8);
      g->kernel[d] = 1 + rnd(4);
      g->stride[d] = 1 + rnd(3);
      g->dil[d] = 1 + rnd(2);
      g->pad[d] = rnd(2);
      g->pad_end[d] = rnd(2);
      ek = (g->kernel[d] - 1) * g->dil[d] + 1;
      if (ek > g->in_sp[d] + g->pad[d] + g->pad_end[d]) g->kernel[d] = g->dil[d] = ek = 1;
      o = (g->in_sp[d] + g->pad[d] + g->pad_end[d] - ek) / g->stride[d] + 1;
      g->out_sp[d] = o;
    }
    if (t % 8 == 0) /* global pool */
      for (d = 0; d < 3; ++d) {
        g->kernel[d] = g->in_sp[d];
        g->stride[d] = g->dil[d] = g->out_sp[d] = 1;
        g->pad[d] = g->pad_end[d] = 0;
      }
    for (d = 0; d < 3; ++d) {
      nin *= g->in_sp[d];
      nout *= g->out_sp[d];
    }
    g->in_c_stride = nhwc ? 1 : nin;
    g->in_sp_stride = nhwc ? g->channels : 1;
    g->out_c_stride = nhwc ? 1 : nout;
    g->out_sp_stride = nhwc ? g->channels : 1;
    g->count_include_pad = rnd(2);
    p.in_zp = rnd(256) - 128;
    p.out_zp = rnd(256) - 128;
    p.act_min = (t % 3) ? -128 : p.out_zp;
    p.act_max = 127;
    p.mult = mult_q31();
    p.shift = -rnd(12) + (t % 7 == 0 ? 2 : 0);
    for (i = 0; i < g->batch * g->channels * nin; ++i) IN[i] = (int8_t)(rnd(256) - 128);
    if (t % 5 == 0)
      for (i = 0; i < g->batch * g->channels * nin; ++i) IN[i] = (int8_t)(rnd(2) ? 127 : -128);
    ref_pool(&p, 1, O1);
    eg_avgpool_s8(&p, IN, O2);
    if (memcmp(O1, O2, (size_t)(g->batch * g->channels * nout))) {
      if (bad < 5) printf("avgpool t=%d differs\n", t);
      ++bad;
    }
    ref_pool(&p, 0, O1);
    eg_maxpool_s8(g, IN, O2);
    if (memcmp(O1, O2, (size_t)(g->batch * g->channels * nout))) {
      if (bad < 5) printf("maxpool t=%d differs\n", t);
      ++bad;
    }
  }
  return bad;
}

int main(void) {
  const int bq = test_qadd(), bp = test_pool();
  printf("test_qadd: qadd %d, pools %d mismatches\n", bq, bp);
  return bq + bp != 0;
}
