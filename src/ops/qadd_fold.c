/* Folded lookup tables of the int8 Add/Sub kernel; see qadd_fold.h.
 *
 * The kernel's formula for one pair is
 *   va = eg_requantize((a - a_zp) << left_shift, a_mult, a_shift), vb likewise,
 *   y  = clamp(eg_requantize(va +/- vb, y_mult, y_shift) + y_zp, act_min, act_max),
 * so y only depends on va +/- vb, and va only on a (256 values). With
 * S = 31 - y_shift, the output is round(xa + xb) + y_zp for the real numbers
 * xa = va * y_mult / 2^S and xb = +/-vb * y_mult / 2^S. The tables hold them in
 * fixed point with K fractional bits, the rounding constant and the zero point
 * added to a's entries:
 *   TA[a] = floor((va * y_mult + 2^(S-1)) / 2^(S-K)) + y_zp * 2^K,
 *   TB[b] = floor(+/-vb * y_mult / 2^(S-K)),
 * and the kernel computes ssat8((TA + TB) >> K). Each floor drops less than one
 * unit, so TA + TB is the exact floor of the scaled sum or one below it: the
 * result is off only for pairs within one unit (2^-K output steps) of a rounding
 * boundary, and ties rounded away from zero on the negative side differ from
 * the floor. Every one of the 65536 pairs is therefore checked against the
 * formula itself; an entry of a failing pair is nudged by one unit (kept when
 * its other 255 pairs stay right), else a smaller K is tried, else no tables.
 * Entries beyond the saturation range are clamped first (a value that
 * saturates for every partner still does), so that all sums fit in int32.
 *
 * TFLite's ADD/SUB has the same shape (va, vb with TFLite's rounding, then
 * one output rescale), so eg_qaddsub_tfl_fold fills va, vb and the reference
 * pairs with its formula and runs the same search and the same full check. */
#include "ops/qadd_fold.h"

#include <string.h>

#include "eg_common.h"

static int32_t eg_out8(const eg_qbinary_s8_params *p, int32_t v) {
  return (int32_t)(int8_t)eg_clamp_i32(v, p->act_min, p->act_max);
}

int32_t eg_qaddsub_ref(const eg_qbinary_s8_params *p, int32_t a, int32_t b) {
  const int32_t va = eg_requantize((a - p->a_zp) * (1 << p->left_shift), p->a_mult, p->a_shift);
  const int32_t vb = eg_requantize((b - p->b_zp) * (1 << p->left_shift), p->b_mult, p->b_shift);
  return eg_out8(p, eg_requantize(p->op == EG_BIN_SUB ? va - vb : va + vb, p->y_mult, p->y_shift) + p->y_zp);
}

int32_t eg_qmul_ref(const eg_qbinary_s8_params *p, int32_t a, int32_t b) {
  return eg_out8(p, eg_requantize((a - p->a_zp) * (b - p->b_zp), p->y_mult, p->y_shift) + p->y_zp);
}

/* floor(x / 2^s), 0 <= s <= 62, |x| <= 2^62 */
static int64_t eg_floor_shr(int64_t x, int32_t s) {
  if (x >= 0) return x >> s;
  return -((-x + (((int64_t)1 << s) - 1)) >> s);
}

static int32_t eg_tab_out(const eg_qbinary_s8_params *p, int64_t sum, int32_t k) {
  const int64_t q = eg_floor_shr(sum, k);
  return eg_out8(p, (int32_t)(q < -128 ? -128 : (q > 127 ? 127 : q)));
}

/* All pairs of one a-entry (which = 0) or one b-entry (which = 1) right? */
static int eg_line_ok(const eg_qadd_fold_work *c, const int64_t *ta, const int64_t *tb, int which, int32_t i, int32_t k) {
  int32_t j;
  for (j = 0; j < 256; ++j) {
    const int32_t ia = which ? j : i, ib = which ? i : j;
    if (eg_tab_out(c->p, ta[ia] + tb[ib], k) != c->ref[ia][ib]) return 0;
  }
  return 1;
}

