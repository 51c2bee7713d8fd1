/* Bit-exactness of the int8 element-wise kernel eg_qbinary_s8 (Add/Sub: the
 * computed fast row and the folded tables of src/ops/qadd_fold.c; Mul) and of
 * the int8 pools (eg_avgpool_s8, eg_maxpool_s8) against straightforward
 * references written with eg_requantize and per-tap index math. Built on the
 * host twice by tests/CMakeLists.txt (portable, and the DSP paths through
 * acle_emul.h) and run on the emulated Cortex-M4 by run_m4_qadd.sh (-O2, -Os;
 * EG_M4: smaller buffers, fewer cases). Exit status 0 = all equal. */
#include <math.h>
#include <string.h>

#include "eg_common.h"
#include "eg_eltwise_bin.h"
#include "eg_pool.h"
#include "ops/qadd_fold.h"

#ifdef EG_M4
#include "m4bench.h"
#define PRINT m4_printf
#define PAIRS 4096 /* pairs per kernel call: the 65536 pairs in 16 chunks */
#define TRIALS 24
#define TFL_TRIALS 4
#define POOL_TRIALS 800
#else
#include <stdio.h>
#define PRINT printf
#define PAIRS 65536
#define TRIALS 300
#define TFL_TRIALS 200
#define POOL_TRIALS 4000
#endif

static int8_t A[PAIRS + 8], B[PAIRS + 8], Y[PAIRS + 8], Y2[PAIRS + 8];
static int32_t TAB[512];
static eg_qadd_fold_work WORK;
#define POOL_BUF 8192
static int8_t IN[POOL_BUF], IN2[POOL_BUF], O1[POOL_BUF], O2[POOL_BUF];
static uint32_t rng = 12345u;
static int32_t rnd(int32_t n) {
  rng = rng * 1664525u + 1013904223u;
  return (int32_t)((rng >> 8) % (uint32_t)n);
}
static int32_t rr(int32_t lo, int32_t hi) { return lo + rnd(hi - lo + 1); }
static int32_t mult_q31(void) { return (int32_t)(0x40000000u + (uint32_t)rnd(0x40000000)); }

/* The compiler's to_fixed (src/ops/quant_math.h): real = mult * 2^(shift - 31). */
static void to_fixed(double real, int32_t *mult, int32_t *shift) {
  int e = 0;
  double m = frexp(real, &e);
  int64_t q = (int64_t)llround(m * 2147483648.0);
  if (real == 0.0) {
    *mult = *shift = 0;
    return;
  }
  if (q == ((int64_t)1 << 31)) {
    q /= 2;
    ++e;
  }
  if (e < -31) q = e = 0;
  *mult = (int32_t)q;
  *shift = e;
}

/* Parameters as the compiler makes them for scales sa, sb, sy (elementwise.cpp). */
static void emitter_params(eg_qbinary_s8_params *p, double sa, double sb, double sy) {
  if (p->op == EG_BIN_MUL) {
    to_fixed(sa * sb / sy, &p->y_mult, &p->y_shift);
  } else {
    const double twice_max = 2.0 * (sa > sb ? sa : sb);
    p->left_shift = 20;
    to_fixed(sa / twice_max, &p->a_mult, &p->a_shift);
    to_fixed(sb / twice_max, &p->b_mult, &p->b_shift);
    to_fixed(twice_max / (1048576.0 * sy), &p->y_mult, &p->y_shift);
  }
}

/* Random log-uniform scale ratio in [2^-lo, 2^hi]. */
static double scale(int32_t lo, int32_t hi) { return ldexp(1.0 + rnd(1 << 20) / 1048576.0, rr(-lo, hi)); }

