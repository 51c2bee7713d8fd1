#include "eg_eltwise_bin.h"

#include <math.h>

#include "eg_common.h"

/* Moves to the next row (axes [0, rank-1)), updating the n input offsets;
 * returns 0 after the last row. */
static int eg_next_row(const eg_bcast *bc, int32_t *idx, int32_t *off, int32_t n) {
  int32_t d, k;
  for (d = bc->rank - 2; d >= 0; --d) {
    ++idx[d];
    for (k = 0; k < n; ++k) off[k] += bc->stride[k][d];
    if (idx[d] < bc->shape[d]) return 1;
    for (k = 0; k < n; ++k) off[k] -= bc->stride[k][d] * bc->shape[d];
    idx[d] = 0;
  }
  return 0;
}

/* ---- float rows ---- */

#define EG_FLOOP(EXPR)                            \
  for (i = 0; i < n; ++i, a += sa, b += sb) {     \
    const float va = *a, vb = *b;                 \
    EXPR;                                         \
  }                                               \
  break

static void eg_row_f32(int32_t op, const float *a, int32_t sa, const float *b, int32_t sb, void *yv,
                       int32_t n) {
  float *y = (float *)yv;
  uint8_t *q = (uint8_t *)yv;
  int32_t i;
  switch (op) {
    case EG_BIN_ADD: EG_FLOOP(y[i] = va + vb);
    case EG_BIN_SUB: EG_FLOOP(y[i] = va - vb);
    case EG_BIN_MUL: EG_FLOOP(y[i] = va * vb);
    case EG_BIN_DIV: EG_FLOOP(y[i] = va / vb);
    case EG_BIN_POW: EG_FLOOP(y[i] = powf(va, vb));
    case EG_BIN_MAX: EG_FLOOP(y[i] = (va > vb || va != va) ? va : vb);
    case EG_BIN_MIN: EG_FLOOP(y[i] = (va < vb || va != va) ? va : vb);
    case EG_BIN_FMOD: EG_FLOOP(y[i] = fmodf(va, vb));
    case EG_BIN_MOD:
      EG_FLOOP({
        float r = fmodf(va, vb);
        y[i] = (r != 0.0f && ((r < 0.0f) != (vb < 0.0f))) ? r + vb : r;
      });
    case EG_BIN_PRELU: EG_FLOOP(y[i] = va < 0.0f ? va * vb : va);
    case EG_BIN_EQ: EG_FLOOP(q[i] = (uint8_t)(va == vb));
    case EG_BIN_LT: EG_FLOOP(q[i] = (uint8_t)(va < vb));
    case EG_BIN_LE: EG_FLOOP(q[i] = (uint8_t)(va <= vb));
    case EG_BIN_GT: EG_FLOOP(q[i] = (uint8_t)(va > vb));
    case EG_BIN_GE: EG_FLOOP(q[i] = (uint8_t)(va >= vb));
    default: break;
  }
}

/* ---- integer rows: the harder operations on int64 ---- */

static int64_t eg_div_i64(int64_t a, int64_t b) {
  if (b == 0) return 0;
  if (b == -1) return (int64_t)(0u - (uint64_t)a);
  return a / b;
}

static int64_t eg_mod_i64(int64_t a, int64_t b, int fmod_sign) {
  int64_t r;
  if (b == 0 || b == -1) return 0;
  r = a % b;
  if (!fmod_sign && r != 0 && ((r < 0) != (b < 0))) r += b;
  return r;
}

static int64_t eg_pow_i64(int64_t a, int64_t e) {
  uint64_t r = 1u, base = (uint64_t)a;
  if (e < 0) return a == 1 ? 1 : (a == -1 ? ((e & 1) ? -1 : 1) : 0);
  while (e > 0) {
    if (e & 1) r *= base;
    base *= base;
    e >>= 1;
  }
  return (int64_t)r;
}

static int64_t eg_shift_i64(int64_t a, int64_t b, int left) {
  if (b < 0 || b >= 64) return 0;
  return left ? (int64_t)((uint64_t)a << b) : a >> b;
}

static int64_t eg_prelu_i64(int64_t a, int64_t s) { return a < 0 ? (int64_t)((uint64_t)a * (uint64_t)s) : a; }

#define EG_ILOOP(T, EXPR)                         \
  for (i = 0; i < n; ++i, a += sa, b += sb) {     \
    const T va = *a, vb = *b;                     \
    EXPR;                                         \
  }                                               \
  break

