#include "eg_conv_f32.h"

#include <float.h>
#include <stddef.h>

#include "eg_common.h"
#include "eg_f32.h"

void eg_conv_f32(const eg_conv_f32_params *p, const float *in, float *out) {
  const int32_t cin_g = p->in_c / p->groups, cout_g = p->out_c / p->groups;
  int32_t b, oy, ox, oc, ky, kx, ic;
  for (b = 0; b < p->batch; ++b) {
    const float *inb = in + (int32_t)b * p->in_h * p->in_w * p->in_c;
    for (oy = 0; oy < p->out_h; ++oy) {
      for (ox = 0; ox < p->out_w; ++ox) {
        for (oc = 0; oc < p->out_c; ++oc) {
          const int32_t g = oc / cout_g;
          const float *w = p->weights + (int32_t)oc * p->k_h * p->k_w * cin_g;
          float acc = p->bias ? p->bias[oc] : 0.0f;
          for (ky = 0; ky < p->k_h; ++ky) {
            const int32_t iy = oy * p->stride_h - p->pad_top + ky * p->dil_h;
            if (iy < 0 || iy >= p->in_h) continue;
            for (kx = 0; kx < p->k_w; ++kx) {
              const int32_t ix = ox * p->stride_w - p->pad_left + kx * p->dil_w;
              const float *x, *wk;
              if (ix < 0 || ix >= p->in_w) continue;
              x = inb + ((int32_t)iy * p->in_w + ix) * p->in_c + g * cin_g;
              wk = w + (ky * p->k_w + kx) * cin_g;
              for (ic = 0; ic < cin_g; ++ic) acc += eg_fmul(x[ic], wk[ic]);
            }
          }
          acc = acc < p->act_min ? p->act_min : acc;
          acc = acc > p->act_max ? p->act_max : acc;
          *out++ = acc;
        }
      }
    }
  }
}

/* ---- Blocked kernels (_blk, _dw) ---------------------------------------------
 * Output pixels are grouped by their valid tap ranges (ky0..ky1, kx0..kx1): the
 * rows of equal vertical range times the columns of equal horizontal range form
 * a rectangle whose pixels all read the same taps at the same relative offsets.
 * A rectangle runs in blocks of 4 pixels; a last 3 pixels as a block moved back
 * to end at the last pixel (a rectangle of 3 repeats its last pixel: a few
 * outputs are computed twice, identically), a last 1 or 2 pixel by pixel. A
 * block computes 4 pixels x 4 channels (16 accumulators): _blk walks, per valid
 * kernel row, the (kx1 - kx0) * in_c contiguous input values of each pixel
 * against W4 weights (one 4-channel vector per value); _dw walks the valid taps,
 * 4 channels of input and weight per tap (3x3 rows at stride 1: 3 pixels
 * sharing their input columns, eg_f32_dw3). Each accumulator starts at the bias
 * and adds its products in tap order, as eg_conv_f32 does. */

/* One block. Field offsets are fixed for the asm (32-bit pointers). */
typedef struct {
  const float *x[4]; /*  0: each pixel's first valid input */
  const float *w;    /* 16: first valid weight vector */
  const float *bias; /* 20: 4 values */
  float *o[4];       /* 24: each pixel's 4 outputs */
  int32_t rows;      /* 40: valid kernel rows (0: bias only) */
  int32_t len;       /* 44: _blk: input values per row; _dw: taps per row */
  int32_t xtap;      /* 48: _dw: bytes between two taps of a row */
  int32_t xrow;      /* 52: bytes added to each input pointer after a row */
  int32_t wrow;      /* 56: bytes added to the weight pointer after a row */
  float lo;          /* 60: act_min */
  int32_t clamp_lo;  /* 64: act_min > -inf */
} eg_f32_blk;

#if EG_F32_ASM
typedef char eg_f32_blk_layout_check[(offsetof(eg_f32_blk, rows) == 40 && offsetof(eg_f32_blk, clamp_lo) == 64) ? 1 : -1];
#endif

#if EG_F32_ASM
/* the asm blocks inline into their rectangle loop: s16..s31 saved once per rectangle */
#define EG_F32_INLINE __attribute__((always_inline)) inline
#else
#define EG_F32_INLINE inline
#endif

static const float eg_f32_zero4[4] = {0.0f, 0.0f, 0.0f, 0.0f};

static const float *eg_f32_skip(const float *p, int32_t bytes) { return (const float *)((const char *)p + bytes); }

/* Valid kernel positions [*k0, *k1) of output coordinate o on one axis: the k
 * with 0 <= o * s - pad + k * d < n. */
