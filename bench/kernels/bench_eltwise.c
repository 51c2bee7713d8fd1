/* Cortex-M4 cycle benchmark (m4bench) of the int8 element-wise kernels
 * (eg_qbinary_s8: Add/Sub/Mul) and int8 pools (eg_maxpool_s8, eg_avgpool_s8)
 * on the shared models' layer shapes. Each case runs the general formula
 * (region 2*i: the per-element loop of the reference, or the per-tap pool
 * reference) and the kernel (region 2*i+1); the outputs are compared (exit 1 on
 * a difference). The firmware prints "case <i> <elements> <name>";
 * bench/kernels/run_eltwise.sh turns the JSON into cycles per element (pools:
 * per input tap, the MACC count of the report). */
#include <stdint.h>
#include <string.h>

#include "eg_common.h"
#include "eg_eltwise_bin.h"
#include "eg_pool.h"
#include "m4bench.h"
#include "ops/qadd_fold.h"
#define EG_M4 /* the benches run on the emulated Cortex-M4 only */
#include "eg_harness.h" /* tests/kernels/ */

#define N_MAX 16384
static int8_t a_buf[N_MAX + 4] __attribute__((aligned(4)));
static int8_t b_buf[N_MAX + 4] __attribute__((aligned(4)));
static int8_t y_ref[N_MAX + 4] __attribute__((aligned(4)));
static int8_t y_opt[N_MAX + 4] __attribute__((aligned(4)));
static int32_t tab[512];
static eg_qadd_fold_work work;

/* -DPAD=n shifts the code after this point by 2n bytes: m4bench can lose a
 * marker that ends at offset 0x3FE of a 1 KiB page (QEMU 7.2), and
 * run_eltwise.sh then rebuilds with another PAD. */
#if defined(PAD) && PAD > 0
#define EG_STR2(x) #x
#define EG_STR(x) EG_STR2(x)
__attribute__((noinline)) static void bench_pad(void) { __asm__ volatile(".rept " EG_STR(PAD) "\n\tnop\n\t.endr"); }
#else
static void bench_pad(void) {}
#endif

#include "bench_cases.h"

static int fails = 0;

/* The general per-element formula, contiguous operands. */
__attribute__((noinline)) static void qbin_ref(const eg_qbinary_s8_params *p, int32_t n) {
  int32_t i;
  for (i = 0; i < n; ++i) {
    const int32_t a = a_buf[i], b = b_buf[i];
    int32_t v;
    if (p->op == EG_BIN_MUL) {
      v = eg_requantize((a - p->a_zp) * (b - p->b_zp), p->y_mult, p->y_shift) + p->y_zp;
    } else {
      const int32_t va = eg_requantize((a - p->a_zp) * (1 << p->left_shift), p->a_mult, p->a_shift);
      const int32_t vb = eg_requantize((b - p->b_zp) * (1 << p->left_shift), p->b_mult, p->b_shift);
      v = eg_requantize(p->op == EG_BIN_SUB ? va - vb : va + vb, p->y_mult, p->y_shift) + p->y_zp;
    }
    y_ref[i] = (int8_t)eg_clamp_i32(v, p->act_min, p->act_max);
  }
}
__attribute__((noinline)) static void qbin_opt(const eg_qbinary_s8_params *p, int in_place) {
  eg_qbinary_s8(p, in_place ? y_opt : a_buf, b_buf, y_opt);
}