static void random_params(eg_qbinary_s8_params *p, int32_t t, int32_t op) {
  memset(p, 0, sizeof *p);
  p->bc.rank = 1;
  p->bc.stride[0][0] = p->bc.stride[1][0] = 1;
  p->op = op;
  p->a_zp = rnd(256) - 128;
  p->b_zp = rnd(256) - 128;
  p->y_zp = rnd(256) - 128;
  p->act_min = (t % 3 == 0) ? rr(-128, 0) : -128;
  p->act_max = (t % 3 == 0) ? rr(0, 127) : 127;
  if (t % 2 == 0) { /* realistic: from scales */
    const double sy = 1.0 / 256;
    emitter_params(p, sy * scale(3, 3), sy * scale(3, 3), sy);
    return;
  }
  if (op == EG_BIN_MUL) {
    p->y_mult = (t % 4 == 1) ? (int32_t)(((uint32_t)rnd(0x8000) | 1u) << rnd(17)) : mult_q31();
    p->y_shift = -rnd(20) - 1 + (t % 7 == 1 ? 8 : 0);
    return;
  }
  /* adversarial: multipliers with many trailing zeros (rounding ties), odd shifts */
  p->a_mult = rnd(2) ? 0x40000000 : mult_q31();
  p->a_shift = (t % 7 == 1) ? rnd(3) : -rnd(4);
  p->b_mult = (t % 4 < 2) ? (int32_t)(((uint32_t)rnd(0x8000) | 1u) << rnd(17)) : mult_q31();
  p->b_shift = (t % 5 == 1) ? 0 : -rnd(25);
  p->y_mult = (t % 6 == 1) ? (int32_t)(((uint32_t)rnd(0x8000) | 1u) << rnd(17)) : mult_q31();
  p->y_shift = -rnd(25) - 1;
  p->left_shift = (t % 11 == 1) ? rnd(21) : 20;
  if (t % 13 == 1) { /* x * 2^30 / 2^31: a tie for every odd x */
    p->a_mult = 0x40000000;
    p->left_shift = rnd(2) * 8;
    p->a_shift = -p->left_shift;
  }
}

/* The general formula for one pair (Mul, or Add/Sub through qadd_fold's reference). */
static int32_t ref_one(const eg_qbinary_s8_params *p, int32_t a, int32_t b) {
  if (p->op == EG_BIN_MUL) {
    const int32_t v = eg_requantize((a - p->a_zp) * (b - p->b_zp), p->y_mult, p->y_shift) + p->y_zp;
    return (int8_t)eg_clamp_i32(v, p->act_min, p->act_max);
  }
  return eg_qaddsub_ref(p, a, b);
}

/* All 65536 (a, b) pairs through eg_qbinary_s8 as one contiguous row per chunk. */
static int check_pairs(const eg_qbinary_s8_params *p, const char *what, int32_t t) {
  int32_t base, i, bad = 0;
  eg_qbinary_s8_params q = *p;
  q.bc.shape[0] = PAIRS;
  for (base = 0; base < 65536; base += PAIRS) {
    for (i = 0; i < PAIRS; ++i) {
      A[i] = (int8_t)((base + i) & 255);
      B[i] = (int8_t)((base + i) >> 8);
    }
    eg_qbinary_s8(&q, A, B, Y);
    for (i = 0; i < PAIRS; ++i) {
      const int32_t want = ref_one(p, A[i], B[i]);
      if (want != Y[i]) {
        if (bad < 3)
          PRINT("%s t=%d op %d a=%d b=%d: ref %d, kernel %d\n", what, (int)t, (int)p->op, (int)A[i], (int)B[i],
                (int)want, (int)Y[i]);
        ++bad;
      }
    }
  }
  return bad;
}

static int test_pairs(void) {
  int32_t t, bad = 0, folded = 0, k22 = 0, ops[3] = {EG_BIN_ADD, EG_BIN_SUB, EG_BIN_MUL};
  for (t = 0; t < TRIALS; ++t) {
    eg_qbinary_s8_params p;
    const int32_t op = ops[t % 3];
    random_params(&p, t / 3, op);
    bad += check_pairs(&p, "computed", t);
    if (op == EG_BIN_MUL) continue;
    p.tab_shift = eg_qaddsub_fold(&p, TAB, &WORK);
    if (p.tab_shift <= 0) continue;
    ++folded;
    k22 += p.tab_shift == EG_QTAB_SHIFT;
    p.tab = TAB;
    bad += check_pairs(&p, "tables", t);
  }
  PRINT("pairs: %d cases, %d Add/Sub folded to tables (%d with shift %d), %d mismatches\n", (int)TRIALS, (int)folded,
        (int)k22, EG_QTAB_SHIFT, (int)bad);
  return bad;
}

/* TFLite's ADD/SUB (eg_addsub_s8_tfl) folded into eg_qaddsub_s8_tab's tables
 * (eg_qaddsub_tfl_fold): all 65536 pairs through the table kernel against
 * eg_addsub_tfl_one, and the computed kernel against it on the same pairs.
 * Parameters as TFLite Micro makes them from random scales (left shift 20,
 * inputs over twice the larger scale), fused activation ranges, and
 * adversarial multipliers/shifts (ties, shifts >= 0, extreme zero points). */