static void eg_f32_taps(int32_t o, int32_t s, int32_t pad, int32_t d, int32_t k, int32_t n, int32_t *k0, int32_t *k1) {
  const int32_t i0 = o * s - pad;
  int32_t a = i0 >= 0 ? 0 : (d - 1 - i0) / d, b = i0 >= n ? 0 : (n - 1 - i0) / d + 1;
  if (a > k) a = k;
  if (b > k) b = k;
  if (b < a) b = a;
  *k0 = a;
  *k1 = b;
}

/* The run of output coordinates o.. (< n_out) with o's valid taps [*k0, *k1):
 * returns its end. */
static EG_NOINLINE int32_t eg_f32_run(int32_t o, int32_t n_out, int32_t s, int32_t pad, int32_t d, int32_t k,
                                      int32_t n, int32_t *k0, int32_t *k1) {
  int32_t a, b;
  eg_f32_taps(o, s, pad, d, k, n, k0, k1);
  for (++o; o < n_out; ++o) {
    eg_f32_taps(o, s, pad, d, k, n, &a, &b);
    if (a != *k0 || b != *k1) break;
  }
  return o;
}

/* A rectangle of pixels with one tap range: rows y0..y1, columns x0..x1. */
typedef struct {
  int32_t y0, y1, x0, x1, ky0, ky1, kx0, kx1;
} eg_f32_rect;

/* A pixel of a rectangle: its position, its input offset (floats, channel 0,
 * at its first valid tap; 0 when it has none) and its output pixel index. */
typedef struct {
  int32_t y, x, in, out, step; /* step: input floats to the next pixel of a row */
} eg_f32_pos;

static void eg_f32_at(const eg_conv_f32_params *p, const eg_f32_rect *r, int32_t y, int32_t x, eg_f32_pos *c) {
  c->y = y;
  c->x = x;
  c->out = y * p->out_w + x;
  c->step = r->ky1 == r->ky0 || r->kx1 == r->kx0 ? 0 : p->stride_w * p->in_c;
  c->in = c->step == 0
              ? 0
              : ((y * p->stride_h - p->pad_top + r->ky0 * p->dil_h) * p->in_w + x * p->stride_w - p->pad_left +
                 r->kx0 * p->dil_w) *
                    p->in_c;
}

/* The next pixel of the rectangle (row-major). */
static EG_F32_INLINE void eg_f32_next(const eg_conv_f32_params *p, const eg_f32_rect *r, eg_f32_pos *c) {
  if (++c->x == r->x1) {
    eg_f32_at(p, r, c->y + 1, r->x0, c);
  } else {
    c->out += 1;
    c->in += c->step;
  }
}

typedef void (*eg_f32_rect_fn)(const eg_conv_f32_params *p, const float *in, float *out, const eg_f32_rect *r);

/* Calls fn on every rectangle of every image. */
static void eg_f32_walk(const eg_conv_f32_params *p, const float *in, float *out, eg_f32_rect_fn fn) {
  int32_t b;
  for (b = 0; b < p->batch; ++b) {
    const float *inb = in + b * p->in_h * p->in_w * p->in_c;
    float *outb = out + b * p->out_h * p->out_w * p->out_c;
    eg_f32_rect r;
    for (r.y0 = 0; r.y0 < p->out_h; r.y0 = r.y1) {
      r.y1 = eg_f32_run(r.y0, p->out_h, p->stride_h, p->pad_top, p->dil_h, p->k_h, p->in_h, &r.ky0, &r.ky1);
      for (r.x0 = 0; r.x0 < p->out_w; r.x0 = r.x1) {
        r.x1 = eg_f32_run(r.x0, p->out_w, p->stride_w, p->pad_left, p->dil_w, p->k_w, p->in_w, &r.kx0, &r.kx1);
        fn(p, inb, outb, &r);
      }
    }
  }
}

#if EG_F32_ASM
#if defined(__clang__)
/* one asm template per block, longer than the 4,095 characters C99 promises */
#pragma clang diagnostic ignored "-Woverlength-strings"
#endif
/* acc_q += x * w_q for the 4 accumulators a0..a3 (temporaries s12..s15). */
#define EG_F32_Q4(a0, a1, a2, a3, x)            \
  "vmul.f32 s12, " x ", s0\n\t"                 \
  "vmul.f32 s13, " x ", s1\n\t"                 \
  "vadd.f32 " a0 ", " a0 ", s12\n\t"            \
  "vmul.f32 s14, " x ", s2\n\t"                 \
  "vadd.f32 " a1 ", " a1 ", s13\n\t"            \
  "vmul.f32 s15, " x ", s3\n\t"                 \
  "vadd.f32 " a2 ", " a2 ", s14\n\t"            \
  "vadd.f32 " a3 ", " a3 ", s15\n\t"