/* T: element type; W: unsigned type wide enough for wrapping arithmetic. */
#define EG_DEF_ROW_INT(NAME, T, W)                                                              \
  static void NAME(int32_t op, const T *a, int32_t sa, const T *b, int32_t sb, void *yv,         \
                   int32_t n) {                                                                 \
    T *y = (T *)yv;                                                                             \
    uint8_t *q = (uint8_t *)yv;                                                                 \
    int32_t i;                                                                                  \
    switch (op) {                                                                               \
      case EG_BIN_ADD: EG_ILOOP(T, y[i] = (T)((W)va + (W)vb));                                     \
      case EG_BIN_SUB: EG_ILOOP(T, y[i] = (T)((W)va - (W)vb));                                     \
      case EG_BIN_MUL: EG_ILOOP(T, y[i] = (T)((W)va * (W)vb));                                     \
      case EG_BIN_DIV: EG_ILOOP(T, y[i] = (T)eg_div_i64(va, vb));                                  \
      case EG_BIN_POW: EG_ILOOP(T, y[i] = (T)eg_pow_i64(va, vb));                                  \
      case EG_BIN_MAX: EG_ILOOP(T, y[i] = va > vb ? va : vb);                                      \
      case EG_BIN_MIN: EG_ILOOP(T, y[i] = va < vb ? va : vb);                                      \
      case EG_BIN_MOD: EG_ILOOP(T, y[i] = (T)eg_mod_i64(va, vb, 0));                               \
      case EG_BIN_FMOD: EG_ILOOP(T, y[i] = (T)eg_mod_i64(va, vb, 1));                              \
      case EG_BIN_PRELU: EG_ILOOP(T, y[i] = (T)eg_prelu_i64(va, vb));                              \
      case EG_BIN_AND: EG_ILOOP(T, y[i] = (T)(va & vb));                                           \
      case EG_BIN_OR: EG_ILOOP(T, y[i] = (T)(va | vb));                                            \
      case EG_BIN_XOR: EG_ILOOP(T, y[i] = (T)(va ^ vb));                                           \
      case EG_BIN_SHL: EG_ILOOP(T, y[i] = (T)eg_shift_i64(va, vb, 1));                             \
      case EG_BIN_SHR: EG_ILOOP(T, y[i] = (T)eg_shift_i64(va, vb, 0));                             \
      case EG_BIN_EQ: EG_ILOOP(T, q[i] = (uint8_t)(va == vb));                                     \
      case EG_BIN_LT: EG_ILOOP(T, q[i] = (uint8_t)(va < vb));                                      \
      case EG_BIN_LE: EG_ILOOP(T, q[i] = (uint8_t)(va <= vb));                                     \
      case EG_BIN_GT: EG_ILOOP(T, q[i] = (uint8_t)(va > vb));                                      \
      case EG_BIN_GE: EG_ILOOP(T, q[i] = (uint8_t)(va >= vb));                                     \
      default: break;                                                                           \
    }                                                                                           \
  }

EG_DEF_ROW_INT(eg_row_i8, int8_t, uint32_t)
EG_DEF_ROW_INT(eg_row_u8, uint8_t, uint32_t)
EG_DEF_ROW_INT(eg_row_i16, int16_t, uint32_t)
EG_DEF_ROW_INT(eg_row_u16, uint16_t, uint32_t)
EG_DEF_ROW_INT(eg_row_i32, int32_t, uint32_t)
EG_DEF_ROW_INT(eg_row_i64, int64_t, uint64_t)

/* ---- mixed element types (Pow with a float and an integer operand) ---- */

static float eg_load_f(const void *p, int32_t t, int32_t i) {
  switch (t) {
    case EG_ELT_F32: return ((const float *)p)[i];
    case EG_ELT_I8: return (float)((const int8_t *)p)[i];
    case EG_ELT_I16: return (float)((const int16_t *)p)[i];
    case EG_ELT_U16: return (float)((const uint16_t *)p)[i];
    case EG_ELT_I32: return (float)((const int32_t *)p)[i];
    case EG_ELT_I64: return (float)((const int64_t *)p)[i];
    default: return (float)((const uint8_t *)p)[i];
  }
}

static void eg_row_mixed(const eg_binary_params *p, const void *a, int32_t sa, const void *b, int32_t sb,
                         void *y, int32_t n) {
  int32_t i;
  for (i = 0; i < n; ++i) {
    float v = powf(eg_load_f(a, p->a_type, i * sa), eg_load_f(b, p->b_type, i * sb));
    eg_cast(&v, EG_ELT_F32, (uint8_t *)y + (int32_t)i * eg_elt_size(p->y_type), p->y_type, 1);
  }
}

static void eg_row(const eg_binary_params *p, const void *a, int32_t sa, const void *b, int32_t sb, void *y,
                   int32_t n) {
  if (p->a_type != p->b_type) {
    eg_row_mixed(p, a, sa, b, sb, y, n);
    return;
  }
  switch (p->a_type) {
    case EG_ELT_F32: eg_row_f32(p->op, (const float *)a, sa, (const float *)b, sb, y, n); break;
    case EG_ELT_I8: eg_row_i8(p->op, (const int8_t *)a, sa, (const int8_t *)b, sb, y, n); break;
    case EG_ELT_I16: eg_row_i16(p->op, (const int16_t *)a, sa, (const int16_t *)b, sb, y, n); break;
    case EG_ELT_U16: eg_row_u16(p->op, (const uint16_t *)a, sa, (const uint16_t *)b, sb, y, n); break;
    case EG_ELT_I32: eg_row_i32(p->op, (const int32_t *)a, sa, (const int32_t *)b, sb, y, n); break;
    case EG_ELT_I64: eg_row_i64(p->op, (const int64_t *)a, sa, (const int64_t *)b, sb, y, n); break;
    default: eg_row_u8(p->op, (const uint8_t *)a, sa, (const uint8_t *)b, sb, y, n); break; /* u8, bool */
  }
}

