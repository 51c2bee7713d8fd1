#include "eg_fc.h"
#include "eg_fc_mve.h"

#include "eg_common.h"

static int32_t eg_fc_w(const eg_fc_s8_params *p, int32_t o, int32_t i) {
  return p->w_layout == EG_FC_W_I4 ? p->weights[eg_fc_w_index(p->in_features, p->out_features, o, i)]
                                   : p->weights[o * p->in_features + i];
}

/* The requantized acc of output o of row b (x) as ONNX Runtime's float chain
 * gives it where the exact value is near a rounding tie (eg_ort_exact.h). A
 * Conv run as an FC (1x1) is a GEMM of the filters by the pixels, a Gemm one of
 * the rows by the filters. */
EG_NOINLINE static int32_t eg_fc_ort_requant(const eg_fc_s8_params *p, const int8_t *x, int32_t b, int32_t o, int32_t acc) {
  const eg_ort_chain *ort = p->ort;
  const int32_t K = p->in_features, conv = ort->op == EG_ORT_CONV;
  const int32_t bias = p->bias ? p->bias[o] : 0;
  uint64_t asum = (uint64_t)(bias < 0 ? -(int64_t)bias : bias);
  int32_t i;
  eg_ort_sum s;
  /* first the bound for any input, then this output's own sum of |terms| */
  if (!eg_ort_near_tie(acc, eg_ort_asum_bound(K, p->in_zp, bias), K, p->mult[o], p->shift[o]))
    return eg_requantize(acc, p->mult[o], p->shift[o]);
  for (i = 0; i < K; ++i) {
    const int32_t dx = (int32_t)x[i] - p->in_zp, w = eg_fc_w(p, o, i);
    asum += (uint32_t)(dx < 0 ? -dx : dx) * (uint32_t)(w < 0 ? -w : w);
  }
  if (!eg_ort_near_tie(acc, asum > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)asum, K, p->mult[o], p->shift[o]))
    return eg_requantize(acc, p->mult[o], p->shift[o]);
  eg_ort_sum_begin(&s, ort, conv ? p->out_features : p->batch, conv ? p->batch : p->out_features, K, conv ? b : o,
                   p->bias, o);
  for (i = 0; i < K; ++i)
    eg_ort_sum_add(&s, (float)((int32_t)x[i] - p->in_zp) * ort->x_scale, (float)eg_fc_w(p, o, i) * ort->w_scale[o]);
  return eg_ort_sum_q(&s, ort, p->bias, o);
}

/* One output of row b (x): bias + (x - in_zp) . w[o], requantized and clamped. */
static int8_t eg_fc_ref_out(const eg_fc_s8_params *p, const int8_t *x, int32_t b, int32_t acc, int32_t o, int32_t mode) {
  acc = (mode == EG_RQ_TFLITE ? eg_requantize_tfl(acc, p->mult[o], p->shift[o])
         : p->ort             ? eg_fc_ort_requant(p, x, b, o, acc)
                              : eg_requantize(acc, p->mult[o], p->shift[o])) + p->out_zp;
  return (int8_t)eg_clamp_i32(acc, p->act_min, p->act_max);
}

static void eg_fc_s8_loop(const eg_fc_s8_params *p, const int8_t *in, int8_t *out, int32_t mode) {
  int32_t b, o, i;
  for (b = 0; b < p->batch; ++b) {
    const int8_t *x = in + (int32_t)b * p->in_features;
    for (o = 0; o < p->out_features; ++o) {
      const int8_t *w = p->weights + (int32_t)o * p->in_features;
      int32_t acc = p->bias ? p->bias[o] : 0;
      for (i = 0; i < p->in_features; ++i) acc += ((int32_t)x[i] - p->in_zp) * (int32_t)w[i];
      *out++ = eg_fc_ref_out(p, x, b, acc, o, mode);
    }
  }
}

void eg_fc_s8_small(const eg_fc_s8_params *p, const int8_t *in, int8_t *out) { eg_fc_s8_loop(p, in, out, EG_RQ_ONNX); }