/* acc_c += x_c * w_c for 4 channels (weights s0..s3). */
#define EG_F32_E4(a0, a1, a2, a3, x0, x1, x2, x3) \
  "vmul.f32 s12, " x0 ", s0\n\t"                  \
  "vmul.f32 s13, " x1 ", s1\n\t"                  \
  "vadd.f32 " a0 ", " a0 ", s12\n\t"              \
  "vmul.f32 s14, " x2 ", s2\n\t"                  \
  "vadd.f32 " a1 ", " a1 ", s13\n\t"              \
  "vmul.f32 s15, " x3 ", s3\n\t"                  \
  "vadd.f32 " a2 ", " a2 ", s14\n\t"              \
  "vadd.f32 " a3 ", " a3 ", s15\n\t"
/* a = a < s0 ? s0 : a (unordered: a stays) */
#define EG_F32_LO(a) "vcmp.f32 " a ", s0\n\tvmrs APSR_nzcv, fpscr\n\tit mi\n\tvmovmi.f32 " a ", s0\n\t"
/* Block prologue: 16 accumulators = the bias vector (s16..s31, pixel-major). */
#define EG_F32_INIT                                                                                       \
  "ldm %[k], {r0-r4}\n\t"                                                                                 \
  "ldr r5, [%[k], #20]\n\t"                                                                               \
  "vldm r5, {s16-s19}\n\t"                                                                                \
  "vmov.f32 s20, s16\n\tvmov.f32 s21, s17\n\tvmov.f32 s22, s18\n\tvmov.f32 s23, s19\n\t"                  \
  "vmov.f32 s24, s16\n\tvmov.f32 s25, s17\n\tvmov.f32 s26, s18\n\tvmov.f32 s27, s19\n\t"                  \
  "vmov.f32 s28, s16\n\tvmov.f32 s29, s17\n\tvmov.f32 s30, s18\n\tvmov.f32 s31, s19\n\t"
/* Block epilogue: clamp at lo when asked, store each pixel's 4 outputs. */
#define EG_F32_FINISH                                                                                     \
  "ldr r5, [%[k], #64]\n\t"                                                                               \
  "cmp r5, #0\n\t"                                                                                        \
  "beq 8f\n\t"                                                                                            \
  "vldr s0, [%[k], #60]\n\t"                                                                              \
  EG_F32_LO("s16") EG_F32_LO("s17") EG_F32_LO("s18") EG_F32_LO("s19")                                     \
  EG_F32_LO("s20") EG_F32_LO("s21") EG_F32_LO("s22") EG_F32_LO("s23")                                     \
  EG_F32_LO("s24") EG_F32_LO("s25") EG_F32_LO("s26") EG_F32_LO("s27")                                     \
  EG_F32_LO("s28") EG_F32_LO("s29") EG_F32_LO("s30") EG_F32_LO("s31")                                     \
  "8:\n\t"                                                                                                \
  "add r5, %[k], #24\n\t"                                                                                 \
  "ldm r5, {r0-r3}\n\t"                                                                                   \
  "vstm r0, {s16-s19}\n\t"                                                                                \
  "vstm r1, {s20-s23}\n\t"                                                                                \
  "vstm r2, {s24-s27}\n\t"                                                                                \
  "vstm r3, {s28-s31}\n\t"
#define EG_F32_CLOBBERS                                                                                   \
  "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r8", "r9", "r10", "r11", "s0", "s1", "s2", "s3", "s4", "s5", "s6",  \
      "s7", "s8", "s9", "s10", "s11", "s12", "s13", "s14", "s15", "s16", "s17", "s18", "s19", "s20",      \
      "s21", "s22", "s23", "s24", "s25", "s26", "s27", "s28", "s29", "s30", "s31", "cc", "memory"


/* Two input values of each pixel: x pairs in s4..s11, the two weight vectors in
 * s0..s3 in turn. */
#define EG_F32_PAIR                                  \
  "vldmia r4!, {s0-s3}\n\t"                          \
  "vldmia r0!, {s4-s5}\n\t"                          \
  "vldmia r1!, {s6-s7}\n\t"                          \
  "vldmia r2!, {s8-s9}\n\t"                          \
  "vldmia r3!, {s10-s11}\n\t"                        \
  EG_F32_Q4("s16", "s17", "s18", "s19", "s4")        \
  EG_F32_Q4("s20", "s21", "s22", "s23", "s6")        \
  EG_F32_Q4("s24", "s25", "s26", "s27", "s8")        \
  EG_F32_Q4("s28", "s29", "s30", "s31", "s10")       \
  "vldmia r4!, {s0-s3}\n\t"                          \
  EG_F32_Q4("s16", "s17", "s18", "s19", "s5")        \
  EG_F32_Q4("s20", "s21", "s22", "s23", "s7")        \
  EG_F32_Q4("s24", "s25", "s26", "s27", "s9")        \
  EG_F32_Q4("s28", "s29", "s30", "s31", "s11")
