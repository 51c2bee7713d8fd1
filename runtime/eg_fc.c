#include "eg_fc.h"

#include "eg_common.h"

void eg_fc_s8_ref(const eg_fc_s8_params *p, const int8_t *in, int8_t *out) {
  int32_t b, o, i;
  for (b = 0; b < p->batch; ++b) {
    const int8_t *x = in + (int32_t)b * p->in_features;
    for (o = 0; o < p->out_features; ++o) {
      const int8_t *w = p->weights + (int32_t)o * p->in_features;
      int32_t acc = p->bias ? p->bias[o] : 0;
      for (i = 0; i < p->in_features; ++i) acc += ((int32_t)x[i] - p->in_zp) * (int32_t)w[i];
      acc = eg_requantize(acc, p->mult[o], p->shift[o]) + p->out_zp;
      *out++ = (int8_t)eg_clamp_i32(acc, p->act_min, p->act_max);
    }
  }
}

#if EG_USE_DSP
/* Cortex-M4 DSP path: 4 output rows at a time share each input word. Input
 * bytes are sign-extended without the zero point (it is folded into bias_zp):
 * SXTB16 / SXTB16-ROR8 give the lanes (0,2) and (1,3) of input and weights
 * alike, so one SMLAD does 2 MACs with no repacking. */
static inline int8_t eg_fc_out(int32_t acc, int32_t o, const eg_fc_s8_params *p) {
  const int32_t s = p->shift[o];
  acc = eg_requantize_hi(acc, p->mult[o], eg_requant_round(s), -1 - s) + p->out_zp;
  acc = acc < p->act_min ? p->act_min : acc;
  acc = acc > p->act_max ? p->act_max : acc;
  return (int8_t)acc;
}

