#include "eg_fc_f32.h"

#include <float.h>
#include <math.h>
#include <stddef.h>

#include "eg_f32.h"

void eg_fc_f32(const eg_fc_f32_params *p, const float *in, float *out) {
  int32_t b, o, i;
  for (b = 0; b < p->batch; ++b) {
    const float *x = in + (int32_t)b * p->in_features;
    for (o = 0; o < p->out_features; ++o) {
      const float *w = p->weights + (int32_t)o * p->in_features;
      float acc = p->bias ? p->bias[o] : 0.0f;
      for (i = 0; i < p->in_features; ++i) acc += eg_fmul(x[i], w[i]);
      acc = acc < p->act_min ? p->act_min : acc;
      acc = acc > p->act_max ? p->act_max : acc;
      *out++ = acc;
    }
  }
}

/* 8 rows of a W8 layer for one input vector. Field offsets fixed for the asm. */
typedef struct {
  const float *x;    /*  0 */
  const float *w;    /*  4: [K][8] */
  const float *bias; /*  8: 8 values */
  float *o;          /* 12: 8 outputs */
  int32_t n4, n1;    /* 16, 20: K / 4, K % 4 */
  float lo;          /* 24: act_min */
  int32_t clamp_lo;  /* 28: act_min > -inf */
} eg_fc_f32_blk;

#if EG_F32_ASM
typedef char eg_fc_f32_blk_layout_check[(offsetof(eg_fc_f32_blk, clamp_lo) == 28) ? 1 : -1];

/* acc s16..s23 += x * w (w in s0..s7, temporaries s12..s15) */
#define EG_FC_Q8(x)                 \
  "vmul.f32 s12, " x ", s0\n\t"     \
  "vmul.f32 s13, " x ", s1\n\t"     \
  "vadd.f32 s16, s16, s12\n\t"      \
  "vmul.f32 s14, " x ", s2\n\t"     \
  "vadd.f32 s17, s17, s13\n\t"      \
  "vmul.f32 s15, " x ", s3\n\t"     \
  "vadd.f32 s18, s18, s14\n\t"      \
  "vmul.f32 s12, " x ", s4\n\t"     \
  "vadd.f32 s19, s19, s15\n\t"      \
  "vmul.f32 s13, " x ", s5\n\t"     \
  "vadd.f32 s20, s20, s12\n\t"      \
  "vmul.f32 s14, " x ", s6\n\t"     \
  "vadd.f32 s21, s21, s13\n\t"      \
  "vmul.f32 s15, " x ", s7\n\t"     \
  "vadd.f32 s22, s22, s14\n\t"      \
  "vadd.f32 s23, s23, s15\n\t"
#define EG_FC_LO(a) "vcmp.f32 " a ", s0\n\tvmrs APSR_nzcv, fpscr\n\tit mi\n\tvmovmi.f32 " a ", s0\n\t"