/* The len / 2 pairs of a kernel row (len in r10, count in r5). Built for size
 * (-Os): one pair per iteration; else two, an odd pair entering the loop at
 * its second half. */
#if defined(__OPTIMIZE_SIZE__)
#define EG_F32_PAIRS       \
  "lsrs r5, r10, #1\n\t"   \
  "beq 3f\n\t"             \
  "2:\n\t"                 \
  EG_F32_PAIR              \
  "subs r5, r5, #1\n\t"    \
  "bne 2b\n\t"
#else
#define EG_F32_PAIRS       \
  "lsrs r5, r10, #2\n\t"   \
  "bcc 6f\n\t"             \
  "adds r5, r5, #1\n\t"    \
  "b 7f\n\t"               \
  "6:\n\t"                 \
  "cmp r5, #0\n\t"         \
  "beq 3f\n\t"             \
  "2:\n\t"                 \
  EG_F32_PAIR              \
  "7:\n\t"                 \
  EG_F32_PAIR              \
  "subs r5, r5, #1\n\t"    \
  "bne 2b\n\t"
#endif

/* _blk block: per kernel row, len values of each pixel, 2 per step (x pairs in
 * s4..s11, the two weight vectors in s0..s3 in turn), an odd last value alone. */
static EG_F32_INLINE void eg_f32_blk4(const eg_f32_blk *k) {
  register const eg_f32_blk *kr __asm__("r12") = k; /* free at any -O (r7 may be the frame pointer) */
  __asm__ volatile(
      EG_F32_INIT
      "ldr r6, [%[k], #40]\n\t"
      "cmp r6, #0\n\t"
      "beq 5f\n\t"
      "ldr r10, [%[k], #44]\n\t"
      "ldr r8, [%[k], #52]\n\t"
      "ldr r9, [%[k], #56]\n\t"
      "1:\n\t"
      EG_F32_PAIRS
      "3:\n\t"
      "tst r10, #1\n\t"
      "beq 4f\n\t"
      "vldmia r4!, {s0-s3}\n\t"
      "vldmia r0!, {s4}\n\t"
      "vldmia r1!, {s6}\n\t"
      "vldmia r2!, {s8}\n\t"
      "vldmia r3!, {s10}\n\t"
      EG_F32_Q4("s16", "s17", "s18", "s19", "s4")
      EG_F32_Q4("s20", "s21", "s22", "s23", "s6")
      EG_F32_Q4("s24", "s25", "s26", "s27", "s8")
      EG_F32_Q4("s28", "s29", "s30", "s31", "s10")
      "4:\n\t"
      "add r0, r0, r8\n\t"
      "add r1, r1, r8\n\t"
      "add r2, r2, r8\n\t"
      "add r3, r3, r8\n\t"
      "add r4, r4, r9\n\t"
      "subs r6, r6, #1\n\t"
      "bne 1b\n\t"
      "5:\n\t"
      EG_F32_FINISH
      :
      : [k] "r"(kr)
      : EG_F32_CLOBBERS);
}

/* _dw block: per valid tap, 4 channels of each pixel's input against the
 * tap's 4 weights (s0..s3). */
static EG_F32_INLINE void eg_f32_dw4(const eg_f32_blk *k) {
  register const eg_f32_blk *kr __asm__("r12") = k; /* free at any -O (r7 may be the frame pointer) */
  __asm__ volatile(
      EG_F32_INIT
      "ldr r6, [%[k], #40]\n\t"
      "cmp r6, #0\n\t"
      "beq 5f\n\t"
      "ldr r10, [%[k], #44]\n\t"
      "ldr r8, [%[k], #48]\n\t"
      "ldr r9, [%[k], #52]\n\t"
      "ldr r11, [%[k], #56]\n\t"
      "1:\n\t"
      "mov r5, r10\n\t"
      "2:\n\t"
      "vldmia r4!, {s0-s3}\n\t"
      "vldm r0, {s4-s7}\n\t"
      "add r0, r0, r8\n\t"
      "vldm r1, {s8-s11}\n\t"
      "add r1, r1, r8\n\t"
      EG_F32_E4("s16", "s17", "s18", "s19", "s4", "s5", "s6", "s7")
      EG_F32_E4("s20", "s21", "s22", "s23", "s8", "s9", "s10", "s11")
      "vldm r2, {s4-s7}\n\t"
      "add r2, r2, r8\n\t"
      "vldm r3, {s8-s11}\n\t"
      "add r3, r3, r8\n\t"
      EG_F32_E4("s24", "s25", "s26", "s27", "s4", "s5", "s6", "s7")
      EG_F32_E4("s28", "s29", "s30", "s31", "s8", "s9", "s10", "s11")
      "subs r5, r5, #1\n\t"
      "bne 2b\n\t"
      "add r0, r0, r9\n\t"
      "add r1, r1, r9\n\t"
      "add r2, r2, r9\n\t"
      "add r3, r3, r9\n\t"
      "add r4, r4, r11\n\t"
      "subs r6, r6, #1\n\t"
      "bne 1b\n\t"
      "5:\n\t"
      EG_F32_FINISH
      :
      : [k] "r"(kr)
      : EG_F32_CLOBBERS);
}
#endif