static void tfl_params(eg_addsub_s8_tfl_params *p, int32_t t) {
  double sa, sb, sy, twice_max;
  memset(p, 0, sizeof *p);
  p->dims[0] = p->dims[1] = p->dims[2] = 1;
  p->dims[3] = PAIRS;
  p->a_strides[3] = p->b_strides[3] = 1;
  p->left_shift = 20;
  p->subtract = t % 4 == 3;
  p->a_offset = (t % 9 == 4) ? 128 : -(rnd(256) - 128);
  p->b_offset = (t % 9 == 5) ? -127 : -(rnd(256) - 128);
  p->out_offset = rnd(256) - 128;
  p->act_min = (t % 3 == 0) ? rr(-128, 0) : -128;
  p->act_max = (t % 3 == 0) ? rr(0, 127) : 127;
  sy = 1.0 / 256;
  sa = sy * scale(4, 4);
  sb = (t % 5 == 2) ? sa : sy * scale(4, 4);
  twice_max = 2.0 * (sa > sb ? sa : sb);
  to_fixed(sa / twice_max, &p->a_mult, &p->a_shift);
  to_fixed(sb / twice_max, &p->b_mult, &p->b_shift);
  to_fixed(twice_max / (1048576.0 * sy), &p->out_mult, &p->out_shift);
  if (t % 2 == 1) { /* adversarial */
    p->a_mult = rnd(2) ? 0x40000000 : mult_q31();
    p->a_shift = -rnd(6);
    p->b_mult = (int32_t)(((uint32_t)rnd(0x8000) | 1u) << rnd(17));
    p->b_shift = (t % 7 == 1) ? 1 : -rnd(12);
    p->out_mult = (t % 6 == 1) ? (int32_t)(((uint32_t)rnd(0x8000) | 1u) << rnd(17)) : mult_q31();
    p->out_shift = -rnd(25) - 1;
  }
}

static int test_tfl_pairs(void) {
  int32_t t, i, base, bad = 0, folded = 0;
  for (t = 0; t < TFL_TRIALS; ++t) {
    eg_addsub_s8_tfl_params p;
    eg_qbinary_s8_params q;
    tfl_params(&p, t);
    q.tab_shift = eg_qaddsub_tfl_fold(&p, &q, TAB, &WORK);
    q.tab = TAB;
    q.bc.rank = 1;
    q.bc.shape[0] = PAIRS;
    q.bc.stride[0][0] = q.bc.stride[1][0] = 1;
    folded += q.tab_shift > 0;
    for (base = 0; base < 65536; base += PAIRS) {
      for (i = 0; i < PAIRS; ++i) {
        A[i] = (int8_t)((base + i) & 255);
        B[i] = (int8_t)((base + i) >> 8);
      }
      eg_addsub_s8_tfl(&p, A, B, Y2);
      if (q.tab_shift > 0) eg_qaddsub_s8_tab(&q, A, B, Y);
      for (i = 0; i < PAIRS; ++i) {
        const int32_t want = eg_addsub_tfl_one(&p, A[i], B[i]);
        if (Y2[i] == want && (q.tab_shift <= 0 || Y[i] == want)) continue;
        if (bad < 3)
          PRINT("tfl t=%d a=%d b=%d: ref %d, computed %d, tables %d\n", (int)t, (int)A[i], (int)B[i], (int)want,
                (int)Y2[i], q.tab_shift > 0 ? (int)Y[i] : 999);
        ++bad;
      }
    }
  }
  PRINT("tfl pairs: %d cases, %d folded to tables, %d mismatches\n", (int)TFL_TRIALS, (int)folded, (int)bad);
  return bad;
}

/* Broadcast layouts: rank-2 and rank-3 shapes, operands broadcast along any
 * axis, odd lengths, unaligned pointers, y == a in place; tables and computed. */
