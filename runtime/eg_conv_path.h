/* edgegen runtime: which int8 convolution kernel runs a layer and how much scratch it takes.
 * Plain C99 compiled into edgegen too: its planner (scratch) and emitter (the direct call) read
 * these functions, so the compiler and the kernels' documented preconditions cannot disagree. */
#ifndef EG_CONV_PATH_H
#define EG_CONV_PATH_H
#include <stdint.h>

#include "eg_conv.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Each path's entry under TFLite's requantization (facts.tflite) is its _tfl twin: eg_conv_s8_tfl_ref,
 * _tfl_mat, _tfl_mat_small, _tfl_dw, _tfl_dw3, eg_fc_s8_tfl_fast. */
typedef enum {
  EG_CONV_S8_PATH_REF = 0,      /* eg_conv_s8_ref: any layer, no scratch */
  EG_CONV_S8_PATH_MAT,          /* eg_conv_s8_mat: groups 1, EG_CONV_W_P2 weights, scratch */
  EG_CONV_S8_PATH_MAT_SMALL,    /* eg_conv_s8_mat_small: the same one pixel at a time, less code */
  EG_CONV_S8_PATH_DW,           /* eg_conv_s8_dw: depthwise, no scratch */
  EG_CONV_S8_PATH_DW3,          /* eg_conv_s8_dw3: depthwise 3x3, scratch */
  EG_CONV_S8_PATH_POINTWISE_FC  /* eg_fc_s8_fast with batch = pixels: 1x1, stride 1, no padding */
} eg_conv_s8_path;

/* What only the compiler knows of a layer (it sees the whole network and the constant bias). */
typedef struct {
  int dw3_fast;      /* every channel takes eg_conv_s8_dw3's fast path (eg_conv_dw.c); tflite: half of them
                        _tfl_dw3's (its other channels' exact loop is about the no-scratch path's speed) */
  int small_network; /* every matrix-path layer of the network is small: _mat_small everywhere */
  int tflite;        /* TFLite's requantization (eg_requantize_tfl): the _tfl entries */
} eg_conv_s8_facts;

/* The requantization each path needs on every channel (p->mult, p->shift over out_c):
 * matrix: mult > 0, shift in [-23, -2] and fewer than -1 - shift trailing zero bits in mult;
 * depthwise: mult >= 0, shift in [-31, -2]; fully connected (eg_requant_fast_ok): mult >= 0,
 * shift in [-31, -1]. */
int eg_conv_s8_mat_requant_ok(const eg_conv_s8_params *p);
int eg_conv_s8_dw_requant_ok(const eg_conv_s8_params *p);
int eg_conv_s8_fc_requant_ok(const eg_conv_s8_params *p);
/* TFLite's matrix path (exact for any multiplier): mult >= 0, shift in [-31, -2]. */
int eg_conv_s8_mat_requant_ok_tfl(const eg_conv_s8_params *p);

int eg_conv_s8_is_depthwise(const eg_conv_s8_params *p); /* groups == in_c == out_c > 1 */
int eg_conv_s8_is_dw3(const eg_conv_s8_params *p);       /* depthwise 3x3, dilation 1, strides 1/2 */

/* The kernel of a layer, given whether its scratch was granted (scratch_granted 0: the
 * scratch-free path, e.g. --optimization ram at the buffer's peak). */
eg_conv_s8_path eg_conv_s8_choose(const eg_conv_s8_params *p, const eg_conv_s8_facts *f, int scratch_granted);
/* Bytes of scratch of `path` for this layer (0 for the paths without). */
int32_t eg_conv_s8_scratch_bytes(eg_conv_s8_path path, const eg_conv_s8_params *p);
/* 1 when `path`, run by a core with (dsp 1) or without the DSP extension, reads the layer's ONNX
 * Runtime float chain (eg_conv_s8_params.ort, eg_ort_exact.h): the reference loops recompute
 * near-tie outputs in ORT's order; the DSP loops can (given the chain they test near ties too) but
 * are not given it yet (their test costs too much), so a DSP target's layer on them carries no
 * chain (its float scales cost flash for nothing) and rounds the exact value.
 * EG_CONV_S8_PATH_POINTWISE_FC stands for eg_fc's DSP entries (_fast, _i4), REF for its loop. */
int eg_conv_s8_reads_ort(eg_conv_s8_path path, int dsp);
/* A layer of fewer MACs is small (eg_conv_s8_facts.small_network). */
#define EG_CONV_S8_SMALL_MACS 32768
/* The depthwise 3x3 path is chosen only while its scratch stays this small (lines of up to
 * ~126 outputs). */
#define EG_CONV_S8_DW3_MAX_SCRATCH 8192

#ifdef __cplusplus
}
#endif
#endif