void eg_binary(const eg_binary_params *p, const void *a, const void *b, void *y) {
  const eg_bcast *bc = &p->bc;
  const int32_t last = bc->rank - 1, len = bc->shape[last];
  const int32_t as = eg_elt_size(p->a_type), bs = eg_elt_size(p->b_type), ys = eg_elt_size(p->y_type);
  int32_t idx[EG_ELT_MAX_RANK] = {0};
  int32_t off[2] = {0, 0};
  uint8_t *yp = (uint8_t *)y;
  do {
    eg_row(p, (const uint8_t *)a + off[0] * as, bc->stride[0][last], (const uint8_t *)b + off[1] * bs,
           bc->stride[1][last], yp, len);
    yp += len * ys;
  } while (eg_next_row(bc, idx, off, 2));
}

#define EG_WLOOP(T)                                                                 \
  {                                                                                 \
    const T *xt = (const T *)x + off[1], *yt = (const T *)y + off[2];              \
    for (i = 0; i < len; ++i, c += sc, xt += sx, yt += sy) ((T *)o)[i] = *c ? *xt : *yt; \
    o += len * (int32_t)sizeof(T);                                                  \
  }                                                                                 \
  break

void eg_where(const eg_bcast *bc, int32_t elem_size, const uint8_t *cond, const void *x, const void *y,
              void *out) {
  const int32_t last = bc->rank - 1, len = bc->shape[last];
  const int32_t sc = bc->stride[0][last], sx = bc->stride[1][last], sy = bc->stride[2][last];
  int32_t idx[EG_ELT_MAX_RANK] = {0};
  int32_t off[3] = {0, 0, 0};
  uint8_t *o = (uint8_t *)out;
  int32_t i;
  do {
    const uint8_t *c = cond + off[0];
    switch (elem_size) {
      case 8: EG_WLOOP(int64_t);
      case 4: EG_WLOOP(int32_t);
      case 2: EG_WLOOP(int16_t);
      default: EG_WLOOP(uint8_t);
    }
  } while (eg_next_row(bc, idx, off, 3));
}

/* Input rescale of int8 Add/Sub: eg_requantize(x << left_shift, mult, shift)
 * rounds x * mult / 2^(31 - shift - left_shift) half away from zero. With
 * l = 1 + shift + left_shift that is P / 2^32 for P = x * 2^l * mult, computed
 * as floor((P + 2^31) / 2^32) = (hi(x * 2^(l+1) * mult) + 1) >> 1 (round half
 * up, hi = the high word of the 64-bit product): the same value unless P is a
 * tie (exactly 31 trailing zeros). For |x| <= 255 (at most 7 trailing zeros)
 * ties cannot occur when ctz(mult) + l <= 23 or >= 32. */
typedef struct {
  int32_t pw, c, mult; /* pw = 2^(l+1), c = -zp * pw */
} eg_qin;

static int32_t eg_ctz32(uint32_t v) {
  int32_t n = 0;
  if (v == 0) return 32;
  while (!(v & 1u)) {
    v >>= 1;
    ++n;
  }
  return n;
}

static int eg_qin_make(int32_t zp, int32_t mult, int32_t shift, int32_t left_shift, eg_qin *q) {
  const int32_t l = 1 + shift + left_shift;
  int32_t tz;
  if (left_shift < 0 || left_shift > 23 || shift > 23 || shift < -31 || l < 0 || l > 22 || mult < 0 || zp < -128 ||
      zp > 127)
    return 0;
  tz = eg_ctz32((uint32_t)mult) + l;
  if (tz > 23 && tz < 32) return 0;
  q->pw = (int32_t)1 << (l + 1);
  q->c = -zp * q->pw;
  q->mult = mult;
  return 1;
}

/* Output requantization of the sum: eg_requantize(acc, mult, shift) with mult
 * made odd (mult / 2^c, shift + c: the same rational value), total shift
 * 32 + rsh with rsh >= 1. Then floor((acc * mult + rnd) / 2^(32 + rsh)), rnd
 * = 2^(31 + rsh), is round half up; half away from zero subtracts 1 for
 * acc < 0, which only matters when acc * mult is a multiple of 2^32: not for
 * odd mult and 0 < |acc| < 2^31. So v = (hi(acc * mult) + add) >> rsh with add
 * = 2^(rsh - 1) + (y_zp << rsh) folding in the zero point (|add| < 2^30 keeps
 * the sum in int32 as |hi| < 2^30). */
