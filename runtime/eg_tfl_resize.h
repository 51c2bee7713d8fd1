/* edgegen runtime: TFLite RESIZE_BILINEAR (TensorFlow Lite Micro's reference
 * kernels), NHWC. float: source position (out + 0.5) * scale - 0.5 with half-pixel
 * centers, else out * scale; scale = in / out, or (in - 1) / (out - 1) with
 * align_corners; the four neighbours weighted in float. int8: the same in 10-bit
 * fixed point (scale rounded to 1/1024), products summed in 64 bits, rounded half
 * away from zero at 2^20. Input and output share one quantization. */
#ifndef EG_TFL_RESIZE_H
#define EG_TFL_RESIZE_H
#include <stdint.h>

typedef struct {
  int32_t batch, in_h, in_w, channels, out_h, out_w;
  int32_t align_corners, half_pixel_centers;
} eg_resize_tfl_params;

void eg_resize_bilinear_f32_tfl(const eg_resize_tfl_params *p, const float *in, float *out);
void eg_resize_bilinear_s8_tfl(const eg_resize_tfl_params *p, const int8_t *in, int8_t *out);

#endif
