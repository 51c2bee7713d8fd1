#include "eg_pool.h"

#include <math.h>

#include "eg_common.h"
#include "eg_f32.h"

/* Window of one output position: per spatial dim the taps [kb, ke) that fall
 * inside the input (contiguous, positions grow with the tap index). */
typedef struct {
  int32_t kb[3], ke[3];
  int32_t n_valid, n_padded; /* taps inside the input / inside the padded input */
} eg_window;

static void eg_pool_window(const eg_pool_geom *g, const int32_t *o, eg_window *w) {
  int32_t d;
  w->n_valid = 1;
  w->n_padded = 1;
  for (d = 0; d < 3; ++d) {
    const int32_t start = o[d] * g->stride[d] - g->pad[d];
    int32_t k, nv = 0, np = 0;
    w->kb[d] = g->kernel[d];
    w->ke[d] = 0;
    for (k = 0; k < g->kernel[d]; ++k) {
      const int32_t pos = start + k * g->dil[d];
      if (pos >= -g->pad[d] && pos < g->in_sp[d] + g->pad_end[d]) ++np;
      if (pos >= 0 && pos < g->in_sp[d]) {
        if (k < w->kb[d]) w->kb[d] = k;
        w->ke[d] = k + 1;
        ++nv;
      }
    }
    if (nv == 0) w->kb[d] = w->ke[d] = 0;
    w->n_valid *= nv;
    w->n_padded *= np;
  }
}

static int32_t eg_sp_count(const int32_t *s) { return s[0] * s[1] * s[2]; }

/* Spatial index (row-major) of tap (k0, k1, k2) for output position o. */
static int32_t eg_tap(const eg_pool_geom *g, const int32_t *o, int32_t k0, int32_t k1, int32_t k2) {
  const int32_t p0 = o[0] * g->stride[0] - g->pad[0] + k0 * g->dil[0];
  const int32_t p1 = o[1] * g->stride[1] - g->pad[1] + k1 * g->dil[1];
  const int32_t p2 = o[2] * g->stride[2] - g->pad[2] + k2 * g->dil[2];
  return (p0 * g->in_sp[1] + p1) * g->in_sp[2] + p2;
}

/* Iteration over (batch, output position, channel) shared by the kernels. */
typedef struct {
  int32_t b, c, osp, o[3];
  int32_t ibase, oidx;
  eg_window w;
} eg_pool_it;

static void eg_it_pos(const eg_pool_geom *g, eg_pool_it *it) {
  it->o[0] = it->osp / (g->out_sp[1] * g->out_sp[2]);
  it->o[1] = (it->osp / g->out_sp[2]) % g->out_sp[1];
  it->o[2] = it->osp % g->out_sp[2];
  eg_pool_window(g, it->o, &it->w);
}

static void eg_it_chan(const eg_pool_geom *g, eg_pool_it *it) {
  it->ibase = it->b * eg_sp_count(g->in_sp) * g->channels + it->c * g->in_c_stride;
  it->oidx = it->b * eg_sp_count(g->out_sp) * g->channels + it->c * g->out_c_stride + it->osp * g->out_sp_stride;
}

void eg_maxpool_f32(const eg_pool_geom *g, const float *in, float *out, int64_t *indices, int32_t storage_order) {
  eg_pool_it it;
  const int32_t in_s = eg_sp_count(g->in_sp), out_s = eg_sp_count(g->out_sp);
  int32_t k0, k1, k2;
  for (it.b = 0; it.b < g->batch; ++it.b)
    for (it.osp = 0; it.osp < out_s; ++it.osp) {
      eg_it_pos(g, &it);
      for (it.c = 0; it.c < g->channels; ++it.c) {
        float best = -INFINITY;
        int32_t best_sp = -1;
        eg_it_chan(g, &it);
        for (k0 = it.w.kb[0]; k0 < it.w.ke[0]; ++k0)
          for (k1 = it.w.kb[1]; k1 < it.w.ke[1]; ++k1)
            for (k2 = it.w.kb[2]; k2 < it.w.ke[2]; ++k2) {
              const int32_t sp = eg_tap(g, it.o, k0, k1, k2);
              const float v = in[it.ibase + sp * g->in_sp_stride];
              if (best_sp < 0 || v > best) {
                best = v;
                best_sp = sp;
              }
            }
        out[it.oidx] = best;
        if (indices) {
          int32_t pos = best_sp < 0 ? 0 : best_sp;
          if (storage_order == 1 && g->nsp == 2) {
            const int32_t h = pos / g->in_sp[2], w = pos % g->in_sp[2];
            pos = w * g->in_sp[1] + h;
          }
          indices[(it.b * g->channels + it.c) * out_s + it.osp] = (int64_t)(it.b * g->channels + it.c) * in_s + pos;
        }
      }
    }
}

void eg_maxpool_u8(const eg_pool_geom *g, const uint8_t *in, uint8_t *out) {
  eg_pool_it it;
  const int32_t out_s = eg_sp_count(g->out_sp);
  int32_t k0, k1, k2;
  for (it.b = 0; it.b < g->batch; ++it.b)
    for (it.osp = 0; it.osp < out_s; ++it.osp) {
      eg_it_pos(g, &it);
      for (it.c = 0; it.c < g->channels; ++it.c) {
        uint8_t best = 0;
        eg_it_chan(g, &it);
        for (k0 = it.w.kb[0]; k0 < it.w.ke[0]; ++k0)
          for (k1 = it.w.kb[1]; k1 < it.w.ke[1]; ++k1)
            for (k2 = it.w.kb[2]; k2 < it.w.ke[2]; ++k2) {
              const uint8_t v = in[it.ibase + eg_tap(g, it.o, k0, k1, k2) * g->in_sp_stride];
              if (v > best) best = v;
            }
        out[it.oidx] = best;
      }
    }
}

