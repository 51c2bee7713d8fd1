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

void eg_qbinary_s8(const eg_qbinary_s8_params *p, const int8_t *a, const int8_t *b, int8_t *y) {
  const eg_bcast *bc = &p->bc;
  const int32_t last = bc->rank - 1, len = bc->shape[last];
  const int32_t sa = bc->stride[0][last], sb = bc->stride[1][last];
  int32_t idx[EG_ELT_MAX_RANK] = {0};
  int32_t off[2] = {0, 0};
  int32_t i;
  do {
    const int8_t *pa = a + off[0], *pb = b + off[1];
    if (p->op == EG_BIN_MUL) {
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