typedef struct {
  int32_t mult, rsh, add;
} eg_qout;

static int eg_qout_make(int32_t mult, int32_t shift, int32_t zp, eg_qout *q) {
  int64_t add;
  if (mult <= 0) return 0;
  while (!(mult & 1)) {
    mult >>= 1;
    ++shift;
  }
  if (shift > -2 || shift < -31) return 0;
  q->mult = mult;
  q->rsh = -1 - shift;
  add = ((int64_t)1 << (q->rsh - 1)) + (int64_t)zp * ((int64_t)1 << q->rsh);
  if (add >= ((int64_t)1 << 30) || add <= -((int64_t)1 << 30)) return 0;
  q->add = (int32_t)add;
  return 1;
}

#define EG_HI(X, M) ((int32_t)(((int64_t)(X) * (int64_t)(M)) >> 32))
/* (x - zp) << (l + 1) as x * pw + c (one MLA; |x - zp| <= 255, l + 1 <= 23: no overflow). */
#define EG_QIN(X, PW, C, M) ((EG_HI((int32_t)(X) * (PW) + (C), M) + 1) >> 1)

/* Saturation to int8 (one SSAT where the target has it). */
#if defined(__ARM_FEATURE_SAT) && !defined(EG_DSP_EMULATION)
#include <arm_acle.h>
#define EG_SAT8(v) __ssat(v, 8)
#else
#define EG_SAT8(v) ((v) < -128 ? -128 : ((v) > 127 ? 127 : (v)))
#endif

#define EG_QADDSUB_ONE(K, OP)                                                 \
  {                                                                            \
    int32_t v = (EG_HI(t[K] OP EG_QIN(b[K], bpw, bc, mb), ym) + yadd) >> ysh;  \
    y[K] = (int8_t)EG_SAT8(v);                                                 \
  }

#define EG_QADDSUB_CHUNK 32

/* eg_qaddsub_row is kept out of line (EG_NOINLINE): inlined, the caller's row
 * state would spill its constants. */
/* Contiguous int8 Add/Sub row (both operands stride 1), bit-exact with the
 * general loop. Chunks of a's rescaled values first go to a small buffer, so
 * that each of the two loops keeps its constants in registers. */
EG_NOINLINE static void eg_qaddsub_row(const eg_qbinary_s8_params *p, const eg_qin *qa, const eg_qin *qb,
                                        const eg_qout *qy, const int8_t *a, const int8_t *b, int8_t *y, int32_t n) {
  const int32_t apw = qa->pw, ac = qa->c, ma = qa->mult, bpw = qb->pw, bc = qb->c, mb = qb->mult;
  const int32_t ym = qy->mult, ysh = qy->rsh, yadd = qy->add, lo = p->act_min, hi = p->act_max;
  const int sub = p->op == EG_BIN_SUB, clamp = lo > -128 || hi < 127;
  int32_t t[EG_QADDSUB_CHUNK];
  int32_t k, m;
  for (; n > 0; n -= m, a += m, b += m, y += m) {
    m = n < EG_QADDSUB_CHUNK ? n : EG_QADDSUB_CHUNK;
    for (k = 0; k + 4 <= m; k += 4) {
      t[k] = EG_QIN(a[k], apw, ac, ma);
      t[k + 1] = EG_QIN(a[k + 1], apw, ac, ma);
      t[k + 2] = EG_QIN(a[k + 2], apw, ac, ma);
      t[k + 3] = EG_QIN(a[k + 3], apw, ac, ma);
    }
    for (; k < m; ++k) t[k] = EG_QIN(a[k], apw, ac, ma);
    if (sub) {
      for (k = 0; k < m; ++k) EG_QADDSUB_ONE(k, -)
    } else {
      for (k = 0; k + 4 <= m; k += 4) { /* m is a multiple of 4 except in the last chunk */
        EG_QADDSUB_ONE(k, +)
        EG_QADDSUB_ONE(k + 1, +)
        EG_QADDSUB_ONE(k + 2, +)
        EG_QADDSUB_ONE(k + 3, +)
      }
      for (; k < m; ++k) EG_QADDSUB_ONE(k, +)
    }
    if (clamp) /* fused activation: narrower than int8 */
      for (k = 0; k < m; ++k) y[k] = (int8_t)(y[k] < lo ? lo : (y[k] > hi ? hi : y[k]));
  }
}

/* ---- Add/Sub through the folded tables (p->tab) ---- */

/* One table-driven element: both table entries, their sum shifted and
 * saturated to int8 (one SSAT with ASR when the shift is a constant). */
#define EG_QTAB(TA, TB, SH) EG_SAT8(((TA) + (TB)) >> (SH))
#define EG_QCLAMP(V) ((V) < lo ? lo : ((V) > hi ? hi : (V)))