void eg_avgpool_f32(const eg_pool_geom *g, const float *in, float *out) {
  eg_pool_it it;
  const int32_t out_s = eg_sp_count(g->out_sp);
  int32_t k0, k1, k2;
  for (it.b = 0; it.b < g->batch; ++it.b)
    for (it.osp = 0; it.osp < out_s; ++it.osp) {
      const int32_t cnt = (eg_it_pos(g, &it), g->count_include_pad ? it.w.n_padded : it.w.n_valid);
      for (it.c = 0; it.c < g->channels; ++it.c) {
        float acc = 0.0f;
        eg_it_chan(g, &it);
        for (k0 = it.w.kb[0]; k0 < it.w.ke[0]; ++k0)
          for (k1 = it.w.kb[1]; k1 < it.w.ke[1]; ++k1)
            for (k2 = it.w.kb[2]; k2 < it.w.ke[2]; ++k2) acc += in[it.ibase + eg_tap(g, it.o, k0, k1, k2) * g->in_sp_stride];
        out[it.oidx] = cnt > 0 ? acc / (float)cnt : 0.0f;
      }
    }
}

/* ---- int8 average pool, ONNX Runtime's float semantics (eg_avgpool_s8_ort) ---- */

typedef struct {
  const eg_avgpool_s8_ort_params *p;
  const int8_t *in; /* the channel's first element */
} eg_ort_chan;

/* DequantizeLinear of the element at spatial index sp / at position (p0, p1, p2) (one rounded
 * multiply, never fused into the following add). */
static float eg_ort_dq(const eg_ort_chan *ch, int32_t sp) {
  return eg_fmul((float)((int32_t)ch->in[sp * ch->p->g.in_sp_stride] - ch->p->in_zp), ch->p->in_scale);
}
static float eg_ort_x(const eg_ort_chan *ch, int32_t p0, int32_t p1, int32_t p2) {
  const eg_pool_geom *g = &ch->p->g;
  return eg_ort_dq(ch, (p0 * g->in_sp[1] + p1) * g->in_sp[2] + p2);
}

/* MLAS's global kernel: 4 lane sums over the flattened map, (l0 + l2) + (l1 + l3), the rest in order.
 * The lanes live in registers (about 8 cycles a tap on the Cortex-M4). */
static float eg_ort_global(const eg_ort_chan *ch) {
  const eg_pool_geom *g = &ch->p->g;
  const int32_t n = eg_sp_count(g->in_sp), st = g->in_sp_stride, zp = ch->p->in_zp;
  const float s = ch->p->in_scale;
  const int8_t *x = ch->in;
  float l0 = 0.0f, l1 = 0.0f, l2 = 0.0f, l3 = 0.0f, r;
  int32_t i;
  for (i = 0; i + 4 <= n; i += 4, x += 4 * st) {
    l0 += eg_fmul((float)(x[0] - zp), s);
    l1 += eg_fmul((float)(x[st] - zp), s);
    l2 += eg_fmul((float)(x[2 * st] - zp), s);
    l3 += eg_fmul((float)(x[3 * st] - zp), s);
  }
  r = (l0 + l2) + (l1 + l3);
  for (; i < n; ++i, x += st) r += eg_fmul((float)(x[0] - zp), s);
  return r / (float)n;
}

/* MLAS's 2-D/3-D vector kernels: per input column the sum over the window's planes and rows
 * (clamped to the input), then the columns [start, start + kw) of a row buffer holding zeros
 * in the left/right padding, summed in order; exclude-pad divisor = valid columns x rows. */
static float eg_ort_vector(const eg_ort_chan *ch, const int32_t *o) {
  const eg_pool_geom *g = &ch->p->g;
  const int32_t d0 = g->nsp == 3 ? 0 : 1; /* first pooled dim */
  int32_t b[3], e[3], d, bx, p0, p1, rows = 1;
  const int32_t start = o[2] * g->stride[2], kw = g->kernel[2], pl = g->pad[2], iw = g->in_sp[2];
  float sum = 0.0f, div;
  b[0] = 0;
  e[0] = 1;
  for (d = d0; d < 2; ++d) {
    b[d] = o[d] * g->stride[d] - g->pad[d];
    e[d] = b[d] + g->kernel[d];
    if (b[d] < 0 || b[d] >= g->in_sp[d]) b[d] = 0;
    if (e[d] > g->in_sp[d]) e[d] = g->in_sp[d];
    rows *= e[d] - b[d];
  }
  for (bx = start; bx < start + kw; ++bx) {
    const int32_t ix = bx - pl;
    float col = 0.0f;
    if (ix >= 0 && ix < iw) {
      if (g->nsp == 3) { /* 3-D: the column sum starts from zero */
        for (p0 = b[0]; p0 < e[0]; ++p0)
          for (p1 = b[1]; p1 < e[1]; ++p1) col += eg_ort_x(ch, p0, p1, ix);
      } else { /* 2-D: from the first row */
        col = eg_ort_x(ch, 0, b[1], ix);
        for (p1 = b[1] + 1; p1 < e[1]; ++p1) col += eg_ort_x(ch, 0, p1, ix);
      }
    }
    sum = bx == start ? col : sum + col;
  }
  if (g->count_include_pad) {
    div = (float)(g->kernel[0] * g->kernel[1] * g->kernel[2]);
  } else {
    const int32_t lo = start > pl ? start : pl, hi = start + kw < pl + iw ? start + kw : pl + iw;
    div = (float)(hi - lo) * (float)rows;
    if (div < 1.0f) div = 1.0f;
  }
  return sum / div;
}