static void eg_fc_s8_dsp(const eg_fc_s8_params *p, const int8_t *in, int8_t *out) {
  const int32_t K = p->in_features, K4 = K & ~3, N = p->out_features;
  int32_t b, o, k;
  for (b = 0; b < p->batch; ++b) {
    const int8_t *x = in + b * K;
    for (o = 0; o + 4 <= N; o += 4) {
      const int8_t *w0 = p->weights + o * K, *w1 = w0 + K, *w2 = w1 + K, *w3 = w2 + K;
      const int8_t *xp = x, *xend = x + K4;
      int32_t a0 = p->bias_zp[o], a1 = p->bias_zp[o + 1], a2 = p->bias_zp[o + 2], a3 = p->bias_zp[o + 3];
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
      if (xp != xend) {
        uint32_t xl, xh, wa, wb;
        const int8_t *w2p = w2;
        __asm__ volatile(
            "1:\n\t"
            "ldr %[xh], [%[xp]], #4\n\t"
            "ldr %[wa], [%[w0], %[K]]\n\t"
            "sxtb16 %[xl], %[xh]\n\t"
            "sxtb16 %[xh], %[xh], ror #8\n\t"
            "sxtb16 %[wb], %[wa], ror #8\n\t"
            "sxtb16 %[wa], %[wa]\n\t"
            "smlad %[a1], %[xl], %[wa], %[a1]\n\t"
            "smlad %[a1], %[xh], %[wb], %[a1]\n\t"
            "ldr %[wa], [%[w0]], #4\n\t"
            "sxtb16 %[wb], %[wa], ror #8\n\t"
            "sxtb16 %[wa], %[wa]\n\t"
            "smlad %[a0], %[xl], %[wa], %[a0]\n\t"
            "smlad %[a0], %[xh], %[wb], %[a0]\n\t"
            "ldr %[wa], [%[w2], %[K]]\n\t"
            "sxtb16 %[wb], %[wa], ror #8\n\t"
            "sxtb16 %[wa], %[wa]\n\t"
            "smlad %[a3], %[xl], %[wa], %[a3]\n\t"
            "smlad %[a3], %[xh], %[wb], %[a3]\n\t"
            "ldr %[wa], [%[w2]], #4\n\t"
            "sxtb16 %[wb], %[wa], ror #8\n\t"
            "sxtb16 %[wa], %[wa]\n\t"
            "smlad %[a2], %[xl], %[wa], %[a2]\n\t"
            "smlad %[a2], %[xh], %[wb], %[a2]\n\t"
            "cmp %[xp], %[xend]\n\t"
            "bne 1b\n\t"
            : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [w0] "+r"(w0), [w2] "+r"(w2p),
              [xp] "+r"(xp), [xl] "=&r"(xl), [xh] "=&r"(xh), [wa] "=&r"(wa), [wb] "=&r"(wb)
            : [xend] "r"(xend), [K] "r"(K)
            : "cc", "memory");
        w1 = w0 + K;
        w2 = w2p;
        w3 = w2 + K;
      }
#else
      while (xp != xend) {
        const uint32_t u = eg_ld32(xp), xl = __sxtb16(u), xh = eg_sxtb16_ror8(u);
        uint32_t v = eg_ld32(w0);
        a0 = __smlad(xl, __sxtb16(v), a0);
        a0 = __smlad(xh, eg_sxtb16_ror8(v), a0);
        v = eg_ld32(w1);
        a1 = __smlad(xl, __sxtb16(v), a1);
        a1 = __smlad(xh, eg_sxtb16_ror8(v), a1);
        v = eg_ld32(w2);
        a2 = __smlad(xl, __sxtb16(v), a2);
        a2 = __smlad(xh, eg_sxtb16_ror8(v), a2);
        v = eg_ld32(w3);
        a3 = __smlad(xl, __sxtb16(v), a3);
        a3 = __smlad(xh, eg_sxtb16_ror8(v), a3);
        xp += 4;
        w0 += 4;
        w1 += 4;
        w2 += 4;
        w3 += 4;
      }
#endif
      for (k = 0; k < K - K4; ++k) {
        const int32_t xv = xp[k];
        a0 += xv * w0[k];
        a1 += xv * w1[k];
        a2 += xv * w2[k];
        a3 += xv * w3[k];
      }
      out[0] = eg_fc_out(a0, o, p);
      out[1] = eg_fc_out(a1, o + 1, p);
      out[2] = eg_fc_out(a2, o + 2, p);
      out[3] = eg_fc_out(a3, o + 3, p);
      out += 4;
    }
    for (; o < N; ++o) {
      const int8_t *w0 = p->weights + o * K;
      int32_t a0 = p->bias_zp[o];
      for (k = 0; k < K4; k += 4) {
        const uint32_t u = eg_ld32(x + k), v = eg_ld32(w0 + k);
        a0 = __smlad(__sxtb16(u), __sxtb16(v), a0);
        a0 = __smlad(eg_sxtb16_ror8(u), eg_sxtb16_ror8(v), a0);
      }
      for (; k < K; ++k) a0 += (int32_t)x[k] * w0[k];
      *out++ = eg_fc_out(a0, o, p);
    }
  }
}
#endif

void eg_fc_s8(const eg_fc_s8_params *p, const int8_t *in, int8_t *out) {
#if EG_USE_DSP
  int32_t o, ok = p->bias_zp != 0;
  for (o = 0; ok && o < p->out_features; ++o) ok = eg_requant_fast_ok(p->mult[o], p->shift[o]);
  if (ok) {
    eg_fc_s8_dsp(p, in, out);
    return;
  }
#endif
  eg_fc_s8_ref(p, in, out);
}

void eg_fc_f32(const eg_fc_f32_params *p, const float *in, float *out) {
  int32_t b, o, i;
  for (b = 0; b < p->batch; ++b) {
    const float *x = in + (int32_t)b * p->in_features;
    for (o = 0; o < p->out_features; ++o) {
      const float *w = p->weights + (int32_t)o * p->in_features;
      float acc = p->bias ? p->bias[o] : 0.0f;
      for (i = 0; i < p->in_features; ++i) acc += x[i] * w[i];
      acc = acc < p->act_min ? p->act_min : acc;
      acc = acc > p->act_max ? p->act_max : acc;
      *out++ = acc;
    }
  }
}