/* Contiguous row, the tables' shift EG_QTAB_SHIFT, clamped to [lo, hi]. y may
 * be a (in place): each group of elements is loaded before it is stored. On
 * the Cortex-M4 the loop is asm: GCC interleaves the loads with the adds,
 * which costs the LDR pipelining (a load right after a load whose result it
 * does not use takes 1 cycle instead of 2). Per 2 elements: 2 LDRB + 2 LDRB +
 * 4 table LDR in a row (9 cycles), 2 ADD, 2 SSAT (with the ASR), 2 STRB; 8
 * elements per iteration, the pointer steps in the first loads and store
 * (post-increment): ~8 cycles/element, ~9 with a fused activation. */
#if defined(__ARM_FEATURE_SAT) && defined(__GNUC__) && defined(__thumb2__) && !defined(EG_DSP_EMULATION)
#define EG_QTAB_STR2(x) #x
#define EG_QTAB_STR(x) EG_QTAB_STR2(x)
/* Two outputs, t0 = y[I] and t2 = y[J], each ssat8((TA[a] + TB[b]) >> shift).
 * LA/LB: the loads of a[I] and b[I] (the first pair post-increments the
 * pointers by 8, the others address them with -8 + I). */
#define EG_QTAB_SUM2(LA, LB, J)                                       \
  "ldrb %[t0], " LA "\n\t"                                           \
  "ldrb %[t1], " LB "\n\t"                                           \
  "ldrb %[t2], [%[a], #" #J "]\n\t"                                  \
  "ldrb %[t3], [%[b], #" #J "]\n\t"                                  \
  "ldr %[t0], [%[ta], %[t0], lsl #2]\n\t"                            \
  "ldr %[t1], [%[tb], %[t1], lsl #2]\n\t"                            \
  "ldr %[t2], [%[ta], %[t2], lsl #2]\n\t"                            \
  "ldr %[t3], [%[tb], %[t3], lsl #2]\n\t"                            \
  "add %[t0], %[t0], %[t1]\n\t"                                      \
  "add %[t2], %[t2], %[t3]\n\t"                                      \
  "ssat %[t0], #8, %[t0], asr #" EG_QTAB_STR(EG_QTAB_SHIFT) "\n\t"   \
  "ssat %[t2], #8, %[t2], asr #" EG_QTAB_STR(EG_QTAB_SHIFT) "\n\t"
/* ... stored as bytes (SY: the store of y[I]). */
#define EG_QTAB_PAIR(LA, LB, J, SY)                                   \
  EG_QTAB_SUM2(LA, LB, J)                                              \
  "strb %[t0], " SY "\n\t"                                           \
  "strb %[t2], [%[y], #" #J "]\n\t"
/* Fused activation narrower than int8: 4 results packed into a word (BFI),
 * clamped bytewise (SSUB8/SEL against lo and hi in every byte), one STR. LA,
 * LB: the loads of a[I], b[I]; J, K, L: the next three offsets; SY: the store. */
#define EG_QTAB_QUAD(LA, LB, J, K, L, SY)                             \
  EG_QTAB_SUM2(LA, LB, J)                                              \
  "bfi %[t0], %[t2], #8, #8\n\t"                                     \
  "ldrb %[t1], [%[a], #" #K "]\n\t"                                  \
  "ldrb %[t2], [%[b], #" #K "]\n\t"                                  \
  "ldrb %[t3], [%[a], #" #L "]\n\t"                                  \
  "ldrb %[t4], [%[b], #" #L "]\n\t"                                  \
  "ldr %[t1], [%[ta], %[t1], lsl #2]\n\t"                            \
  "ldr %[t2], [%[tb], %[t2], lsl #2]\n\t"                            \
  "ldr %[t3], [%[ta], %[t3], lsl #2]\n\t"                            \
  "ldr %[t4], [%[tb], %[t4], lsl #2]\n\t"                            \
  "add %[t1], %[t1], %[t2]\n\t"                                      \
  "add %[t3], %[t3], %[t4]\n\t"                                      \
  "ssat %[t1], #8, %[t1], asr #" EG_QTAB_STR(EG_QTAB_SHIFT) "\n\t"   \
  "ssat %[t3], #8, %[t3], asr #" EG_QTAB_STR(EG_QTAB_SHIFT) "\n\t"   \
  "bfi %[t0], %[t1], #16, #8\n\t"                                    \
  "bfi %[t0], %[t3], #24, #8\n\t"                                    \
  "ssub8 %[t1], %[t0], %[lo]\n\t"                                    \
  "sel %[t0], %[t0], %[lo]\n\t"                                      \
  "ssub8 %[t1], %[t0], %[hi]\n\t"                                    \
  "sel %[t0], %[hi], %[t0]\n\t"                                      \
  "str %[t0], " SY "\n\t"
#define EG_QTAB_ASM 1
#endif