static void eg_fc_s8_ref_mode(const eg_fc_s8_params *p, const int8_t *in, int8_t *out, int32_t mode) {
  int32_t b, o, i;
  if (p->w_layout != EG_FC_W_I4) {
    eg_fc_s8_loop(p, in, out, mode);
    return;
  }
  for (b = 0; b < p->batch; ++b) {
    const int8_t *x = in + (int32_t)b * p->in_features;
    for (o = 0; o < p->out_features; ++o) {
      int32_t acc = p->bias ? p->bias[o] : 0;
      for (i = 0; i < p->in_features; ++i)
        acc += ((int32_t)x[i] - p->in_zp) * (int32_t)p->weights[eg_fc_w_index(p->in_features, p->out_features, o, i)];
      *out++ = eg_fc_ref_out(p, x, b, acc, o, mode);
    }
  }
}

void eg_fc_s8_ref(const eg_fc_s8_params *p, const int8_t *in, int8_t *out) { eg_fc_s8_ref_mode(p, in, out, EG_RQ_ONNX); }
void eg_fc_s8_tfl_ref(const eg_fc_s8_params *p, const int8_t *in, int8_t *out) {
  eg_fc_s8_ref_mode(p, in, out, EG_RQ_TFLITE);
}

#if EG_USE_DSP
/* Cortex-M4 DSP path: 4 output rows at a time share each input word. Input
 * bytes are sign-extended without the zero point (it is folded into bias_zp):
 * SXTB16 / SXTB16-ROR8 give the lanes (0,2) and (1,3) of input and weights
 * alike, so one SMLAD does 2 MACs with no repacking. */
/* The requantization's 64-bit rounding constant and its high-word form (eg_common.h). */
static inline int64_t eg_fc_round(int32_t shift, int32_t mode) {
  return mode == EG_RQ_TFLITE ? eg_requant_round_tfl(shift) : eg_requant_round(shift);
}
static inline int32_t eg_fc_requant(int32_t acc, int32_t mult, int64_t rnd, int32_t rshift, int32_t mode) {
  return mode == EG_RQ_TFLITE ? eg_requantize_tfl_hi(acc, mult, rnd, rshift) : eg_requantize_hi(acc, mult, rnd, rshift);
}
/* ONNX Runtime's chain (p->ort) on the DSP paths: each output through eg_fc_ort_requant (the reference's
 * test, then its recomputation for the near ties) */
#define EG_RQ_PLAIN (-1) /* eg_fc_out's mode: ONNX's rounding without the chain's test */
static inline int8_t eg_fc_out(int32_t acc, int32_t o, const eg_fc_s8_params *p, int32_t mode, const int8_t *x,
                               int32_t b) {
  const int32_t s = p->shift[o];
  acc = (EG_DSP_ORT && mode == EG_RQ_ONNX && p->ort ? eg_fc_ort_requant(p, x, b, o, acc)
                                       : eg_fc_requant(acc, p->mult[o], eg_fc_round(s, mode), -1 - s, mode)) +
        p->out_zp;
  acc = acc < p->act_min ? p->act_min : acc;
  acc = acc > p->act_max ? p->act_max : acc;
  return (int8_t)acc;
}

/* acc + x . w over K inputs, one row (SMLAD on 4 inputs a step) */
static inline int32_t eg_fc_dot(const int8_t *x, const int8_t *w, int32_t K, int32_t acc) {
  int32_t k;
  for (k = 0; k + 4 <= K; k += 4) {
    const uint32_t u = eg_ld32(x + k), v = eg_ld32(w + k);
    acc = __smlad(__sxtb16(u), __sxtb16(v), acc);
    acc = __smlad(eg_sxtb16_ror8(u), eg_sxtb16_ror8(v), acc);
  }
  for (; k < K; ++k) acc += (int32_t)x[k] * w[k];
  return acc;
}

/* EG_FC_W_I4 layout: 4 rows x 4 inputs are 16 consecutive bytes, so one
 * pointer walks all four rows and every load of an iteration is pipelined. */
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__) && !defined(EG_DSP_EMULATION)
/* acc[0..3] += rows . x over nblk blocks of 4 inputs (nblk a multiple of 4,
 * > 0); w advances by 16 bytes per block. All 14 free registers: a0-a3 r3-r6,
 * x r7/r8, weights r9-r12, temporary lr. Per 16 MACs: 5 LDR (6 cycles),
 * 10 SXTB16, 8 SMLAD = 24 cycles. */