/* 4 inputs per step (VLDM of x into s8..s11, one 8-weight VLDM per input). */
__attribute__((always_inline)) static inline void eg_fc_f32_blk8(const eg_fc_f32_blk *k) {
  __asm__ volatile(
      "ldm %[k], {r0-r3}\n\t"
      "vldm r2, {s16-s23}\n\t"
      "ldr r2, [%[k], #16]\n\t"
      "cmp r2, #0\n\t"
      "beq 3f\n\t"
      "2:\n\t"
      "vldmia r0!, {s8-s11}\n\t"
      "vldmia r1!, {s0-s7}\n\t"
      EG_FC_Q8("s8")
      "vldmia r1!, {s0-s7}\n\t"
      EG_FC_Q8("s9")
      "vldmia r1!, {s0-s7}\n\t"
      EG_FC_Q8("s10")
      "vldmia r1!, {s0-s7}\n\t"
      EG_FC_Q8("s11")
      "subs r2, r2, #1\n\t"
      "bne 2b\n\t"
      "3:\n\t"
      "ldr r2, [%[k], #20]\n\t"
      "cmp r2, #0\n\t"
      "beq 5f\n\t"
      "4:\n\t"
      "vldmia r0!, {s8}\n\t"
      "vldmia r1!, {s0-s7}\n\t"
      EG_FC_Q8("s8")
      "subs r2, r2, #1\n\t"
      "bne 4b\n\t"
      "5:\n\t"
      "ldr r2, [%[k], #28]\n\t"
      "cmp r2, #0\n\t"
      "beq 8f\n\t"
      "vldr s0, [%[k], #24]\n\t"
      EG_FC_LO("s16") EG_FC_LO("s17") EG_FC_LO("s18") EG_FC_LO("s19")
      EG_FC_LO("s20") EG_FC_LO("s21") EG_FC_LO("s22") EG_FC_LO("s23")
      "8:\n\t"
      "vstm r3, {s16-s23}\n\t"
      :
      : [k] "r"(k)
      : "r0", "r1", "r2", "r3", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12",
        "s13", "s14", "s15", "s16", "s17", "s18", "s19", "s20", "s21", "s22", "s23", "cc", "memory");
}
#else
static void eg_fc_f32_blk8(const eg_fc_f32_blk *k) {
  float a[8];
  const float *x = k->x, *w = k->w;
  const int32_t n = k->n4 * 4 + k->n1;
  int32_t i, q;
  for (q = 0; q < 8; ++q) a[q] = k->bias[q];
  for (i = 0; i < n; ++i, w += 8)
    for (q = 0; q < 8; ++q) a[q] += eg_fmul(x[i], w[q]);
  for (q = 0; q < 8; ++q) k->o[q] = a[q] < k->lo ? k->lo : a[q];
}
#endif

/* acc + w . x over K inputs (a row outside the 8-row blocks) */
static float eg_fc_f32_row(float acc, const float *w, const float *x, int32_t K) {
  int32_t i;
  for (i = 0; i < K; ++i) acc += eg_fmul(x[i], w[i]);
  return acc;
}

static const float eg_fc_f32_zero8[8] = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};

void eg_fc_f32_w8(const eg_fc_f32_params *p, const float *in, float *out) {
  const int32_t K = p->in_features, N = p->out_features, N8 = N & ~7;
  const float hi = p->act_max;
  eg_fc_f32_blk k;
  int32_t b, o, q;
  k.n4 = K >> 2;
  k.n1 = K & 3;
  k.lo = p->act_min;
  k.clamp_lo = p->act_min >= -FLT_MAX;
  for (b = 0; b < p->batch; ++b, in += K, out += N) {
    k.x = in;
    for (o = 0; o < N8; o += 8) {
      k.w = p->weights + o * K;
      k.bias = p->bias ? p->bias + o : eg_fc_f32_zero8;
      k.o = out + o;
      eg_fc_f32_blk8(&k);
      if (hi <= FLT_MAX)
        for (q = 0; q < 8; ++q) out[o + q] = out[o + q] > hi ? hi : out[o + q];
    }
    for (; o < N; ++o) { /* the last N % 8 rows, [out][in] */
      float acc = eg_fc_f32_row(p->bias ? p->bias[o] : 0.0f, p->weights + o * K, in, K);
      acc = acc < p->act_min ? p->act_min : acc;
      out[o] = acc > p->act_max ? p->act_max : acc;
    }
  }
}

void eg_fc_f32_w8_vec(const float *w8, const float *bias, const float *x, int32_t K, int32_t N, float *out) {
  const int32_t N8 = N & ~7;
  eg_fc_f32_blk k;
  int32_t o;
  k.x = x;
  k.n4 = K >> 2;
  k.n1 = K & 3;
  k.lo = -INFINITY; /* the C block clamps always, the asm one only with clamp_lo */
  k.clamp_lo = 0;
  for (o = 0; o < N8; o += 8) {
    k.w = w8 + o * K;
    k.bias = bias ? bias + o : eg_fc_f32_zero8;
    k.o = out + o;
    eg_fc_f32_blk8(&k);
  }
  for (; o < N; ++o) out[o] = eg_fc_f32_row(bias ? bias[o] : 0.0f, w8 + o * K, x, K);
}