static int test_layouts(void) {
  int32_t t, bad = 0;
  for (t = 0; t < (TRIALS * 4); ++t) {
    eg_qbinary_s8_params p;
    const int32_t op = t % 3 == 2 ? EG_BIN_MUL : (t % 3 ? EG_BIN_SUB : EG_BIN_ADD);
    int32_t d, i, n = 1, oa = rnd(4), ob = rnd(4), oy = rnd(4), in_place = rnd(4) == 0, sa[3], sb[3], idx[3];
    int8_t *a = A + oa, *b = B + ob, *y = Y + oy;
    random_params(&p, t, op);
    p.bc.rank = 1 + rnd(3);
    for (d = p.bc.rank - 1; d >= 0; --d) {
      p.bc.shape[d] = rr(1, d == p.bc.rank - 1 ? 41 : 6);
      n *= p.bc.shape[d];
    }
    /* a: full (or broadcast when not in place), b: full or broadcast per axis */
    {
      int32_t na = 1, nb = 1;
      for (d = p.bc.rank - 1; d >= 0; --d) {
        const int ba = !in_place && rnd(3) == 0, bb = rnd(3) == 0;
        p.bc.stride[0][d] = ba ? 0 : na;
        p.bc.stride[1][d] = bb ? 0 : nb;
        na *= ba ? 1 : p.bc.shape[d];
        nb *= bb ? 1 : p.bc.shape[d];
      }
      for (i = 0; i < na; ++i) a[i] = (int8_t)rnd(256);
      for (i = 0; i < nb; ++i) b[i] = (int8_t)rnd(256);
    }
    for (d = 0; d < 3; ++d) {
      sa[d] = d < p.bc.rank ? p.bc.stride[0][d] : 0;
      sb[d] = d < p.bc.rank ? p.bc.stride[1][d] : 0;
    }
    /* expected values first (a may be overwritten in place) */
    for (i = 0; i < n; ++i) {
      int32_t r = i, ia = 0, ib = 0;
      for (d = p.bc.rank - 1; d >= 0; --d) {
        idx[d] = r % p.bc.shape[d];
        r /= p.bc.shape[d];
        ia += idx[d] * sa[d];
        ib += idx[d] * sb[d];
      }
      O1[i] = (int8_t)ref_one(&p, a[ia], b[ib]);
    }
    if (in_place) y = a;
    if (op != EG_BIN_MUL && rnd(4) != 0) {
      p.tab_shift = eg_qaddsub_fold(&p, TAB, &WORK);
      p.tab = p.tab_shift > 0 ? TAB : 0;
    }
    eg_qbinary_s8(&p, a, b, y);
    if (memcmp(O1, y, (size_t)n) != 0) {
      if (bad < 3) PRINT("layout t=%d op %d rank %d tables %d in place %d differs\n", (int)t, (int)op,
                         (int)p.bc.rank, p.tab != 0, (int)in_place);
      ++bad;
    }
  }
  PRINT("layouts: %d cases, %d mismatches\n", (int)(TRIALS * 4), (int)bad);
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
  for (t = 0; t < POOL_TRIALS; ++t) {
    eg_pool_s8_params p;
    eg_pool_geom *g = &p.g;
    int32_t nin = 1, nout = 1, off_in = rnd(4), off_out = rnd(4);
    const int nhwc = rnd(4) != 0;
    memset(&p, 0, sizeof p);
    g->batch = 1 + rnd(2);
    g->channels = rnd(2) ? 1 + rnd(9) : 1 + rnd(40);
    g->nsp = 1 + rnd(3);
    for (d = 0; d < 3; ++d) {
      g->in_sp[d] = g->out_sp[d] = g->kernel[d] = g->stride[d] = g->dil[d] = 1;
      g->pad[d] = g->pad_end[d] = 0;
    }
    for (d = 3 - g->nsp; d < 3; ++d) {
      int32_t ek, o;
      g->in_sp[d] = 1 + rnd(g->nsp == 1 ? 40 : 9);
      g->kernel[d] = 1 + rnd(4);
      g->stride[d] = 1 + rnd(3);
      g->dil[d] = rnd(3) ? 1 : 2;
      g->pad[d] = rnd(2) ? 0 : rnd(g->kernel[d]);
      g->pad_end[d] = rnd(2) ? 0 : rnd(g->kernel[d]);
      ek = (g->kernel[d] - 1) * g->dil[d] + 1;
      if (ek > g->in_sp[d] + g->pad[d] + g->pad_end[d]) g->kernel[d] = g->dil[d] = ek = 1;
      o = (g->in_sp[d] + g->pad[d] + g->pad_end[d] - ek) / g->stride[d] + 1;
      g->out_sp[d] = o;
    }
    if (t % 6 == 0) /* global pool */
      for (d = 0; d < 3; ++d) {
        g->kernel[d] = g->in_sp[d];
        g->stride[d] = g->dil[d] = g->out_sp[d] = 1;
        g->pad[d] = g->pad_end[d] = 0;
      }
    if (t % 50 == 0) { /* global pool with more than 255 taps (int16 lane sums flushed) */
      g->nsp = 2;
      g->in_sp[0] = 1;
      g->in_sp[1] = 17 + rnd(10);
      g->in_sp[2] = 17 + rnd(10);
      g->channels = 1 + rnd(12);
      g->batch = 1;
      for (d = 0; d < 3; ++d) {
        g->kernel[d] = g->in_sp[d];
        g->stride[d] = g->dil[d] = g->out_sp[d] = 1;
        g->pad[d] = g->pad_end[d] = 0;
      }
    }
    for (d = 0; d < 3; ++d) {
      nin *= g->in_sp[d];
      nout *= g->out_sp[d];
    }
    if (g->batch * g->channels * nin + 4 > POOL_BUF || g->batch * g->channels * nout + 4 > POOL_BUF) continue;
    g->in_c_stride = nhwc ? 1 : nin;
    g->in_sp_stride = nhwc ? g->channels : 1;
    g->out_c_stride = nhwc ? 1 : nout;
    g->out_sp_stride = nhwc ? g->channels : 1;
    g->count_include_pad = rnd(2);
    p.in_zp = rnd(256) - 128;
    p.out_zp = rnd(256) - 128;
    p.act_min = (t % 3) ? -128 : p.out_zp;
    p.act_max = (t % 4) ? 127 : rr(p.act_min, 127);
    p.mult = mult_q31();
    p.shift = -rnd(12) + (t % 7 == 0 ? 2 : 0);
    for (i = 0; i < g->batch * g->channels * nin; ++i) IN[i] = (int8_t)(rnd(256) - 128);
    if (t % 5 == 0)
      for (i = 0; i < g->batch * g->channels * nin; ++i) IN[i] = (int8_t)(rnd(2) ? 127 : -128);
    /* the kernels read a copy at an unaligned offset and write at one */
    memcpy(IN2 + off_in, IN, (size_t)(g->batch * g->channels * nin));
    ref_pool(&p, 1, O1);
    eg_avgpool_s8(&p, IN2 + off_in, O2 + off_out);
    if (memcmp(O1, O2 + off_out, (size_t)(g->batch * g->channels * nout))) {
      if (bad < 5) PRINT("avgpool t=%d differs\n", t);
      ++bad;
    }
    ref_pool(&p, 0, O1);
    eg_maxpool_s8(g, IN2 + off_in, O2 + off_out);
    if (memcmp(O1, O2 + off_out, (size_t)(g->batch * g->channels * nout))) {
      if (bad < 5) PRINT("maxpool t=%d differs\n", t);
      ++bad;
    }
  }
  PRINT("pools: %d cases, %d mismatches\n", POOL_TRIALS, bad);
  return bad;
}