/* _dw, 3 x 3 kernels (any k_h), stride and dilation 1 along x: 3 neighbour
 * pixels of a row share their input columns. Per kernel row, the 3 weight
 * vectors stay in s0..s11 and each of the 5 input columns (s12..s15) is loaded
 * once for every pixel that reads it (each pixel still adds its taps in kx
 * order). Accumulators s20..s31, temporaries s16..s19. Not built for size. */
#if !defined(__OPTIMIZE_SIZE__)
#define EG_F32_DW3 1
#else
#define EG_F32_DW3 0
#endif
#if EG_F32_DW3 && EG_F32_ASM
#define EG_F32_E4T(a0, a1, a2, a3, x0, x1, x2, x3, w0, w1, w2, w3) \
  "vmul.f32 s16, " x0 ", " w0 "\n\t"                             \
  "vmul.f32 s17, " x1 ", " w1 "\n\t"                             \
  "vadd.f32 " a0 ", " a0 ", s16\n\t"                             \
  "vmul.f32 s18, " x2 ", " w2 "\n\t"                             \
  "vadd.f32 " a1 ", " a1 ", s17\n\t"                             \
  "vmul.f32 s19, " x3 ", " w3 "\n\t"                             \
  "vadd.f32 " a2 ", " a2 ", s18\n\t"                             \
  "vadd.f32 " a3 ", " a3 ", s19\n\t"
#define EG_F32_E4V(...) EG_F32_E4T(__VA_ARGS__)
#define EG_F32_P0 "s20", "s21", "s22", "s23"
#define EG_F32_P1 "s24", "s25", "s26", "s27"
#define EG_F32_P2 "s28", "s29", "s30", "s31"
#define EG_F32_X "s12", "s13", "s14", "s15"
#define EG_F32_W0 "s0", "s1", "s2", "s3"
#define EG_F32_W1 "s4", "s5", "s6", "s7"
#define EG_F32_W2 "s8", "s9", "s10", "s11"
#define EG_F32_COL "vldm r1, {s12-s15}\n\tadd r1, r1, r8\n\t"
static EG_F32_INLINE void eg_f32_dw3(const eg_f32_blk *k) {
  register const eg_f32_blk *kr __asm__("r12") = k; /* free at any -O (r7 may be the frame pointer) */
  __asm__ volatile(
      "ldr r0, [%[k]]\n\t"
      "ldr r4, [%[k], #16]\n\t"
      "ldr r5, [%[k], #20]\n\t"
      "vldm r5, {s20-s23}\n\t"
      "vmov.f32 s24, s20\n\tvmov.f32 s25, s21\n\tvmov.f32 s26, s22\n\tvmov.f32 s27, s23\n\t"
      "vmov.f32 s28, s20\n\tvmov.f32 s29, s21\n\tvmov.f32 s30, s22\n\tvmov.f32 s31, s23\n\t"
      "ldr r6, [%[k], #40]\n\t"
      "cmp r6, #0\n\t"
      "beq 5f\n\t"
      "ldr r8, [%[k], #48]\n\t"
      "ldr r9, [%[k], #52]\n\t"
      "add r9, r9, r8, lsl #1\n\t"
      "add r9, r9, r8\n\t" /* row start to row start */
      "1:\n\t"
      "vldmia r4!, {s0-s11}\n\t"
      "mov r1, r0\n\t"
      EG_F32_COL
      EG_F32_E4V(EG_F32_P0, EG_F32_X, EG_F32_W0)
      EG_F32_COL
      EG_F32_E4V(EG_F32_P0, EG_F32_X, EG_F32_W1)
      EG_F32_E4V(EG_F32_P1, EG_F32_X, EG_F32_W0)
      EG_F32_COL
      EG_F32_E4V(EG_F32_P0, EG_F32_X, EG_F32_W2)
      EG_F32_E4V(EG_F32_P1, EG_F32_X, EG_F32_W1)
      EG_F32_E4V(EG_F32_P2, EG_F32_X, EG_F32_W0)
      EG_F32_COL
      EG_F32_E4V(EG_F32_P1, EG_F32_X, EG_F32_W2)
      EG_F32_E4V(EG_F32_P2, EG_F32_X, EG_F32_W1)
      "vldm r1, {s12-s15}\n\t"
      EG_F32_E4V(EG_F32_P2, EG_F32_X, EG_F32_W2)
      "add r0, r0, r9\n\t"
      "subs r6, r6, #1\n\t"
      "bne 1b\n\t"
      "5:\n\t"
      "ldr r5, [%[k], #64]\n\t"
      "cmp r5, #0\n\t"
      "beq 8f\n\t"
      "vldr s0, [%[k], #60]\n\t"
      EG_F32_LO("s20") EG_F32_LO("s21") EG_F32_LO("s22") EG_F32_LO("s23")
      EG_F32_LO("s24") EG_F32_LO("s25") EG_F32_LO("s26") EG_F32_LO("s27")
      EG_F32_LO("s28") EG_F32_LO("s29") EG_F32_LO("s30") EG_F32_LO("s31")
      "8:\n\t"
      "add r5, %[k], #24\n\t"
      "ldm r5, {r0-r2}\n\t"
      "vstm r0, {s20-s23}\n\t"
      "vstm r1, {s24-s27}\n\t"
      "vstm r2, {s28-s31}\n\t"
      :
      : [k] "r"(kr)
      : EG_F32_CLOBBERS);
}
#endif