/* MLAS's generic kernels: one running sum over the window's valid taps in row-major order. */
static float eg_ort_generic(const eg_ort_chan *ch, const eg_pool_it *it) {
  const eg_pool_geom *g = &ch->p->g;
  float m = 0.0f;
  int32_t k0, k1, k2;
  for (k0 = it->w.kb[0]; k0 < it->w.ke[0]; ++k0)
    for (k1 = it->w.kb[1]; k1 < it->w.ke[1]; ++k1)
      for (k2 = it->w.kb[2]; k2 < it->w.ke[2]; ++k2)
        m += eg_ort_dq(ch, eg_tap(g, it->o, k0, k1, k2));
  return m / (float)(g->count_include_pad ? g->kernel[0] * g->kernel[1] * g->kernel[2] : it->w.n_valid);
}

/* QuantizeLinear: y / scale clamped to the int8 range minus the zero point, rounded half to
 * even (adding and subtracting 1.5 * 2^23 rounds a float of magnitude below 2^22 to nearest even). */
static int32_t eg_ort_quantize(float y, float scale, int32_t zp) {
  const float big = 12582912.0f;
  float v = y / scale;
  const float lo = (float)(-128 - zp), hi = (float)(127 - zp);
  v = v < lo ? lo : (v > hi ? hi : v);
  return (int32_t)((v + big) - big) + zp;
}

void eg_avgpool_s8_ort(const eg_avgpool_s8_ort_params *p, const int8_t *in, int8_t *out) {
  const eg_pool_geom *g = &p->g;
  const int32_t out_s = eg_sp_count(g->out_sp);
  int32_t d, global = 1, vector = g->nsp >= 2 && g->stride[2] <= 2 &&
                                  g->in_sp[2] + g->pad[2] + g->pad_end[2] <= 2048 - 3;
  eg_pool_it it;
  eg_ort_chan ch;
  ch.p = p;
  for (d = 3 - g->nsp; d < 3; ++d) {
    global = global && g->kernel[d] == g->in_sp[d] && g->stride[d] == 1 && g->pad[d] == 0 && g->pad_end[d] == 0;
    vector = vector && g->kernel[d] <= 32 && g->dil[d] == 1;
  }
  for (it.b = 0; it.b < g->batch; ++it.b)
    for (it.osp = 0; it.osp < out_s; ++it.osp) {
      eg_it_pos(g, &it);
      for (it.c = 0; it.c < g->channels; ++it.c) {
        float y;
        int32_t q;
        eg_it_chan(g, &it);
        ch.in = in + it.ibase;
        y = global ? eg_ort_global(&ch) : (vector ? eg_ort_vector(&ch, it.o) : eg_ort_generic(&ch, &it));
        q = eg_ort_quantize(y, p->out_scale, p->out_zp);
        out[it.oidx] = (int8_t)eg_clamp_i32(q, p->act_min, p->act_max);
      }
    }
}

void eg_lppool_f32(const eg_pool_geom *g, const float *in, float *out) {
  eg_pool_it it;
  const int32_t out_s = eg_sp_count(g->out_sp);
  const float pw = g->p;
  int32_t k0, k1, k2;
  for (it.b = 0; it.b < g->batch; ++it.b)
    for (it.osp = 0; it.osp < out_s; ++it.osp) {
      eg_it_pos(g, &it);
      for (it.c = 0; it.c < g->channels; ++it.c) {
        float acc = 0.0f;
        eg_it_chan(g, &it);
        for (k0 = it.w.kb[0]; k0 < it.w.ke[0]; ++k0)
          for (k1 = it.w.kb[1]; k1 < it.w.ke[1]; ++k1)
            for (k2 = it.w.kb[2]; k2 < it.w.ke[2]; ++k2) {
              const float v = fabsf(in[it.ibase + eg_tap(g, it.o, k0, k1, k2) * g->in_sp_stride]);
              acc += pw == 2.0f ? v * v : (pw == 1.0f ? v : powf(v, pw));
            }
        out[it.oidx] = pw == 2.0f ? sqrtf(acc) : (pw == 1.0f ? acc : powf(acc, 1.0f / pw));
      }
    }
}


/* ---- int8 pools ----
 * Output positions are walked dimension by dimension; a dimension's window is
 * found in closed form when its position changes. The valid taps of a window
 * form a grid of n0 x n1 x n2 taps, s0, s1, s2 bytes apart, from its first tap
 * q; rows that follow each other in memory merge into one run (n2). NHWC
 * (channel stride 1) under EG_USE_DSP: 16, then 4 channels per step, one word
 * per 4 channels (byte-wise max with SSUB8/SEL; int16 lane sums with SXTAB16). */

/* Taps of one dimension for output index o: the first valid tap kb, the number
 * of valid taps n, the taps np inside the padded input (start >= -pad: the
 * padded range begins at tap 0). */
typedef struct {
  int32_t kb, n, np;
} eg_pdim;

static void eg_pool_dim(int32_t start, int32_t k, int32_t dil, int32_t in, int32_t pad_end, eg_pdim *r) {
  int32_t kb = 0, ke = in - start, kp = in + pad_end - start;
  if (dil == 1) {
    if (start < 0) kb = -start;
  } else {
    if (start < 0) kb = (-start + dil - 1) / dil;
    ke = ke > 0 ? (ke + dil - 1) / dil : 0;
    kp = kp > 0 ? (kp + dil - 1) / dil : 0;
  }
  ke = ke < 0 ? 0 : (ke > k ? k : ke);
  r->kb = kb;
  r->n = ke > kb ? ke - kb : 0;
  r->np = kp < 0 ? 0 : (kp > k ? k : kp);
}