static int eg_fold_k(const eg_qadd_fold_work *c, int32_t k, int32_t *tab) {
  const eg_qbinary_s8_params *p = c->p;
  const int32_t s = 31 - p->y_shift;
  int64_t ta[256], tb[256], lo_a, hi_a, lo_b, hi_b;
  int32_t i, j, fixes = 0;
  if (s - k < 0 || s > 62) return 0;
  for (i = 0; i < 256; ++i) {
    ta[i] = eg_floor_shr((int64_t)c->va[i] * p->y_mult + ((int64_t)1 << (s - 1)), s - k) +
            (int64_t)p->y_zp * ((int64_t)1 << k);
    tb[i] = eg_floor_shr((int64_t)c->vb[i] * p->y_mult, s - k);
  }
  /* clamp: sum >= 128 * 2^K saturates to 127, sum < -128 * 2^K to -128 */
  lo_b = hi_b = tb[0];
  for (i = 1; i < 256; ++i) {
    if (tb[i] < lo_b) lo_b = tb[i];
    if (tb[i] > hi_b) hi_b = tb[i];
  }
  lo_a = hi_a = 0;
  for (i = 0; i < 256; ++i) {
    const int64_t top = ((int64_t)128 << k) - lo_b, bot = -((int64_t)128 << k) - 1 - hi_b;
    ta[i] = ta[i] > top ? top : (ta[i] < bot ? bot : ta[i]);
    if (i == 0 || ta[i] < lo_a) lo_a = ta[i];
    if (i == 0 || ta[i] > hi_a) hi_a = ta[i];
  }
  for (i = 0; i < 256; ++i) {
    const int64_t top = ((int64_t)128 << k) - lo_a, bot = -((int64_t)128 << k) - 1 - hi_a;
    tb[i] = tb[i] > top ? top : (tb[i] < bot ? bot : tb[i]);
  }
  lo_b = hi_b = tb[0];
  for (i = 1; i < 256; ++i) {
    if (tb[i] < lo_b) lo_b = tb[i];
    if (tb[i] > hi_b) hi_b = tb[i];
  }
  if (hi_a + hi_b > INT32_MAX || lo_a + lo_b < INT32_MIN) return 0; /* the kernel adds in int32 */
  for (i = 0; i < 256; ++i)
    for (j = 0; j < 256; ++j) {
      int32_t want, got, d;
      if (eg_tab_out(p, ta[i] + tb[j], k) == c->ref[i][j]) continue;
      if (++fixes > 64) return 0;
      want = c->ref[i][j];
      got = eg_tab_out(p, ta[i] + tb[j], k);
      d = want > got ? 1 : -1;
      ta[i] += d;
      if (eg_line_ok(c, ta, tb, 0, i, k)) continue;
      ta[i] -= d;
      tb[j] += d; /* checks b's whole column: the rows already passed stay right */
      if (!eg_line_ok(c, ta, tb, 1, j, k)) return 0;
    }
  /* final check of every pair, on sums that fit in int32 as the kernel adds them */
  lo_a = hi_a = ta[0];
  lo_b = hi_b = tb[0];
  for (i = 1; i < 256; ++i) {
    lo_a = ta[i] < lo_a ? ta[i] : lo_a;
    hi_a = ta[i] > hi_a ? ta[i] : hi_a;
    lo_b = tb[i] < lo_b ? tb[i] : lo_b;
    hi_b = tb[i] > hi_b ? tb[i] : hi_b;
  }
  if (hi_a + hi_b > INT32_MAX || lo_a + lo_b < INT32_MIN) return 0;
  for (i = 0; i < 256; ++i)
    if (!eg_line_ok(c, ta, tb, 0, i, k)) return 0;
  for (i = 0; i < 256; ++i) {
    tab[i] = (int32_t)ta[i];
    tab[256 + i] = (int32_t)tb[i];
  }
  return 1;
}