/* 4 channels' bias from channel c (zero-padded past n valid ones, zeros without bias). */
static const float *eg_f32_bias4(const float *bias, int32_t c, int32_t n, float *buf) {
  int32_t q;
  if (!bias) return eg_f32_zero4;
  if (n >= 4) return bias + c;
  for (q = 0; q < 4; ++q) buf[q] = q < n ? bias[c + q] : 0.0f;
  return buf;
}

/* One pixel of a _blk block, nq <= 4 output channels: x = its first valid
 * input, o = its outputs, b = nq bias values (or zeros). */
static void eg_f32_blk1(const eg_f32_blk *k, const float *x, float *o, int32_t nq, float hi) {
  float a0 = k->bias[0], a1 = k->bias[1], a2 = k->bias[2], a3 = k->bias[3];
  const float *w = k->w;
  float a[4];
  int32_t r, j;
  for (r = 0; r < k->rows; ++r) {
    for (j = 0; j < k->len; ++j) {
      const float v = *x++;
      a0 += eg_fmul(v, w[0]);
      a1 += eg_fmul(v, w[1]);
      a2 += eg_fmul(v, w[2]);
      a3 += eg_fmul(v, w[3]);
      w += 4;
    }
    x = eg_f32_skip(x, k->xrow);
    w = eg_f32_skip(w, k->wrow);
  }
  a[0] = a0;
  a[1] = a1;
  a[2] = a2;
  a[3] = a3;
  for (j = 0; j < nq; ++j) {
    const float v = a[j] < k->lo ? k->lo : a[j];
    o[j] = v > hi ? hi : v;
  }
}

/* One pixel of a _dw block: nq <= 4 channels (x: the first of them). */
static void eg_f32_dw1(const eg_f32_blk *k, const float *x, float *o, int32_t nq, float hi) {
  float a[4];
  const float *w = k->w;
  int32_t r, t, q;
  for (q = 0; q < 4; ++q) a[q] = k->bias[q];
  if (nq == 4) {
    float a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
    for (r = 0; r < k->rows; ++r) {
      for (t = 0; t < k->len; ++t) {
        a0 += eg_fmul(x[0], w[0]);
        a1 += eg_fmul(x[1], w[1]);
        a2 += eg_fmul(x[2], w[2]);
        a3 += eg_fmul(x[3], w[3]);
        x = eg_f32_skip(x, k->xtap);
        w += 4;
      }
      x = eg_f32_skip(x, k->xrow);
      w = eg_f32_skip(w, k->wrow);
    }
    a[0] = a0;
    a[1] = a1;
    a[2] = a2;
    a[3] = a3;
  } else {
    for (r = 0; r < k->rows; ++r) {
      for (t = 0; t < k->len; ++t) {
        for (q = 0; q < nq; ++q) a[q] += eg_fmul(x[q], w[q]);
        x = eg_f32_skip(x, k->xtap);
        w += 4;
      }
      x = eg_f32_skip(x, k->xrow);
      w = eg_f32_skip(w, k->wrow);
    }
  }
  for (q = 0; q < nq; ++q) {
    const float v = a[q] < k->lo ? k->lo : a[q];
    o[q] = v > hi ? hi : v;
  }
}