#ifndef EG_M4
/* eg_pool.c's division by a multiply: floor(n / d) = hi(n * (ceil(2^32 / d)))
 * for 2 <= d <= 256 and 0 <= n < 2^24. Both sides are non-decreasing in n and
 * the right one steps by at most 1, so checking both sides of every multiple
 * of d covers every n. */
static int test_recip(void) {
  uint32_t d, k, bad = 0;
  for (d = 2; d <= 256; ++d) {
    const uint32_t m = 0xFFFFFFFFu / d + 1u;
    for (k = 1; k * d < (1u << 24); ++k) {
      const uint32_t n = k * d;
      if ((uint32_t)(((uint64_t)n * m) >> 32) != k || (uint32_t)(((uint64_t)(n - 1) * m) >> 32) != k - 1) ++bad;
    }
    if ((uint32_t)(((uint64_t)((1u << 24) - 1) * m) >> 32) != ((1u << 24) - 1) / d) ++bad;
  }
  PRINT("reciprocals: %d mismatches\n", (int)bad);
  return (int)bad;
}
#else
static int test_recip(void) { return 0; }
#endif

int main(void) {
  const int bq = test_pairs(), bt = test_tfl_pairs(), bl = test_layouts(), bp = test_pool(), br = test_recip();
  PRINT("test_qadd (EG_USE_DSP=%d): %d mismatches\n", EG_USE_DSP, bq + bt + bl + bp + br);
  return bq + bt + bl + bp + br != 0;
}