/* Layer constants of the window kernels. */
typedef struct {
  int32_t s0, s1, s2;         /* tap steps in bytes per spatial dimension */
  int32_t nc, ics, ocs, oss;  /* channels, input/output channel strides, output position stride */
} eg_pool_lay;

/* `count` windows of one shape along the innermost output dimension: n0 x n1
 * x n2 taps from q (channel 0) for the first, q + qstep for the next...; rows
 * that follow each other in memory merged into the innermost run n2. */
typedef struct {
  const int8_t *q;
  int32_t n0, n1, n2;
  int32_t nv, cnt; /* valid taps; divisor of the average */
  int32_t count, qstep;
} eg_pwin;

typedef void (*eg_pool_body)(const void *ctx, const eg_pool_lay *l, const eg_pwin *w, int8_t *out);

/* Walks the output positions (batch, then each spatial dimension) and calls
 * body for runs of windows. Along the innermost dimension the windows away
 * from the borders all have the same shape: one call for all of them. */
static void eg_pool_walk(const eg_pool_geom *g, const int8_t *in, int8_t *out, eg_pool_body body, const void *ctx) {
  const int32_t ss = g->in_sp_stride, row1 = g->in_sp[2] * ss, row0 = g->in_sp[1] * row1;
  const int32_t in_n = eg_sp_count(g->in_sp) * g->channels, out_n = eg_sp_count(g->out_sp) * g->channels;
  const int32_t on2 = g->out_sp[2], st2 = g->stride[2], pd2 = g->pad[2], dl2 = g->dil[2], k2 = g->kernel[2];
  const int32_t last = g->in_sp[2] - 1 - (k2 - 1) * dl2 + pd2; /* windows fully inside: o2 * st2 <= last */
  const int32_t lo2 = (pd2 + st2 - 1) / st2, hi2 = last < 0 ? 0 : (last / st2 + 1 < on2 ? last / st2 + 1 : on2);
  eg_pool_lay l;
  eg_pwin w;
  eg_pdim d0, d1, d2;
  int32_t b, o0, o1, o2;
  l.s0 = g->dil[0] * row0;
  l.s1 = g->dil[1] * row1;
  l.s2 = dl2 * ss;
  l.nc = g->channels;
  l.ics = g->in_c_stride;
  l.ocs = g->out_c_stride;
  l.oss = g->out_sp_stride;
  w.qstep = st2 * ss;
  for (b = 0; b < g->batch; ++b) {
    const int8_t *in_b = in + b * in_n;
    int8_t *op = out + b * out_n;
    for (o0 = 0; o0 < g->out_sp[0]; ++o0) {
      const int32_t t0 = o0 * g->stride[0] - g->pad[0];
      eg_pool_dim(t0, g->kernel[0], g->dil[0], g->in_sp[0], g->pad_end[0], &d0);
      for (o1 = 0; o1 < g->out_sp[1]; ++o1) {
        const int32_t t1 = o1 * g->stride[1] - g->pad[1];
        const int8_t *q01;
        eg_pool_dim(t1, g->kernel[1], g->dil[1], g->in_sp[1], g->pad_end[1], &d1);
        q01 = in_b + (t0 + d0.kb * g->dil[0]) * row0 + (t1 + d1.kb * g->dil[1]) * row1;
        for (o2 = 0; o2 < on2; o2 += w.count, op += w.count * l.oss) {
          const int32_t t2 = o2 * st2 - pd2;
          int32_t n0 = d0.n, n1 = d1.n, n2;
          if (o2 >= lo2 && o2 < hi2) { /* all taps of dimension 2 inside, up to hi2 */
            d2.kb = 0;
            d2.n = d2.np = k2;
            w.count = hi2 - o2;
          } else {
            eg_pool_dim(t2, k2, dl2, g->in_sp[2], g->pad_end[2], &d2);
            w.count = 1;
          }
          n2 = d2.n;
          w.nv = n0 * n1 * n2;
          w.cnt = g->count_include_pad ? d0.np * d1.np * d2.np : w.nv;
          w.q = in_b;
          if (w.nv == 0) {
            n0 = 0;
          } else {
            w.q = q01 + (t2 + d2.kb * dl2) * ss;
            if (n2 * l.s2 == l.s1) { /* rows follow each other: one run */
              n2 *= n1;
              n1 = 1;
            }
            if (n1 == 1 && n2 * l.s2 == l.s0) {
              n2 *= n0;
              n0 = 1;
            }
          }
          w.n0 = n0;
          w.n1 = n1;
          w.n2 = n2;
          body(ctx, &l, &w, op);
        }
      }
    }
  }
}

/* Loops over the taps of the window (locals n0..n2, s0..s2) from Q0; R: the tap pointer. */
#define EG_TAPS(Q0, R, TAP)                                  \
  {                                                          \
    int32_t k0_, k1_, k2_;                                   \
    const int8_t *r0_ = (Q0);                                \
    for (k0_ = n0; k0_ > 0; --k0_, r0_ += s0) {              \
      const int8_t *r1_ = r0_;                               \
      for (k1_ = n1; k1_ > 0; --k1_, r1_ += s1) {            \
        const int8_t *R = r1_;                               \
        for (k2_ = n2; k2_ > 0; --k2_, R += s2) TAP;         \
      }                                                      \
    }                                                        \
  }