/* A whole block of 4 pixels x 4 channels (k->x, k->o, k->w, k->bias set). */
#if EG_F32_ASM
static EG_F32_INLINE void eg_f32_run4(const eg_f32_blk *k, const int dw, const int clamp_hi, float hi) {
  int32_t j;
  if (dw)
    eg_f32_dw4(k);
  else
    eg_f32_blk4(k);
  if (clamp_hi) /* act_max: after the asm's act_min, as the reference clamps */
    for (j = 0; j < 16; ++j) k->o[j >> 2][j & 3] = k->o[j >> 2][j & 3] > hi ? hi : k->o[j >> 2][j & 3];
}
#else
static void eg_f32_run4(const eg_f32_blk *k, const int dw, const int clamp_hi, float hi) {
  int32_t j;
  (void)clamp_hi;
  for (j = 0; j < 4; ++j)
    if (dw)
      eg_f32_dw1(k, k->x[j], k->o[j], 4, hi);
    else
      eg_f32_blk1(k, k->x[j], k->o[j], 4, hi);
}
#endif

/* One rectangle: blocks of 4 pixels (see above), each over the channel groups
 * of 4; the last partial group of _blk through a scratch block, of _dw pixel by
 * pixel. dw is a constant in each caller. */
static EG_F32_INLINE void eg_f32_do_rect(const eg_conv_f32_params *p, const float *in, float *out,
                                      const eg_f32_rect *r, const int dw) {
  const int32_t C = p->in_c, OC = p->out_c, taps = p->k_h * p->k_w;
  const int32_t kc = dw ? taps : taps * C; /* weights per channel, = floats per group / 4 */
  const int32_t n = (r->y1 - r->y0) * (r->x1 - r->x0), cols = r->kx1 - r->kx0;
  const int32_t bstep = p->bias ? 4 : 0;
  const float *w0 = p->weights + (r->ky0 * p->k_w + r->kx0) * (dw ? 4 : 4 * C);
  const float *b0 = p->bias ? p->bias : eg_f32_zero4;
  const float hi = p->act_max;
  eg_f32_blk k;
  float bias4[4];
  const int clamp_hi = hi <= FLT_MAX;
  eg_f32_pos cur;
  float *ob[4];
  int32_t i, j, c;
  k.lo = p->act_min;
  k.clamp_lo = p->act_min >= -FLT_MAX;
  if (dw) {
    k.rows = cols > 0 ? r->ky1 - r->ky0 : 0;
    k.len = cols;
    k.xtap = p->dil_w * C * 4;
    k.xrow = p->dil_h * p->in_w * C * 4 - cols * k.xtap;
    k.wrow = (p->k_w - cols) * 16;
  } else {
    k.len = cols * C;
    k.rows = k.len > 0 ? r->ky1 - r->ky0 : 0;
    k.xtap = 0;
    k.xrow = (p->dil_h * p->in_w * C - k.len) * 4;
    k.wrow = (p->k_w * C - k.len) * 16;
  }
  /* i: the next pixel, at cur */
  eg_f32_at(p, r, r->y0, r->x0, &cur);
  for (i = 0; i < n; i += 4) {
    if (n - i <= 2) { /* the last 1 or 2 pixels one by one */
      for (; i < n; ++i) {
        const float *x = in + cur.in;
        for (c = 0; c < OC; c += 4) {
          const int32_t nq = OC - c < 4 ? OC - c : 4;
          k.w = w0 + c * kc;
          k.bias = eg_f32_bias4(p->bias, c, nq, bias4);
          if (dw)
            eg_f32_dw1(&k, x + c, out + cur.out * OC + c, nq, hi);
          else
            eg_f32_blk1(&k, x, out + cur.out * OC + c, nq, hi);
        }
        eg_f32_next(p, r, &cur);
      }
      break;
    }
    if (n - i == 3 && n > 4) /* the last 3: a block ending at the last pixel */
      eg_f32_at(p, r, r->y0 + (n - 4) / (r->x1 - r->x0), r->x0 + (n - 4) % (r->x1 - r->x0), &cur);
    for (j = 0; j < 4; ++j) { /* a rectangle of 3 repeats its last pixel */
      k.x[j] = in + cur.in;
      k.o[j] = out + cur.out * OC;
      if (j < n - 1) eg_f32_next(p, r, &cur);
    }
    for (j = 0; j < 4; ++j) ob[j] = k.o[j];
    k.w = w0;
    k.bias = b0;
    for (c = 0; c < OC; c += 4) {
      float tmp[16];
      if (OC - c < 4) { /* the last OC % 4 channels */
        k.bias = eg_f32_bias4(p->bias, c, OC - c, bias4);
        if (dw) {
          for (j = 0; j < 4; ++j) eg_f32_dw1(&k, k.x[j], k.o[j], OC - c, hi);
          break;
        }
        for (j = 0; j < 4; ++j) k.o[j] = tmp + 4 * j;
      }
      eg_f32_run4(&k, dw, clamp_hi, hi);
      if (OC - c < 4) {
        for (j = 0; j < 16; ++j)
          if ((j & 3) < OC - c) ob[j >> 2][c + (j & 3)] = tmp[j];
        break;
      }
      k.w += 4 * kc;
      k.bias += bstep;
      k.o[0] += 4;
      k.o[1] += 4;
      k.o[2] += 4;
      k.o[3] += 4;
      if (dw) {
        k.x[0] += 4;
        k.x[1] += 4;
        k.x[2] += 4;
        k.x[3] += 4;
      }
    }
  }
}