/* The tables for c->va, c->vb and c->ref (filled by the caller), c->p's
 * output fields: the largest shift that works, or 0. */
static int32_t eg_fold_search(eg_qadd_fold_work *c, int32_t tab[512]) {
  int32_t i, j, k;
  for (i = 0; i < 256; ++i)
    for (j = 0; j < 256; ++j)
      if ((int64_t)c->va[i] + c->vb[j] > INT32_MAX || (int64_t)c->va[i] + c->vb[j] < INT32_MIN)
        return 0; /* the kernel's int32 sum would overflow */
  for (k = EG_QTAB_SHIFT; k >= 12; --k)
    if (eg_fold_k(c, k, tab)) return k;
  return 0;
}

static int eg_fold_out_ok(const eg_qbinary_s8_params *p) {
  return p->y_mult >= 0 && p->y_shift <= 30 && p->y_shift >= -31;
}

int32_t eg_qaddsub_fold(const eg_qbinary_s8_params *p, int32_t tab[512], eg_qadd_fold_work *w) {
  int32_t i, j;
  if (p->op != EG_BIN_ADD && p->op != EG_BIN_SUB) return 0;
  if (p->left_shift < 0 || p->left_shift > 22 || !eg_fold_out_ok(p)) return 0;
  w->p = p;
  for (i = 0; i < 256; ++i) {
    const int32_t x = (int32_t)(int8_t)(uint8_t)i;
    int64_t vb;
    w->va[i] = eg_requantize((x - p->a_zp) * (1 << p->left_shift), p->a_mult, p->a_shift);
    vb = eg_requantize((x - p->b_zp) * (1 << p->left_shift), p->b_mult, p->b_shift);
    if (p->op == EG_BIN_SUB) vb = -vb;
    if (vb >= (1 << 30) || vb <= -(1 << 30) || w->va[i] >= (1 << 30) || w->va[i] <= -(1 << 30)) return 0;
    w->vb[i] = (int32_t)vb;
  }
  for (i = 0; i < 256; ++i)
    for (j = 0; j < 256; ++j) w->ref[i][j] = (int8_t)eg_qaddsub_ref(p, (int8_t)(uint8_t)i, (int8_t)(uint8_t)j);
  return eg_fold_search(w, tab);
}

int32_t eg_qaddsub_tfl_fold(const eg_addsub_s8_tfl_params *t, eg_qbinary_s8_params *q, int32_t tab[512],
                            eg_qadd_fold_work *w) {
  int32_t i, j;
  memset(q, 0, sizeof *q);
  q->op = t->subtract ? EG_BIN_SUB : EG_BIN_ADD;
  q->y_zp = t->out_offset;
  q->y_mult = t->out_mult;
  q->y_shift = t->out_shift;
  q->act_min = t->act_min;
  q->act_max = t->act_max;
  if (t->left_shift < 0 || t->left_shift > 22 || !eg_fold_out_ok(q)) return 0;
  w->p = q;
  for (i = 0; i < 256; ++i) {
    const int32_t x = (int32_t)(int8_t)(uint8_t)i;
    int64_t vb;
    w->va[i] = eg_requantize_tfl((x + t->a_offset) * (1 << t->left_shift), t->a_mult, t->a_shift);
    vb = eg_requantize_tfl((x + t->b_offset) * (1 << t->left_shift), t->b_mult, t->b_shift);
    if (t->subtract) vb = -vb;
    if (vb >= (1 << 30) || vb <= -(1 << 30) || w->va[i] >= (1 << 30) || w->va[i] <= -(1 << 30)) return 0;
    w->vb[i] = (int32_t)vb;
  }
  for (i = 0; i < 256; ++i)
    for (j = 0; j < 256; ++j) w->ref[i][j] = (int8_t)eg_addsub_tfl_one(t, (int8_t)(uint8_t)i, (int8_t)(uint8_t)j);
  return eg_fold_search(w, tab);
}