EG_NOINLINE static void eg_qtab_row(const int32_t *ta, const int32_t *tb, const int8_t *a, const int8_t *b, int8_t *y,
                                    int32_t n, int32_t lo, int32_t hi) {
#ifdef EG_QTAB_ASM
  int32_t blocks = n >> 3;
  if (blocks > 0) {
    uint32_t t0, t1, t2, t3;
    if (lo <= -128 && hi >= 127) {
      __asm__ volatile(
          "1:\n\t" EG_QTAB_PAIR("[%[a]], #8", "[%[b]], #8", -7, "[%[y]], #8")
          EG_QTAB_PAIR("[%[a], #-6]", "[%[b], #-6]", -5, "[%[y], #-6]")
          EG_QTAB_PAIR("[%[a], #-4]", "[%[b], #-4]", -3, "[%[y], #-4]")
          EG_QTAB_PAIR("[%[a], #-2]", "[%[b], #-2]", -1, "[%[y], #-2]")
          "subs %[n], %[n], #1\n\t"
          "bne 1b\n\t"
          : [a] "+r"(a), [b] "+r"(b), [y] "+r"(y), [n] "+r"(blocks), [t0] "=&r"(t0), [t1] "=&r"(t1),
            [t2] "=&r"(t2), [t3] "=&r"(t3)
          : [ta] "r"(ta), [tb] "r"(tb)
          : "cc", "memory");
      n &= 7;
    }
#if defined(__OPTIMIZE__) && defined(__ARM_FEATURE_DSP) /* 13 registers: not with a frame pointer */
    else if (lo >= -128 && hi <= 127 && lo <= hi) {
      const uint32_t lo4 = (uint32_t)(uint8_t)lo * 0x01010101u, hi4 = (uint32_t)(uint8_t)hi * 0x01010101u;
      uint32_t t4;
      __asm__ volatile(
          "1:\n\t" EG_QTAB_QUAD("[%[a]], #8", "[%[b]], #8", -7, -6, -5, "[%[y]], #8")
          EG_QTAB_QUAD("[%[a], #-4]", "[%[b], #-4]", -3, -2, -1, "[%[y], #-4]")
          "subs %[n], %[n], #1\n\t"
          "bne 1b\n\t"
          : [a] "+r"(a), [b] "+r"(b), [y] "+r"(y), [n] "+r"(blocks), [t0] "=&r"(t0), [t1] "=&r"(t1),
            [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4)
          : [ta] "r"(ta), [tb] "r"(tb), [lo] "r"(lo4), [hi] "r"(hi4)
          : "cc", "memory");
      n &= 7;
    }
#endif
  }
#else
  for (; n >= 4; n -= 4, a += 4, b += 4, y += 4) {
    const int32_t x0 = ta[(uint8_t)a[0]], z0 = tb[(uint8_t)b[0]], x1 = ta[(uint8_t)a[1]], z1 = tb[(uint8_t)b[1]];
    const int32_t x2 = ta[(uint8_t)a[2]], z2 = tb[(uint8_t)b[2]], x3 = ta[(uint8_t)a[3]], z3 = tb[(uint8_t)b[3]];
    int32_t v0 = EG_QTAB(x0, z0, EG_QTAB_SHIFT), v1 = EG_QTAB(x1, z1, EG_QTAB_SHIFT);
    int32_t v2 = EG_QTAB(x2, z2, EG_QTAB_SHIFT), v3 = EG_QTAB(x3, z3, EG_QTAB_SHIFT);
    y[0] = (int8_t)EG_QCLAMP(v0);
    y[1] = (int8_t)EG_QCLAMP(v1);
    y[2] = (int8_t)EG_QCLAMP(v2);
    y[3] = (int8_t)EG_QCLAMP(v3);
  }
#endif
  for (; n > 0; --n, ++a, ++b, ++y) {
    const int32_t v = EG_QTAB(ta[(uint8_t)*a], tb[(uint8_t)*b], EG_QTAB_SHIFT);
    *y = (int8_t)EG_QCLAMP(v);
  }
}

/* Any strides (0 = broadcast), any shift, fused activation clamp. */
EG_NOINLINE static void eg_qtab_row_any(const int32_t *ta, const int32_t *tb, const int8_t *a, int32_t sa,
                                        const int8_t *b, int32_t sb, int8_t *y, int32_t n, int32_t sh, int32_t lo,
                                        int32_t hi) {
  for (; n > 0; --n, a += sa, b += sb, ++y) {
    const int32_t v = EG_QTAB(ta[(uint8_t)*a], tb[(uint8_t)*b], sh);
    *y = (int8_t)EG_QCLAMP(v);
  }
}