#define EG_FC_I4_BLK(X, W0, W1, W2, W3) \
  "ldr r7, [r1, #" X "]\n\t"          \
  "ldr r9, [r2, #" W0 "]\n\t"         \
  "ldr r10, [r2, #" W1 "]\n\t"        \
  "ldr r11, [r2, #" W2 "]\n\t"        \
  "ldr r12, [r2, #" W3 "]\n\t"        \
  "sxtb16 r8, r7\n\t"                 \
  "sxtb16 r7, r7, ror #8\n\t"         \
  "sxtb16 lr, r9\n\t"                 \
  "smlad r3, r8, lr, r3\n\t"          \
  "sxtb16 r9, r9, ror #8\n\t"         \
  "smlad r3, r7, r9, r3\n\t"          \
  "sxtb16 lr, r10\n\t"                \
  "smlad r4, r8, lr, r4\n\t"          \
  "sxtb16 r10, r10, ror #8\n\t"       \
  "smlad r4, r7, r10, r4\n\t"         \
  "sxtb16 lr, r11\n\t"                \
  "smlad r5, r8, lr, r5\n\t"          \
  "sxtb16 r11, r11, ror #8\n\t"       \
  "smlad r5, r7, r11, r5\n\t"         \
  "sxtb16 lr, r12\n\t"                \
  "smlad r6, r8, lr, r6\n\t"          \
  "sxtb16 r12, r12, ror #8\n\t"       \
  "smlad r6, r7, r12, r6\n\t"
/* Naked: the parameters arrive in r0-r3 and are only read by the asm (marked unused for C). */
__attribute__((naked, noinline)) static void eg_fc_i4_asm(int32_t *acc __attribute__((unused)),
                                                           const int8_t *x __attribute__((unused)),
                                                           const int8_t *w __attribute__((unused)),
                                                           int32_t nblk __attribute__((unused))) {
  __asm__ volatile(
      "push {r0, r4-r11, lr}\n\t"
      "add r12, r1, r3, lsl #2\n\t"
      "lsls r3, r3, #29\n\t" /* N = nblk & 4: then one 4-block step first */
      "ldm r0, {r3-r6}\n\t"
      "mov r0, r12\n\t"
      "bpl 1f\n\t"
      EG_FC_I4_BLK("0", "0", "4", "8", "12") EG_FC_I4_BLK("4", "16", "20", "24", "28")
      EG_FC_I4_BLK("8", "32", "36", "40", "44") EG_FC_I4_BLK("12", "48", "52", "56", "60")
      "adds r1, #16\n\t"
      "adds r2, #64\n\t");
  /* one function, several asm statements: each string stays within C99's 4,095 characters */
  __asm__ volatile(
      "1:\n\t"
      "cmp r1, r0\n\t"
      "beq 3f\n\t"
      "2:\n\t" EG_FC_I4_BLK("0", "0", "4", "8", "12") EG_FC_I4_BLK("4", "16", "20", "24", "28")
      EG_FC_I4_BLK("8", "32", "36", "40", "44") EG_FC_I4_BLK("12", "48", "52", "56", "60"));
  __asm__ volatile(
      EG_FC_I4_BLK("16", "64", "68", "72", "76") EG_FC_I4_BLK("20", "80", "84", "88", "92")
      EG_FC_I4_BLK("24", "96", "100", "104", "108") EG_FC_I4_BLK("28", "112", "116", "120", "124")
      "adds r1, #32\n\t"
      "adds r2, #128\n\t"
      "cmp r1, r0\n\t"
      "bne 2b\n\t"
      "3:\n\t"
      "ldr r0, [sp]\n\t"
      "stm r0, {r3-r6}\n\t"
      "pop {r0, r4-r11, pc}\n\t");
}
#define EG_FC_I4_UNROLL 4
#else
#define EG_FC_I4_UNROLL 1
#endif