/* The same with the innermost run's length N2 given. */
#define EG_TAPS_N(Q0, R, N2, TAP)                            \
  {                                                          \
    int32_t k0_, k1_, k2_;                                   \
    const int8_t *r0_ = (Q0);                                \
    for (k0_ = n0; k0_ > 0; --k0_, r0_ += s0) {              \
      const int8_t *r1_ = r0_;                               \
      for (k1_ = n1; k1_ > 0; --k1_, r1_ += s1) {            \
        const int8_t *R = r1_;                               \
        for (k2_ = (N2); k2_ > 0; --k2_, R += s2) TAP;       \
      }                                                      \
    }                                                        \
  }

/* The window and layer values as locals (read before any store through out),
 * and the loop over the run of windows: EG_WIN_BEGIN(l, w) body EG_WIN_END. */
#define EG_WIN_BEGIN(L, W)                                                      \
  {                                                                             \
    const int32_t n0 = (W)->n0, n1 = (W)->n1, n2 = (W)->n2;                     \
    const int32_t s0 = (L)->s0, s1 = (L)->s1, s2 = (L)->s2;                     \
    const int32_t nc = (L)->nc, ics = (L)->ics, ocs = (L)->ocs, oss = (L)->oss; \
    const int32_t qstep = (W)->qstep;                                           \
    /* two loop levels (nr rows sr apart, n2 taps s2 apart) unless a 3-D      \
     * window keeps both outer dimensions (then simd2 = 0) */                   \
    const int32_t nr = n0 == 1 ? n1 : n0, sr = n0 == 1 ? s1 : s0;               \
    const int simd2 = ics == 1 && ocs == 1 && (n0 == 1 || n1 == 1);             \
    const int8_t *q = (W)->q;                                                   \
    int32_t i_;                                                                 \
    for (i_ = (W)->count; i_ > 0; --i_, q += qstep, out += oss) {               \
      int32_t c = 0;
#define EG_WIN_END \
  }                \
  }

#if EG_USE_DSP
/* Unaligned 32-bit load. eg_ld32's memcpy becomes a store and a reload
 * through the stack at -Os (GCC 12); a packed type is one LDR at every level. */
#if defined(__GNUC__)
typedef uint32_t eg_pool_u32 __attribute__((aligned(1), may_alias));
#define EG_LD32(p) (*(const eg_pool_u32 *)(const void *)(p))
#define EG_ST32(p, v) (*(eg_pool_u32 *)(void *)(p) = (v))
#else
#define EG_LD32(p) eg_ld32(p)
#define EG_ST32(p, v) eg_st32(p, v)
#endif

/* Byte-wise signed max of 4 int8 lanes into m: SSUB8 sets the GE flags, SEL picks. */
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__) && !defined(EG_DSP_EMULATION)
#define EG_MAX_S8X4(M, X)                                                                        \
  {                                                                                              \
    uint32_t d_;                                                                                 \
    __asm__("ssub8 %0, %2, %1\n\tsel %1, %2, %1" : "=&r"(d_), "+r"(M) : "r"(X) : "cc");        \
  }
#else
static uint32_t eg_max_s8x4(uint32_t a, uint32_t b) {
  uint32_t r = 0, i;
  for (i = 0; i < 32; i += 8) {
    const int8_t x = (int8_t)(a >> i), y = (int8_t)(b >> i);
    r |= (uint32_t)(uint8_t)(x > y ? x : y) << i;
  }
  return r;
}
#define EG_MAX_S8X4(M, X) M = eg_max_s8x4(M, X)
#endif
#endif

#if EG_USE_DSP
/* The two-level tap loops of the NHWC window helpers. */
#define EG_ROWS_BEGIN                                \
  int32_t k1, k2;                                    \
  for (k1 = nr; k1 > 0; --k1, q += sr) {             \
    const int8_t *r = q;                             \
    for (k2 = n2; k2 > 0; --k2, r += s2) {
#define EG_ROWS_END \
  }                 \
  }

/* Max of 16 channels (4 words) over nr x n2 taps from q into out. */
EG_NOINLINE static void eg_max16(const int8_t *q, int32_t nr, int32_t sr, int32_t n2, int32_t s2, int8_t *out) {
  uint32_t m0 = 0x80808080u, m1 = 0x80808080u, m2 = 0x80808080u, m3 = 0x80808080u;
  EG_ROWS_BEGIN
  const uint32_t x0 = EG_LD32(r);
  const uint32_t x1 = EG_LD32(r + 4);
  const uint32_t x2 = EG_LD32(r + 8);
  const uint32_t x3 = EG_LD32(r + 12);
  EG_MAX_S8X4(m0, x0);
  EG_MAX_S8X4(m1, x1);
  EG_MAX_S8X4(m2, x2);
  EG_MAX_S8X4(m3, x3);
  EG_ROWS_END
  EG_ST32(out, m0);
  EG_ST32(out + 4, m1);
  EG_ST32(out + 8, m2);
  EG_ST32(out + 12, m3);
}

/* Max of 4 channels (1 word). */
EG_NOINLINE static void eg_max4(const int8_t *q, int32_t nr, int32_t sr, int32_t n2, int32_t s2, int8_t *out) {
  uint32_t m = 0x80808080u;
  EG_ROWS_BEGIN
  const uint32_t x = EG_LD32(r);
  EG_MAX_S8X4(m, x);
  EG_ROWS_END
  EG_ST32(out, m);
}
#endif