/* kind: 0 computed row, 1 tables, 2 tables with a fused clamp */
static void qbin(int id, const char *name, int32_t op, int32_t n, int32_t azp, int32_t bzp, int32_t yzp, int32_t am,
                 int32_t ash, int32_t bm, int32_t bsh, int32_t ym, int32_t ysh, int kind) {
  eg_qbinary_s8_params p;
  int32_t i;
  memset(&p, 0, sizeof p);
  p.bc.rank = 1;
  p.bc.shape[0] = n;
  p.bc.stride[0][0] = p.bc.stride[1][0] = 1;
  p.op = op;
  p.a_zp = azp;
  p.b_zp = bzp;
  p.y_zp = yzp;
  p.a_mult = am;
  p.a_shift = ash;
  p.b_mult = bm;
  p.b_shift = bsh;
  p.y_mult = ym;
  p.y_shift = ysh;
  p.left_shift = op == EG_BIN_MUL ? 0 : 20;
  p.act_min = kind == 2 ? yzp : -128;
  p.act_max = 127;
  if (kind > 0) {
    p.tab_shift = eg_qaddsub_fold(&p, tab, &work);
    p.tab = p.tab_shift > 0 ? tab : 0;
    if (!p.tab) m4_printf("%s: no tables\n", name);
  }
  for (i = 0; i < n; ++i) {
    a_buf[i] = (int8_t)rnd();
    b_buf[i] = (int8_t)rnd();
  }
  memcpy(y_opt, a_buf, (size_t)n); /* in place: y = a (the residual Add's case) */
  m4_printf("case %d %ld %s\n", id, (long)n, name);
  RUN_BOTH(id, qbin_ref(&p, n), qbin_opt(&p, 1))
  if (memcmp(y_ref, y_opt, (size_t)n) != 0) {
    m4_printf("MISMATCH %s\n", name);
    ++fails;
  }
}

/* Per-tap pool reference (index math per tap, as test_qadd.c). */
__attribute__((noinline)) static void pool_ref(const eg_pool_s8_params *p, int avg) {
  const eg_pool_geom *g = &p->g;
  const int32_t out_s = g->out_sp[0] * g->out_sp[1] * g->out_sp[2], in_s = g->in_sp[0] * g->in_sp[1] * g->in_sp[2];
  int32_t c, os, k[3], o[3], pos[3], d;
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
            v = a_buf[c * g->in_c_stride + ((pos[0] * g->in_sp[1] + pos[1]) * g->in_sp[2] + pos[2]) * g->in_sp_stride];
            acc += v - p->in_zp;
            if (v > best) best = v;
          }
      if (avg) {
        const int32_t cnt = g->count_include_pad ? np : nv;
        int32_t q = 0;
        if (cnt > 0) {
          const int64_t num = (int64_t)acc * 256;
          q = (int32_t)(num >= 0 ? (num + cnt / 2) / cnt : -((-num + cnt / 2) / cnt));
        }
        best = eg_clamp_i32(eg_requantize(q, p->mult, p->shift) + p->out_zp, p->act_min, p->act_max);
      }
      y_ref[c * g->out_c_stride + os * g->out_sp_stride] = (int8_t)best;
    }
  (void)in_s;
}
__attribute__((noinline)) static void pool_opt(const eg_pool_s8_params *p, int avg) {
  if (avg) eg_avgpool_s8(p, a_buf, y_opt);
  else eg_maxpool_s8(&p->g, a_buf, y_opt);
}

/* NHWC pool on an h x w x c map (h = 1: 1-D), square kernel k (global when k = 0), stride s, pad. */
static void pool(int id, const char *name, int avg, int32_t h, int32_t w, int32_t c, int32_t kh, int32_t kw, int32_t s,
                 int32_t pad) {
  eg_pool_s8_params p;
  eg_pool_geom *g = &p.g;
  int32_t i, n_in = h * w * c, n_out, macc;
  memset(&p, 0, sizeof p);
  g->batch = 1;
  g->channels = c;
  g->nsp = 2;
  g->in_sp[0] = g->out_sp[0] = g->kernel[0] = g->stride[0] = g->dil[0] = 1;
  g->in_sp[1] = h;
  g->in_sp[2] = w;
  g->kernel[1] = kh ? kh : h;
  g->kernel[2] = kw ? kw : w;
  g->stride[1] = g->stride[2] = kh ? s : 1;
  g->dil[1] = g->dil[2] = 1;
  g->pad[1] = g->pad[2] = g->pad_end[1] = g->pad_end[2] = pad;
  g->out_sp[1] = (h + 2 * pad - g->kernel[1]) / g->stride[1] + 1;
  g->out_sp[2] = (w + 2 * pad - g->kernel[2]) / g->stride[2] + 1;
  g->in_c_stride = g->out_c_stride = 1;
  g->in_sp_stride = g->out_sp_stride = c;
  p.in_zp = -128;
  p.out_zp = -128;
  p.act_min = -128;
  p.act_max = 127;
  p.mult = 1437903649;
  p.shift = -6;
  n_out = g->out_sp[1] * g->out_sp[2] * c;
  macc = kh ? n_out * g->kernel[1] * g->kernel[2] : n_in; /* the report's MACC */
  for (i = 0; i < n_in; ++i) a_buf[i] = (int8_t)rnd();
  m4_printf("case %d %ld %s\n", id, (long)macc, name);
  RUN_BOTH(id, pool_ref(&p, avg), pool_opt(&p, avg))
  if (memcmp(y_ref, y_opt, (size_t)n_out) != 0) {
    m4_printf("MISMATCH %s\n", name);
    ++fails;
  }
}