static void eg_fc_s8_dsp_i4(const eg_fc_s8_params *p, const int8_t *in, int8_t *out, int32_t mode) {
  const int32_t K = p->in_features, K4 = K & ~3, N = p->out_features, R = K - K4;
  const int32_t ozp = p->out_zp, lo = p->act_min, hi = p->act_max, *mult = p->mult;
  const int8_t *shift = p->shift;
  int32_t b, o, k, r;
  for (b = 0; b < p->batch; ++b) {
    const int8_t *x = in + b * K;
    for (o = 0; o + 4 <= N; o += 4) {
      const int8_t *w = p->weights + o * K, *xp = x, *xend = x + K4;
      int32_t a[4];
      a[0] = p->bias_zp[o];
      a[1] = p->bias_zp[o + 1];
      a[2] = p->bias_zp[o + 2];
      a[3] = p->bias_zp[o + 3];
#if EG_FC_I4_UNROLL > 1
      {
        const int32_t nb = (K4 >> 2) & ~(EG_FC_I4_UNROLL - 1);
        if (nb > 0) {
          eg_fc_i4_asm(a, xp, w, nb);
          xp += nb * 4;
          w += nb * 16;
        }
      }
#endif
      for (; xp != xend; xp += 4, w += 16) {
        const uint32_t u = eg_ld32(xp), xl = __sxtb16(u), xh = eg_sxtb16_ror8(u);
        for (r = 0; r < 4; ++r) {
          const uint32_t v = eg_ld32(w + 4 * r);
          a[r] = __smlad(xl, __sxtb16(v), a[r]);
          a[r] = __smlad(xh, eg_sxtb16_ror8(v), a[r]);
        }
      }
      if (R)
        for (r = 0; r < 4; ++r)
          for (k = 0; k < R; ++k) a[r] += (int32_t)xp[k] * w[r * R + k];
      for (r = 0; r < 4; ++r) { /* eg_fc_out with the parameters hoisted */
        const int32_t sh = shift[o + r], rs = -1 - sh;
        const int64_t rnd = mode == EG_RQ_TFLITE ? eg_requant_round_tfl(sh)
                            : sh == -1 ? (int64_t)0x80000000u : (int64_t)((uint64_t)(1u << (rs - 1)) << 32);
        int32_t v = (EG_DSP_ORT && mode == EG_RQ_ONNX && p->ort ? eg_fc_ort_requant(p, x, b, o + r, a[r])
                                                  : eg_fc_requant(a[r], mult[o + r], rnd, rs, mode)) +
                    ozp;
        v = v < lo ? lo : v;
        v = v > hi ? hi : v;
        out[r] = (int8_t)v;
      }
      out += 4;
    }
    for (; o < N; ++o) {
      const int32_t a0 = eg_fc_dot(x, p->weights + o * K, K, p->bias_zp[o]);
      *out++ = eg_fc_out(a0, o, p, mode, x, b);
    }
  }
}

#if EG_DSP_ORT
/* eg_fc_s8_dsp with ONNX Runtime's chain: one output at a time (the 4-row asm block has no
 * register to spare for the test's call) */
EG_NOINLINE static void eg_fc_s8_dsp_ort(const eg_fc_s8_params *p, const int8_t *in, int8_t *out) {
  const int32_t K = p->in_features, N = p->out_features;
  int32_t b, o;
  for (b = 0; b < p->batch; ++b) {
    const int8_t *x = in + b * K;
    for (o = 0; o < N; ++o) {
      const int32_t a0 = eg_fc_dot(x, p->weights + o * K, K, p->bias_zp[o]);
      *out++ = eg_fc_out(a0, o, p, EG_RQ_ONNX, x, b);
    }
  }
}
#endif