static void eg_f32_blk_rect(const eg_conv_f32_params *p, const float *in, float *out, const eg_f32_rect *r) {
  eg_f32_do_rect(p, in, out, r, 0);
}

#if EG_F32_DW3
/* A depthwise rectangle whose pixels all read full 3-tap kernel rows at stride
 * and dilation 1 along x (r->kx0 == 0, k_w == 3), at least 3 pixels wide: each
 * row in blocks of 3 neighbours; the last nx % 3 columns are left to the caller. */
static void eg_f32_dw_rows3(const eg_conv_f32_params *p, const float *in, float *out, const eg_f32_rect *r) {
  const int32_t C = p->in_c, C4 = C & ~3, taps = p->k_h * 3, nx = r->x1 - r->x0;
  const int32_t bstep = p->bias ? 4 : 0;
  const float *w0 = p->weights + r->ky0 * 3 * 4;
  const float hi = p->act_max;
  eg_f32_blk k;
  eg_f32_pos cur;
  float bias4[4];
  int32_t y, i, j, c;
  k.lo = p->act_min;
  k.clamp_lo = p->act_min >= -FLT_MAX;
  k.rows = r->ky1 - r->ky0;
  k.len = 3;
  k.xtap = C * 4;
  k.xrow = p->dil_h * p->in_w * C * 4 - 3 * k.xtap;
  k.wrow = 0;
  for (y = r->y0; y < r->y1; ++y)
    for (i = 0; i + 3 <= nx; i += 3) {
      eg_f32_at(p, r, y, r->x0 + i, &cur);
      k.w = w0;
      k.bias = p->bias ? p->bias : eg_f32_zero4;
      for (c = 0; c < C4; c += 4) {
        float *o = out + cur.out * C + c;
#if EG_F32_ASM
        k.x[0] = in + cur.in + c;
        for (j = 0; j < 3; ++j) k.o[j] = o + j * C;
        eg_f32_dw3(&k);
        if (hi <= FLT_MAX)
          for (j = 0; j < 12; ++j) k.o[j >> 2][j & 3] = k.o[j >> 2][j & 3] > hi ? hi : k.o[j >> 2][j & 3];
#else
        for (j = 0; j < 3; ++j) eg_f32_dw1(&k, in + cur.in + j * C + c, o + j * C, 4, hi);
#endif
        k.w += 4 * taps;
        k.bias += bstep;
      }
      if (C4 < C) {
        k.bias = eg_f32_bias4(p->bias, C4, C - C4, bias4);
        for (j = 0; j < 3; ++j) eg_f32_dw1(&k, in + cur.in + j * C + C4, out + (cur.out + j) * C + C4, C - C4, hi);
      }
    }
}
#endif

static void eg_f32_dw_rect(const eg_conv_f32_params *p, const float *in, float *out, const eg_f32_rect *r) {
  eg_f32_rect rest = *r;
#if EG_F32_DW3
  if (p->k_w == 3 && p->stride_w == 1 && p->dil_w == 1 && r->kx0 == 0 && r->kx1 == 3 && r->ky1 > r->ky0 &&
      r->x1 - r->x0 >= 3) {
    eg_f32_dw_rows3(p, in, out, r);
    rest.x0 = r->x1 - (r->x1 - r->x0) % 3;
    if (rest.x0 == r->x1) return;
  }
#endif
  eg_f32_do_rect(p, in, out, &rest, 1);
}

void eg_conv_f32_blk(const eg_conv_f32_params *p, const float *in, float *out) { eg_f32_walk(p, in, out, eg_f32_blk_rect); }

void eg_conv_f32_dw(const eg_conv_f32_params *p, const float *in, float *out) { eg_f32_walk(p, in, out, eg_f32_dw_rect); }