void eg_qaddsub_s8_tab(const eg_qbinary_s8_params *p, const int8_t *a, const int8_t *b, int8_t *y) {
  const eg_bcast *bc = &p->bc;
  const int32_t last = bc->rank - 1, len = bc->shape[last];
  const int32_t sa = bc->stride[0][last], sb = bc->stride[1][last];
  const int32_t *ta = p->tab, *tb = p->tab + 256;
  const int fast = sa == 1 && sb == 1 && p->tab_shift == EG_QTAB_SHIFT;
  int32_t idx[EG_ELT_MAX_RANK] = {0};
  int32_t off[2] = {0, 0};
  do {
    if (fast) eg_qtab_row(ta, tb, a + off[0], b + off[1], y, len, p->act_min, p->act_max);
    else eg_qtab_row_any(ta, tb, a + off[0], sa, b + off[1], sb, y, len, p->tab_shift, p->act_min, p->act_max);
    y += len;
  } while (eg_next_row(bc, idx, off, 2));
}

/* Contiguous int8 Mul row (both operands stride 1), bit-exact with the general
 * loop: |(a - a_zp) * (b - b_zp)| <= 255 * 255, so the output requantization
 * takes the eg_qout form (odd multiplier, one high word, one shift). 4 elements
 * per iteration, loads first (y may be a). Under EG_USE_DSP one word of each
 * operand: SXTAB16 subtracts the zero points in int16 lanes (|x - zp| <= 255),
 * and the lane products are SMULBB/SMULTT. */
#define EG_QMUL_OUT(ACC, CLAMP) \
  (CLAMP((EG_HI(ACC, ym) + yadd) >> ysh))
#define EG_QMUL_SAT(V) EG_SAT8(V)
#define EG_QMUL_CLAMP(V) eg_clamp_i32(EG_SAT8(V), lo, hi)
#if EG_USE_DSP
/* Unaligned 32-bit load (eg_ld32's memcpy goes through the stack at -Os). */
#if defined(__GNUC__)
typedef uint32_t eg_elt_u32 __attribute__((aligned(1), may_alias));
#define EG_LD32(p) (*(const eg_elt_u32 *)(const void *)(p))
#else
#define EG_LD32(p) eg_ld32(p)
#endif
#define EG_QMUL_LOOP(CLAMP)                                                                              \
  for (; n >= 4; n -= 4, a += 4, b += 4, y += 4) {                                                       \
    const uint32_t wa = EG_LD32(a), wb = EG_LD32(b);                                                     \
    const uint32_t ae = __sxtab16(nza, wa), ao = eg_sxtab16_ror8(nza, wa);                               \
    const uint32_t be = __sxtab16(nzb, wb), bo = eg_sxtab16_ror8(nzb, wb);                               \
    const int32_t p0 = (int32_t)(int16_t)ae * (int16_t)be, p1 = (int32_t)(int16_t)ao * (int16_t)bo;     \
    const int32_t p2 = ((int32_t)ae >> 16) * ((int32_t)be >> 16), p3 = ((int32_t)ao >> 16) * ((int32_t)bo >> 16); \
    y[0] = (int8_t)EG_QMUL_OUT(p0, CLAMP);                                                               \
    y[1] = (int8_t)EG_QMUL_OUT(p1, CLAMP);                                                               \
    y[2] = (int8_t)EG_QMUL_OUT(p2, CLAMP);                                                               \
    y[3] = (int8_t)EG_QMUL_OUT(p3, CLAMP);                                                               \
  }                                                                                                      \
  for (; n > 0; --n, ++a, ++b, ++y) *y = (int8_t)EG_QMUL_OUT((*a - za) * (*b - zb), CLAMP);
#else
#define EG_QMUL_LOOP(CLAMP)                                                                              \
  for (; n >= 4; n -= 4, a += 4, b += 4, y += 4) {                                                       \
    const int32_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3]; \
    y[0] = (int8_t)EG_QMUL_OUT((a0 - za) * (b0 - zb), CLAMP);                                            \
    y[1] = (int8_t)EG_QMUL_OUT((a1 - za) * (b1 - zb), CLAMP);                                            \
    y[2] = (int8_t)EG_QMUL_OUT((a2 - za) * (b2 - zb), CLAMP);                                            \
    y[3] = (int8_t)EG_QMUL_OUT((a3 - za) * (b3 - zb), CLAMP);                                            \
  }                                                                                                      \
  for (; n > 0; --n, ++a, ++b, ++y) *y = (int8_t)EG_QMUL_OUT((*a - za) * (*b - zb), CLAMP);
#endif
EG_NOINLINE static void eg_qmul_row(const eg_qbinary_s8_params *p, const eg_qout *qy, const int8_t *a, const int8_t *b,
                                    int8_t *y, int32_t n) {
  const int32_t za = p->a_zp, zb = p->b_zp, ym = qy->mult, ysh = qy->rsh, yadd = qy->add;
  const int32_t lo = p->act_min, hi = p->act_max;
#if EG_USE_DSP
  const uint32_t nza = ((uint32_t)(-za) & 0xFFFFu) * 0x10001u, nzb = ((uint32_t)(-zb) & 0xFFFFu) * 0x10001u;
#endif
  if (lo <= -128 && hi >= 127) {
    EG_QMUL_LOOP(EG_QMUL_SAT)
  } else {
    EG_QMUL_LOOP(EG_QMUL_CLAMP)
  }
}