static void eg_max_window(const void *ctx, const eg_pool_lay *l, const eg_pwin *w, int8_t *out) {
  (void)ctx;
  EG_WIN_BEGIN(l, w)
#if EG_USE_DSP
  if (simd2) {
    for (; c + 16 <= nc; c += 16) eg_max16(q + c, nr, sr, n2, s2, out + c);
    for (; c + 4 <= nc; c += 4) eg_max4(q + c, nr, sr, n2, s2, out + c);
  }
#else
  (void)nr;
  (void)sr;
  (void)simd2;
#endif
  for (; c < nc; ++c) {
    int32_t best = -128;
    EG_TAPS(q + c * ics, r, best = *r > best ? *r : best)
    out[c * ocs] = (int8_t)best;
  }
  EG_WIN_END
}

void eg_maxpool_s8(const eg_pool_geom *g, const int8_t *in, int8_t *out) { eg_pool_walk(g, in, out, eg_max_window, 0); }

/* Saturation to int8 (one SSAT where the target has it). */
#if defined(__ARM_FEATURE_SAT) && !defined(EG_DSP_EMULATION)
#include <arm_acle.h>
#define EG_POOL_SAT8(v) __ssat(v, 8)
#else
#define EG_POOL_SAT8(v) ((v) < -128 ? -128 : ((v) > 127 ? 127 : (v)))
#endif

/* Average of acc over cnt taps with 8 fractional bits, rounded half away from
 * zero (32-bit division when acc * 256 + cnt / 2 stays in int32). */
static int32_t eg_avg_q8(int32_t acc, int32_t cnt, int small) {
  if (small) {
    const int32_t num = acc * 256;
    return num >= 0 ? (num + cnt / 2) / cnt : -((-num + cnt / 2) / cnt);
  } else {
    const int64_t num = (int64_t)acc * 256;
    return (int32_t)(num >= 0 ? (num + cnt / 2) / cnt : -((-num + cnt / 2) / cnt));
  }
}

typedef struct {
  int32_t in_zp, out_zp, act_min, act_max, mult, shift;
  int64_t rnd;
  int small;
} eg_avg_ctx;

/* Output stage of a run of windows (one divisor), every value a local of the
 * caller. fast: |num| + cnt / 2 < 2^24 (at most 255 taps), 2 <= cnt <= 256,
 * and the requantization in the eg_qout form of eg_eltwise_bin.c: the division
 * is the high word of (|num| + cnt / 2) * recip with recip = ceil(2^32 / cnt)
 * (exact: recip * cnt - 2^32 < cnt <= 2^l, l = ceil(log2 cnt), and the
 * dividend is below 2^(32 - l)); then, with the multiplier made odd (mult / 2^k,
 * shift + k: the same value), v = (hi(avg * mult) + add) >> rsh, add = 2^(rsh-1)
 * + out_zp * 2^rsh, rsh >= 1: floor((avg * mult + 2^(31 + rsh)) / 2^(32 + rsh)),
 * half up, which is half away from zero because avg * mult (|avg| < 2^31, mult
 * odd) is never a tie. Otherwise eg_avg_q8 and eg_requantize_fast (windows of
 * more taps, where the output stage weighs little). */
typedef struct {
  int32_t fast, cnt, half, zs, mult, shift, zp, lo, hi, small;
  int32_t omult, orsh, oadd; /* the fast path's output requantization */
  uint32_t recip;
  int64_t rnd;
} eg_avg_oc;

static void eg_avg_oc_make(const eg_avg_ctx *x, const eg_pwin *w, eg_avg_oc *oc) {
  const int32_t cnt = w->cnt;
  int32_t m = x->mult, sh = x->shift;
  oc->cnt = cnt;
  oc->half = cnt / 2;
  oc->zs = w->nv * x->in_zp;
  oc->mult = x->mult;
  oc->shift = x->shift;
  oc->zp = x->out_zp;
  oc->lo = x->act_min;
  oc->hi = x->act_max;
  oc->small = x->small;
  oc->rnd = x->rnd;
  oc->recip = 0;
  oc->fast = 0;
  if (cnt > 0 && x->small && x->rnd != 0 && x->mult >= 0) {
    if (m > 0)
      while (!(m & 1)) {
        m >>= 1;
        ++sh;
      }
    if (w->nv <= 255 && cnt >= 2 && cnt <= 256 && m > 0 && sh <= -2 && sh >= -31 && x->out_zp >= -128 &&
        x->out_zp <= 127 && x->act_min >= -128 && x->act_max <= 127) {
      oc->fast = 1;
      oc->recip = 0xFFFFFFFFu / (uint32_t)cnt + 1u;
      oc->omult = m;
      oc->orsh = -1 - sh;
      /* |add| < 2^30 + 2^29 and |hi(avg * mult)| < 2^16 * 2^31 / 2^32: no overflow */
      oc->oadd = (int32_t)(((int64_t)1 << (oc->orsh - 1)) + (int64_t)x->out_zp * ((int64_t)1 << oc->orsh));
      if (oc->orsh > 22) oc->fast = 0; /* keeps out_zp * 2^rsh in int32 */
    }
  }
}

/* Outputs of n channels (os bytes apart) from the sums of their taps (zero
 * point not yet removed). */