static void eg_fc_s8_dsp(const eg_fc_s8_params *p, const int8_t *in, int8_t *out, int32_t mode) {
  const int32_t K = p->in_features, K4 = K & ~3, N = p->out_features;
  int32_t b, o, k;
#if EG_DSP_ORT
  if (mode == EG_RQ_ONNX && p->ort) {
    eg_fc_s8_dsp_ort(p, in, out);
    return;
  }
#endif
  for (b = 0; b < p->batch; ++b) {
    const int8_t *x = in + b * K;
    for (o = 0; o + 4 <= N; o += 4) {
      const int8_t *w0 = p->weights + o * K, *w1 = w0 + K, *w2 = w1 + K, *w3 = w2 + K;
      const int8_t *xp = x, *xend = x + K4;
      int32_t a0 = p->bias_zp[o], a1 = p->bias_zp[o + 1], a2 = p->bias_zp[o + 2], a3 = p->bias_zp[o + 3];
/* Not on the Cortex-M55 (Helium): GCC 12 cannot allocate its 13 operands there. */
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__) && !defined(__ARM_FEATURE_MVE)
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
      out[0] = eg_fc_out(a0, o, p, mode == EG_RQ_ONNX ? EG_RQ_PLAIN : mode, x, b);
      out[1] = eg_fc_out(a1, o + 1, p, mode == EG_RQ_ONNX ? EG_RQ_PLAIN : mode, x, b);
      out[2] = eg_fc_out(a2, o + 2, p, mode == EG_RQ_ONNX ? EG_RQ_PLAIN : mode, x, b);
      out[3] = eg_fc_out(a3, o + 3, p, mode == EG_RQ_ONNX ? EG_RQ_PLAIN : mode, x, b);
      out += 4;
    }
    for (; o < N; ++o) {
      const int32_t a0 = eg_fc_dot(x, p->weights + o * K, K, p->bias_zp[o]);
      *out++ = eg_fc_out(a0, o, p, mode == EG_RQ_ONNX ? EG_RQ_PLAIN : mode, x, b);
    }
  }
}
#endif

void eg_fc_s8(const eg_fc_s8_params *p, const int8_t *in, int8_t *out) {
#if EG_USE_DSP
#if EG_USE_MVE
  if (!(EG_DSP_ORT && p->ort) && eg_fc_s8_mve(p, in, out, EG_RQ_ONNX)) return; /* the chain: the DSP path */
#endif
  int32_t o, ok = p->bias_zp != 0;
  for (o = 0; ok && o < p->out_features; ++o) ok = eg_requant_fast_ok(p->mult[o], p->shift[o]);
  if (ok && p->w_layout == EG_FC_W_I4) {
    eg_fc_s8_dsp_i4(p, in, out, EG_RQ_ONNX);
    return;
  }
  if (ok && p->w_layout == 0) {
    eg_fc_s8_dsp(p, in, out, EG_RQ_ONNX);
    return;
  }
#endif
  eg_fc_s8_ref(p, in, out);
}

void eg_fc_s8_fast(const eg_fc_s8_params *p, const int8_t *in, int8_t *out) {
#if EG_USE_DSP
#if EG_USE_MVE
  if (!(EG_DSP_ORT && p->ort) && eg_fc_s8_mve(p, in, out, EG_RQ_ONNX)) return; /* the chain: the DSP path */
#endif
  eg_fc_s8_dsp(p, in, out, EG_RQ_ONNX);
#else
  eg_fc_s8_ref(p, in, out);
#endif
}

void eg_fc_s8_i4(const eg_fc_s8_params *p, const int8_t *in, int8_t *out) {
#if EG_USE_DSP
#if EG_USE_MVE
  if (!(EG_DSP_ORT && p->ort) && eg_fc_s8_mve(p, in, out, EG_RQ_ONNX)) return; /* the chain: the DSP path */
#endif
  eg_fc_s8_dsp_i4(p, in, out, EG_RQ_ONNX);
#else
  eg_fc_s8_ref(p, in, out);
#endif
}

/* TFLite's requantization (eg_requantize_tfl), same preconditions as _fast / _i4. */
void eg_fc_s8_tfl_fast(const eg_fc_s8_params *p, const int8_t *in, int8_t *out) {
#if EG_USE_DSP
#if EG_USE_MVE
  if (eg_fc_s8_mve(p, in, out, EG_RQ_TFLITE)) return;
#endif
  eg_fc_s8_dsp(p, in, out, EG_RQ_TFLITE);
#else
  eg_fc_s8_tfl_ref(p, in, out);
#endif
}

void eg_fc_s8_tfl_i4(const eg_fc_s8_params *p, const int8_t *in, int8_t *out) {
#if EG_USE_DSP
#if EG_USE_MVE
  if (eg_fc_s8_mve(p, in, out, EG_RQ_TFLITE)) return;
#endif
  eg_fc_s8_dsp_i4(p, in, out, EG_RQ_TFLITE);
#else
  eg_fc_s8_tfl_ref(p, in, out);
#endif
}