int main(void) {
  bench_pad(); /* keeps it linked */
  /* ic_resnet8's residual Adds (in place, y = a) */
  qbin(1, "add 32x32x16 ic_resnet8 computed", EG_BIN_ADD, 16384, 16, -128, -15, 1073741824, 0, 1219844165, -1,
       1753607063, -19, 0);
  qbin(2, "add 32x32x16 ic_resnet8 tables", EG_BIN_ADD, 16384, 16, -128, -15, 1073741824, 0, 1219844165, -1,
       1753607063, -19, 1);
  qbin(3, "add 16x16x32 ic_resnet8 tables", EG_BIN_ADD, 8192, -4, 2, 4, 1202654872, -1, 1073741824, 0, 1129988222,
       -18, 1);
  qbin(4, "add 8x8x64 ic_resnet8 tables", EG_BIN_ADD, 4096, -1, 1, 4, 1324341838, -1, 1073741824, 0, 2022279476, -19,
       1);
  qbin(5, "sub 32x32x16 tables", EG_BIN_SUB, 16384, 16, -128, -15, 1073741824, 0, 1219844165, -1, 1753607063, -19, 1);
  qbin(6, "add 32x32x16 tables + relu", EG_BIN_ADD, 16384, 16, -128, -15, 1073741824, 0, 1219844165, -1, 1753607063,
       -19, 2);
  qbin(7, "mul 32x32x16 computed", EG_BIN_MUL, 16384, 3, -128, -7, 0, 0, 0, 0, 1518500250, -8, 0);
  /* har_cnn_lstm pool_6: 1-D max pool 64 -> 32, kernel 2, 16 channels */
  pool(8, "maxpool 1x64x16 k2 s2 har", 0, 1, 64, 16, 1, 2, 2, 0);
  /* kws_dscnn pool_37: global average 25x5x64; ic_resnet8 pool_38: global average 8x8x64 */
  pool(9, "avgpool global 25x5x64 kws", 1, 25, 5, 64, 0, 0, 1, 0);
  pool(10, "avgpool global 8x8x64 ic_resnet8", 1, 8, 8, 64, 0, 0, 1, 0);
  pool(11, "maxpool 32x32x16 3x3 s2 pad 1", 0, 32, 32, 16, 3, 3, 2, 1);
  pool(12, "maxpool 16x16x8 2x2 s2", 0, 16, 16, 8, 2, 2, 2, 0);
  pool(13, "avgpool 16x16x24 2x2 s2", 1, 16, 16, 24, 2, 2, 2, 0);
  pool(14, "avgpool 16x16x16 3x3 s1 pad 1", 1, 16, 16, 16, 3, 3, 1, 1);
  pool(15, "maxpool global 24x24x20", 0, 24, 24, 20, 0, 0, 1, 0);
  pool(16, "avgpool global 24x24x20 (576 taps)", 1, 24, 24, 20, 0, 0, 1, 0);
  m4_printf("%d mismatches\n", fails);
  return fails ? 1 : 0;
}