EG_NOINLINE static void eg_avg_outs(const eg_avg_oc *oc, const int32_t *acc, int32_t n, int8_t *out, int32_t os) {
  const int32_t cnt = oc->cnt, half = oc->half, zs = oc->zs, mult = oc->mult, zp = oc->zp;
  const int32_t lo = oc->lo, hi = oc->hi;
  const int64_t rnd = oc->rnd;
  int32_t i;
  if (oc->fast) {
    const uint32_t recip = oc->recip;
    const int32_t zs8 = zs * 256, om = oc->omult, orsh = oc->orsh, oadd = oc->oadd;
    /* lo, hi within int8 on the fast path: one SSAT without a fused activation */
#define EG_AVG_FAST(CLAMP)                                                     \
  for (i = 0; i < n; ++i, out += os) {                                         \
    const int32_t num = acc[i] * 256 - zs8, sgn = num >> 31;                   \
    const uint32_t mag = (uint32_t)((num ^ sgn) - sgn) + (uint32_t)half;      \
    const int32_t q = (int32_t)(((uint64_t)mag * recip) >> 32);               \
    const int32_t avg = (q ^ sgn) - sgn;                                       \
    const int32_t v = ((int32_t)(((int64_t)avg * om) >> 32) + oadd) >> orsh;  \
    *out = (int8_t)(CLAMP);                                                    \
  }
    if (lo == -128 && hi == 127) {
      EG_AVG_FAST(EG_POOL_SAT8(v))
    } else {
      EG_AVG_FAST(eg_clamp_i32(v, lo, hi))
    }
#undef EG_AVG_FAST
  } else {
    for (i = 0; i < n; ++i, out += os) {
      const int32_t avg = cnt > 0 ? eg_avg_q8(acc[i] - zs, cnt, oc->small) : 0;
      const int32_t v = eg_requantize_fast(avg, mult, oc->shift, rnd) + zp;
      *out = (int8_t)eg_clamp_i32(v, lo, hi);
    }
  }
}

#if EG_USE_DSP
/* Signed halfwords of a lane pair. */
#define EG_LO16(v) ((int32_t)(int16_t)((v) & 0xFFFFu))
#define EG_HI16(v) ((int32_t)(int16_t)((v) >> 16))
/* 4 channels (one word) of a tap into a lane pair. */
#define EG_SUM4(E, O, X)          \
  {                               \
    E = __sxtab16(E, X);          \
    O = eg_sxtab16_ror8(O, X);    \
  }

/* Sums of 16 (4 words) or 4 channels (1 word) over nr x n2 taps from q into
 * lane pairs l[] (even bytes, odd bytes), at most 255 taps. Out of line: a
 * small register context, no spills at -Os either. */
EG_NOINLINE static void eg_avg_sums16(const int8_t *q, int32_t nr, int32_t sr, int32_t n2, int32_t s2, uint32_t *l) {
  uint32_t e0 = 0, o0 = 0, e1 = 0, o1 = 0, e2 = 0, o2 = 0, e3 = 0, o3 = 0;
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__) && defined(__OPTIMIZE__) && !defined(EG_DSP_EMULATION)
  /* asm tap loop: at -Os GCC loads all four words first and spills */
  int32_t k1;
  for (k1 = nr; k1 > 0; --k1, q += sr) {
    const int8_t *r = q;
    int32_t k2 = n2;
    uint32_t x, y;
    if (k2 <= 0) continue;
    __asm__("1:\n\t"
            "ldr %[x], [%[r]]\n\t"
            "ldr %[y], [%[r], #4]\n\t"
            "sxtab16 %[e0], %[e0], %[x]\n\t"
            "sxtab16 %[o0], %[o0], %[x], ror #8\n\t"
            "sxtab16 %[e1], %[e1], %[y]\n\t"
            "sxtab16 %[o1], %[o1], %[y], ror #8\n\t"
            "ldr %[x], [%[r], #8]\n\t"
            "ldr %[y], [%[r], #12]\n\t"
            "add %[r], %[r], %[s2]\n\t"
            "sxtab16 %[e2], %[e2], %[x]\n\t"
            "sxtab16 %[o2], %[o2], %[x], ror #8\n\t"
            "sxtab16 %[e3], %[e3], %[y]\n\t"
            "sxtab16 %[o3], %[o3], %[y], ror #8\n\t"
            "subs %[k], %[k], #1\n\t"
            "bne 1b\n\t"
            : [e0] "+r"(e0), [o0] "+r"(o0), [e1] "+r"(e1), [o1] "+r"(o1), [e2] "+r"(e2), [o2] "+r"(o2),
              [e3] "+r"(e3), [o3] "+r"(o3), [r] "+r"(r), [k] "+r"(k2), [x] "=&r"(x), [y] "=&r"(y)
            : [s2] "r"(s2)
            : "cc", "memory");
  }
#else
  EG_ROWS_BEGIN
  const uint32_t x0 = EG_LD32(r);
  const uint32_t x1 = EG_LD32(r + 4);
  const uint32_t x2 = EG_LD32(r + 8);
  const uint32_t x3 = EG_LD32(r + 12);
  EG_SUM4(e0, o0, x0)
  EG_SUM4(e1, o1, x1)
  EG_SUM4(e2, o2, x2)
  EG_SUM4(e3, o3, x3)
  EG_ROWS_END
#endif
  l[0] = e0;
  l[1] = o0;
  l[2] = e1;
  l[3] = o1;
  l[4] = e2;
  l[5] = o2;
  l[6] = e3;
  l[7] = o3;
}
EG_NOINLINE static void eg_avg_sums4(const int8_t *q, int32_t nr, int32_t sr, int32_t n2, int32_t s2, uint32_t *l) {
  uint32_t e0 = 0, o0 = 0;
  EG_ROWS_BEGIN
  const uint32_t x0 = EG_LD32(r);
  EG_SUM4(e0, o0, x0)
  EG_ROWS_END
  l[0] = e0;
  l[1] = o0;
}
#endif

/* Channels whose sums are collected before one output call. */
#define EG_AVG_BLOCK 32

