#include "eg_conv_path.h"

#include "eg_conv_dw.h"

int eg_conv_s8_mat_requant_ok(const eg_conv_s8_params *p) {
  int32_t c;
  if (p->groups != 1) return 0;
  for (c = 0; c < p->out_c; ++c) {
    const int32_t m = p->mult[c], s = p->shift[c], r = -1 - s;
    if (m <= 0 || s > -2 || s < -23 || (m & ((1 << r) - 1)) == 0) return 0;
  }
  return 1;
}

static int eg_conv_all_channels(const eg_conv_s8_params *p, int32_t max_shift, int32_t min_shift) {
  int32_t c;
  for (c = 0; c < p->out_c; ++c)
    if (p->mult[c] < 0 || p->shift[c] > max_shift || p->shift[c] < min_shift) return 0;
  return 1;
}

int eg_conv_s8_dw_requant_ok(const eg_conv_s8_params *p) { return eg_conv_all_channels(p, -2, -31); }

int eg_conv_s8_fc_requant_ok(const eg_conv_s8_params *p) { return eg_conv_all_channels(p, -1, -31); }

int eg_conv_s8_mat_requant_ok_tfl(const eg_conv_s8_params *p) {
  return p->groups == 1 && eg_conv_all_channels(p, -2, -31);
}

int eg_conv_s8_is_depthwise(const eg_conv_s8_params *p) {
  return p->groups > 1 && p->groups == p->in_c && p->out_c == p->in_c;
}

int eg_conv_s8_is_dw3(const eg_conv_s8_params *p) { return eg_conv_s8_is_depthwise(p) && EG_CONV_S8_DW3_OK(p); }

/* 1x1, stride 1, no padding: every pixel is a fully connected layer on its channels. */
static int eg_conv_s8_is_pointwise(const eg_conv_s8_params *p) {
  return p->groups == 1 && p->k_h == 1 && p->k_w == 1 && p->stride_h == 1 && p->stride_w == 1 && p->pad_top == 0 &&
         p->pad_left == 0 && p->out_h == p->in_h && p->out_w == p->in_w;
}

eg_conv_s8_path eg_conv_s8_choose(const eg_conv_s8_params *p, const eg_conv_s8_facts *f, int scratch_granted) {
  /* the same order under TFLite's requantization (facts.dw3_fast then says eg_conv_s8_tfl_dw3's) */
  if (scratch_granted && (f->tflite ? eg_conv_s8_mat_requant_ok_tfl(p) : eg_conv_s8_mat_requant_ok(p)))
    return f->small_network ? EG_CONV_S8_PATH_MAT_SMALL : EG_CONV_S8_PATH_MAT;
  if (eg_conv_s8_is_pointwise(p) && eg_conv_s8_fc_requant_ok(p)) return EG_CONV_S8_PATH_POINTWISE_FC;
  if (scratch_granted && f->dw3_fast && eg_conv_s8_is_dw3(p) &&
      eg_conv_s8_scratch_bytes(EG_CONV_S8_PATH_DW3, p) <= EG_CONV_S8_DW3_MAX_SCRATCH)
    return EG_CONV_S8_PATH_DW3;
  if (eg_conv_s8_is_depthwise(p) && eg_conv_s8_dw_requant_ok(p)) return EG_CONV_S8_PATH_DW;
  return EG_CONV_S8_PATH_REF;
}

int eg_conv_s8_reads_ort(eg_conv_s8_path path, int dsp) {
  /* The DSP paths test near ties when given the chain and built with EG_DSP_ORT (matrix:
   * eg_mat_ort_tile, depthwise: the EG_RQ_ORT loop, FC: eg_fc_out), but at 4-5x their cycles today
   * (bench/README.md): not given it yet (then the planner must add EG_CONV_S8_ORT_SCRATCH_BYTES). */
  return !dsp || path == EG_CONV_S8_PATH_REF;
}

int32_t eg_conv_s8_scratch_bytes(eg_conv_s8_path path, const eg_conv_s8_params *p) {
  const int32_t kp = (p->k_h * p->k_w * p->in_c + 3) & ~3;
  int contiguous;
  switch (path) {
    case EG_CONV_S8_PATH_MAT:
      /* no gathered row when every pixel's taps are contiguous in the input (read in place) */
      contiguous = p->k_h == 1 && (p->k_w == 1 || p->dil_w == 1) && p->pad_top == 0 && p->pad_left == 0 &&
                   (p->out_h - 1) * p->stride_h < p->in_h && (p->out_w - 1) * p->stride_w + p->k_w <= p->in_w;
      return (contiguous ? 6 * kp + 60 : EG_CONV_S8_SCRATCH_BYTES(p->groups, p->k_h, p->k_w, p->in_c)) +
             (p->ort ? EG_CONV_S8_ORT_SCRATCH_BYTES(p->out_c) : 0);
    case EG_CONV_S8_PATH_MAT_SMALL: return EG_CONV_S8_SMALL_SCRATCH_BYTES(p->k_h, p->k_w, p->in_c);
    case EG_CONV_S8_PATH_DW3: return EG_CONV_S8_DW3_SCRATCH_BYTES(p->out_h, p->out_w, p->stride_h, p->stride_w);
    default: return 0;
  }
}
