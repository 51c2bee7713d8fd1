/* Folded lookup tables of the int8 Add/Sub kernel (eg_qbinary_s8 with tab set),
 * for ONNX's Add/Sub and TFLite's ADD/SUB.
 * Plain C99 so that the compiler (emit), the kernel tests and the kernel bench
 * (C firmware) all build the tables with this one implementation. */
#ifndef EG_QADD_FOLD_H
#define EG_QADD_FOLD_H
#include <stdint.h>

#include "eg_eltwise_bin.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Scratch of eg_qaddsub_fold (about 66 KB: the reference output of every pair). */
typedef struct eg_qadd_fold_work {
  const eg_qbinary_s8_params *p;
  int32_t va[256], vb[256]; /* b's rescaled values, negated for Sub: y depends on va + vb */
  int8_t ref[256][256];     /* [a][b] by byte value */
} eg_qadd_fold_work;

/* Fills tab[512] (a's table, then b's) for the Add/Sub parameters p (p->tab and
 * p->tab_shift are ignored) so that
 *   clamp(ssat8((tab[(uint8)a] + tab[256 + (uint8)b]) >> shift), act_min, act_max)
 * equals the kernel's general formula for every one of the 65536 (a, b) pairs,
 * and returns that shift (EG_QTAB_SHIFT when the value range allows it). Returns
 * 0 when no such tables were found (the kernel then computes). */
int32_t eg_qaddsub_fold(const eg_qbinary_s8_params *p, int32_t tab[512], struct eg_qadd_fold_work *w);

/* The same for TFLite's ADD/SUB t (eg_addsub_s8_tfl, each pair checked against
 * eg_addsub_tfl_one): fills q with what eg_qaddsub_s8_tab reads besides the
 * broadcast and the tables (op, y_zp, act_min, act_max; y_mult and y_shift as
 * the fold used them; the ONNX fields 0) and returns the tables' shift, or 0. */
int32_t eg_qaddsub_tfl_fold(const eg_addsub_s8_tfl_params *t, eg_qbinary_s8_params *q, int32_t tab[512],
                            struct eg_qadd_fold_work *w);

/* The kernel's general Add/Sub and Mul formulas for one pair (the references). */
int32_t eg_qaddsub_ref(const eg_qbinary_s8_params *p, int32_t a, int32_t b);
int32_t eg_qmul_ref(const eg_qbinary_s8_params *p, int32_t a, int32_t b);

#ifdef __cplusplus
}
#endif
#endif