/* NHWC under EG_USE_DSP: channel sums in int16 lanes, which hold at most 255
 * taps (|sum| <= 255 * 128): a window of more taps is one run here (a global
 * pool) and goes in chunks of 255 taps, one window of several rows of more
 * taps takes the per-channel loop. */
static void eg_avg_window(const void *ctx, const eg_pool_lay *l, const eg_pwin *w, int8_t *out) {
  eg_avg_oc oc;
  int32_t acc[EG_AVG_BLOCK];
  eg_avg_oc_make((const eg_avg_ctx *)ctx, w, &oc);
  EG_WIN_BEGIN(l, w)
#if EG_USE_DSP
  const int32_t nchunk = w->nv <= 255 ? 1 : (n0 * n1 == 1 ? (n2 + 254) / 255 : 0);
  if (simd2 && nchunk > 0) {
    while (c + 4 <= nc) { /* blocks of up to EG_AVG_BLOCK channels, 16 then 4 at a time */
      const int32_t c0 = c, cend = nc - c > EG_AVG_BLOCK ? c + EG_AVG_BLOCK : c + ((nc - c) & ~3);
      int32_t ch, k;
      for (ch = 0; ch < nchunk; ++ch) { /* chunk: the window, or 255 taps of its run */
        const int8_t *qc = q + ch * 255 * s2;
        const int32_t n2c = nchunk == 1 ? n2 : (n2 - ch * 255 < 255 ? n2 - ch * 255 : 255);
        uint32_t lanes[EG_AVG_BLOCK / 2];
        for (c = c0; c + 16 <= cend; c += 16) eg_avg_sums16(qc + c, nr, sr, n2c, s2, lanes + (c - c0) / 2);
        for (; c + 4 <= cend; c += 4) eg_avg_sums4(qc + c, nr, sr, n2c, s2, lanes + (c - c0) / 2);
        for (k = 0; k < c - c0; k += 4) { /* lane pair (even, odd bytes) -> channels k..k+3 */
          const uint32_t e = lanes[k / 2], o = lanes[k / 2 + 1];
          if (ch == 0) acc[k] = acc[k + 1] = acc[k + 2] = acc[k + 3] = 0;
          acc[k] += EG_LO16(e);
          acc[k + 1] += EG_LO16(o);
          acc[k + 2] += EG_HI16(e);
          acc[k + 3] += EG_HI16(o);
        }
      }
      eg_avg_outs(&oc, acc, c - c0, out + c0, 1); /* the last 1 to 3 channels: below */
    }
  }
#else
  (void)nr;
  (void)sr;
  (void)simd2;
#endif
  for (; c < nc; ++c) {
    acc[0] = 0;
    EG_TAPS(q + c * ics, r, acc[0] += *r)
    eg_avg_outs(&oc, acc, 1, out + c * ocs, 1);
  }
  EG_WIN_END
}

void eg_avgpool_s8(const eg_pool_s8_params *p, const int8_t *in, int8_t *out) {
  const eg_pool_geom *g = &p->g;
  eg_avg_ctx x;
  x.in_zp = p->in_zp;
  x.out_zp = p->out_zp;
  x.act_min = p->act_min;
  x.act_max = p->act_max;
  x.mult = p->mult;
  x.shift = p->shift;
  x.rnd = eg_requant_round(p->shift);
  /* |acc| <= 255 * taps: acc * 256 + cnt / 2 fits in int32 below 32768 taps */
  x.small = (int64_t)g->kernel[0] * g->kernel[1] * g->kernel[2] < 32768;
  eg_pool_walk(g, in, out, eg_avg_window, &x);
}

static void eg_pool2d_s8_tfl(const eg_pool2d_s8_tfl_params *p, const int8_t *in, int8_t *out, int32_t is_max) {
  int32_t b, oy, ox, c, ky, kx;
  for (b = 0; b < p->batch; ++b)
    for (oy = 0; oy < p->out_h; ++oy) {
      const int32_t y0 = oy * p->stride_h - p->pad_top;
      const int32_t ky0 = y0 < 0 ? -y0 : 0, ky1 = p->k_h < p->in_h - y0 ? p->k_h : p->in_h - y0;
      for (ox = 0; ox < p->out_w; ++ox) {
        const int32_t x0 = ox * p->stride_w - p->pad_left;
        const int32_t kx0 = x0 < 0 ? -x0 : 0, kx1 = p->k_w < p->in_w - x0 ? p->k_w : p->in_w - x0;
        const int32_t count = (ky1 - ky0) * (kx1 - kx0);
        for (c = 0; c < p->channels; ++c) {
          int32_t acc = is_max ? -128 : 0;
          for (ky = ky0; ky < ky1; ++ky)
            for (kx = kx0; kx < kx1; ++kx) {
              const int32_t v = in[((b * p->in_h + y0 + ky) * p->in_w + x0 + kx) * p->channels + c];
              if (is_max) acc = v > acc ? v : acc;
              else acc += v;
            }
          if (!is_max && count > 0) acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
          acc = acc < p->act_min ? p->act_min : acc;
          *out++ = (int8_t)(acc > p->act_max ? p->act_max : acc);
        }
      }
    }
}

void eg_avgpool_s8_tfl(const eg_pool2d_s8_tfl_params *p, const int8_t *in, int8_t *out) {
  eg_pool2d_s8_tfl(p, in, out, 0);
}

void eg_maxpool_s8_tfl(const eg_pool2d_s8_tfl_params *p, const int8_t *in, int8_t *out) {
  eg_pool2d_s8_tfl(p, in, out, 1);
}
