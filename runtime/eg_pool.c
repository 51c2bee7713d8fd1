#include "eg_pool.h"

#include <math.h>

#include "eg_common.h"

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

void eg_maxpool_s8(const eg_pool_geom *g, const int8_t *in, int8_t *out) {
  eg_pool_it it;
  const int32_t in_s = eg_sp_count(g->in_sp), out_s = eg_sp_count(g->out_sp);
  /* the valid taps of a window form a regular grid: steps per spatial dim */
  const int32_t s2 = g->dil[2] * g->in_sp_stride, s1 = g->dil[1] * g->in_sp[2] * g->in_sp_stride,
                s0 = g->dil[0] * g->in_sp[1] * g->in_sp[2] * g->in_sp_stride;
  const int32_t nc = g->channels, ics = g->in_c_stride, ocs = g->out_c_stride;
  int32_t k0, k1, k2, c;
  for (it.b = 0; it.b < g->batch; ++it.b)
    for (it.osp = 0; it.osp < out_s; ++it.osp) {
      int32_t n0, n1, n2, ibase, oidx;
      eg_it_pos(g, &it);
      n0 = it.w.n_valid > 0 ? it.w.ke[0] - it.w.kb[0] : 0;
      n1 = it.w.ke[1] - it.w.kb[1];
      n2 = it.w.ke[2] - it.w.kb[2];
      if (s1 == n2 * s2) { /* rows that follow each other in memory merge into one run */
        n2 *= n1;
        n1 = 1;
      }
      ibase = it.b * in_s * g->channels +
              (n0 > 0 ? eg_tap(g, it.o, it.w.kb[0], it.w.kb[1], it.w.kb[2]) * g->in_sp_stride : 0);
      oidx = it.b * out_s * g->channels + it.osp * g->out_sp_stride;
      for (c = 0; c < nc; ++c, ibase += ics, oidx += ocs) {
        int8_t best = -128;
        for (k0 = 0; k0 < n0; ++k0)
          for (k1 = 0; k1 < n1; ++k1) {
            const int8_t *q = in + ibase + k0 * s0 + k1 * s1;
            for (k2 = 0; k2 < n2; ++k2, q += s2)
              if (*q > best) best = *q;
          }
        out[oidx] = best;
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

/* Output of one average-pool channel from the sum of its taps. */
static int8_t eg_avg_out(const eg_pool_s8_params *p, int32_t acc, int32_t cnt, int small, int64_t rnd) {
  const int32_t avg = cnt > 0 ? eg_avg_q8(acc, cnt, small) : 0;
  const int32_t v = eg_requantize_fast(avg, p->mult, p->shift, rnd) + p->out_zp;
  return (int8_t)eg_clamp_i32(v, p->act_min, p->act_max);
}

void eg_avgpool_s8(const eg_pool_s8_params *p, const int8_t *in, int8_t *out) {
  const eg_pool_geom *g = &p->g;
  eg_pool_it it;
  const int32_t in_s = eg_sp_count(g->in_sp), out_s = eg_sp_count(g->out_sp);
  /* the valid taps of a window form a regular grid: steps per spatial dim */
  const int32_t s2 = g->dil[2] * g->in_sp_stride, s1 = g->dil[1] * g->in_sp[2] * g->in_sp_stride,
                s0 = g->dil[0] * g->in_sp[1] * g->in_sp[2] * g->in_sp_stride;
  const int64_t rnd = eg_requant_round(p->shift);
  /* |acc| <= 255 * taps: acc * 256 + cnt / 2 fits in int32 below 32768 taps */
  const int small = (int64_t)g->kernel[0] * g->kernel[1] * g->kernel[2] < 32768;
  int32_t k0, k1, k2;
  for (it.b = 0; it.b < g->batch; ++it.b)
    for (it.osp = 0; it.osp < out_s; ++it.osp) {
      const int32_t cnt = (eg_it_pos(g, &it), g->count_include_pad ? it.w.n_padded : it.w.n_valid);
      int32_t n0 = it.w.ke[0] - it.w.kb[0], n1 = it.w.ke[1] - it.w.kb[1], n2 = it.w.ke[2] - it.w.kb[2];
      const int32_t zp_sum = it.w.n_valid * p->in_zp;
      const int32_t first =
          it.w.n_valid > 0 ? eg_tap(g, it.o, it.w.kb[0], it.w.kb[1], it.w.kb[2]) * g->in_sp_stride : 0;
      int32_t ibase = it.b * in_s * g->channels + first;
      int32_t oidx = it.b * out_s * g->channels + it.osp * g->out_sp_stride;
      it.c = 0;
      if (it.w.n_valid <= 0) n0 = 0;
      /* rows that follow each other in memory merge into one run */
      if (s1 == n2 * s2) {
        n2 *= n1;
        n1 = 1;
      }
#if EG_USE_DSP
      /* NHWC: 4 channels per word, two int16 lane pairs (SXTAB16): a sum of
       * at most 255 int8 values cannot wrap */
      if (g->in_c_stride == 1 && g->out_c_stride == 1 && it.w.n_valid <= 255)
        for (; it.c + 4 <= g->channels; it.c += 4, ibase += 4, oidx += 4) {
          uint32_t ae = 0, ao = 0;
          for (k0 = 0; k0 < n0; ++k0)
            for (k1 = 0; k1 < n1; ++k1) {
              const int8_t *q = in + ibase + k0 * s0 + k1 * s1;
              for (k2 = 0; k2 < n2; ++k2, q += s2) {
                const uint32_t w = eg_ld32(q);
                ae = __sxtab16(ae, w);
                ao = eg_sxtab16_ror8(ao, w);
              }
            }
          out[oidx] = eg_avg_out(p, (int32_t)(int16_t)(ae & 0xffffu) - zp_sum, cnt, small, rnd);
          out[oidx + 1] = eg_avg_out(p, (int32_t)(int16_t)(ao & 0xffffu) - zp_sum, cnt, small, rnd);
          out[oidx + 2] = eg_avg_out(p, (int32_t)(int16_t)(ae >> 16) - zp_sum, cnt, small, rnd);
          out[oidx + 3] = eg_avg_out(p, (int32_t)(int16_t)(ao >> 16) - zp_sum, cnt, small, rnd);
        }
#endif
      for (; it.c < g->channels; ++it.c, ibase += g->in_c_stride, oidx += g->out_c_stride) {
        int32_t acc = 0;
        for (k0 = 0; k0 < n0; ++k0)
          for (k1 = 0; k1 < n1; ++k1) {
            const int8_t *q = in + ibase + k0 * s0 + k1 * s1;
            for (k2 = 0; k2 < n2; ++k2, q += s2) acc += *q;
          }
        out[oidx] = eg_avg_out(p, acc - zp_sum, cnt, small, rnd);
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