void eg_qbinary_s8(const eg_qbinary_s8_params *p, const int8_t *a, const int8_t *b, int8_t *y) {
  const eg_bcast *bc = &p->bc;
  const int32_t last = bc->rank - 1, len = bc->shape[last];
  const int32_t sa = bc->stride[0][last], sb = bc->stride[1][last];
  const int mul = p->op == EG_BIN_MUL;
  int32_t idx[EG_ELT_MAX_RANK] = {0};
  int32_t off[2] = {0, 0};
  eg_qin qa = {0, 0, 0}, qb = {0, 0, 0};
  eg_qout qy = {0, 0, 0};
  int fast;
  int32_t i;
  if (p->tab && !mul) {
    eg_qaddsub_s8_tab(p, a, b, y);
    return;
  }
  /* the computed fast rows: contiguous operands, parameters their exactness argument covers */
  fast = sa == 1 && sb == 1 && p->act_min >= -128 && p->act_max <= 127 && p->act_min <= p->act_max &&
         eg_qout_make(p->y_mult, p->y_shift, p->y_zp, &qy) &&
         (mul || (eg_qin_make(p->a_zp, p->a_mult, p->a_shift, p->left_shift, &qa) &&
                  eg_qin_make(p->b_zp, p->b_mult, p->b_shift, p->left_shift, &qb)));
  do {
    const int8_t *pa = a + off[0], *pb = b + off[1];
    if (fast && mul) {
      eg_qmul_row(p, &qy, pa, pb, y, len);
    } else if (fast) {
      eg_qaddsub_row(p, &qa, &qb, &qy, pa, pb, y, len);
    } else if (mul) {
      for (i = 0; i < len; ++i, pa += sa, pb += sb) {
        int32_t acc = ((int32_t)*pa - p->a_zp) * ((int32_t)*pb - p->b_zp);
        int32_t v = eg_requantize(acc, p->y_mult, p->y_shift) + p->y_zp;
        y[i] = (int8_t)eg_clamp_i32(v, p->act_min, p->act_max);
      }
    } else {
      for (i = 0; i < len; ++i, pa += sa, pb += sb) {
        int32_t va = eg_requantize(((int32_t)*pa - p->a_zp) * (1 << p->left_shift), p->a_mult, p->a_shift);
        int32_t vb = eg_requantize(((int32_t)*pb - p->b_zp) * (1 << p->left_shift), p->b_mult, p->b_shift);
        int32_t v = eg_requantize(p->op == EG_BIN_SUB ? va - vb : va + vb, p->y_mult, p->y_shift) + p->y_zp;
        y[i] = (int8_t)eg_clamp_i32(v, p->act_min, p->act_max);
      }
    }
    y += len;
  } while (eg_next_row(bc, idx, off, 2));
}

void eg_addsub_s8_tfl(const eg_addsub_s8_tfl_params *p, const int8_t *a, const int8_t *b, int8_t *out) {
  const int fast = eg_requant_tfl_le0_ok(p->a_mult, p->a_shift) && eg_requant_tfl_le0_ok(p->b_mult, p->b_shift) &&
                   eg_requant_tfl_le0_ok(p->out_mult, p->out_shift);
  const int32_t sa3 = p->a_strides[3], sb3 = p->b_strides[3], n = p->dims[3], ls = p->left_shift;
  int32_t i0, i1, i2, i3;
  for (i0 = 0; i0 < p->dims[0]; ++i0)
    for (i1 = 0; i1 < p->dims[1]; ++i1)
      for (i2 = 0; i2 < p->dims[2]; ++i2) {
        const int8_t *ar = a + i0 * p->a_strides[0] + i1 * p->a_strides[1] + i2 * p->a_strides[2];
        const int8_t *br = b + i0 * p->b_strides[0] + i1 * p->b_strides[1] + i2 * p->b_strides[2];
        if (!fast) {
          for (i3 = 0; i3 < n; ++i3) *out++ = (int8_t)eg_addsub_tfl_one(p, ar[i3 * sa3], br[i3 * sb3]);
          continue;
        }
        for (i3 = 0; i3 < n; ++i3, ar += sa3, br += sb3) {
          const int32_t va = eg_requantize_tfl_le0((*ar + p->a_offset) * (1 << ls), p->a_mult, p->a_shift);
          const int32_t vb = eg_requantize_tfl_le0((*br + p->b_offset) * (1 << ls), p->b_mult, p->b_shift);
          const int32_t v = eg_requantize_tfl_le0(p->subtract ? va - vb : va + vb, p->out_mult, p->out_shift);
          *out++ = (int8_t)eg_clamp_i32(v + p->out_offset, p->act_min, p->act_max);
        }
      }
}
