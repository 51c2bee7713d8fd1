/* edgegen runtime: pooling (max, average, Lp; global pools are pools whose
 * window covers the whole map). 1 to 3 spatial dims; the element at batch b,
 * channel c, spatial position s (row-major over the spatial dims) lives at
 * b * batch_stride + c * c_stride + s * sp_stride, so one kernel serves NHWC
 * (c_stride 1, sp_stride C) and NCHW (c_stride S, sp_stride 1). */
#ifndef EG_POOL_H
#define EG_POOL_H
#include <stdint.h>

typedef struct {
  int32_t batch, channels, nsp;                /* nsp: spatial dims, 1..3 */
  int32_t in_sp[3], out_sp[3];                 /* unused dims are 1 */
  int32_t kernel[3], stride[3], dil[3], pad[3]; /* pad: leading pad per dim */
  int32_t in_c_stride, in_sp_stride, out_c_stride, out_sp_stride;
  int32_t count_include_pad; /* average: divide by the full window (pads up to the padded end) */
  int32_t pad_end[3];        /* trailing pad per dim (for count_include_pad) */
  float p;                   /* LpPool exponent */
} eg_pool_geom;

typedef struct {
  eg_pool_geom g;
  int32_t in_zp, out_zp, act_min, act_max;
  int32_t mult, shift; /* in_scale / (out_scale * 256) as a Q31 multiplier */
} eg_pool_s8_params;

/* Max pool. indices (may be NULL): ONNX MaxPool Indices, NCHW-flattened
 * positions written in NCHW order ([N][C][out spatial]); storage_order 1 = column major. */
void eg_maxpool_f32(const eg_pool_geom *g, const float *in, float *out, int64_t *indices, int32_t storage_order);
void eg_maxpool_s8(const eg_pool_geom *g, const int8_t *in, int8_t *out);
void eg_maxpool_u8(const eg_pool_geom *g, const uint8_t *in, uint8_t *out);
void eg_avgpool_f32(const eg_pool_geom *g, const float *in, float *out);
void eg_avgpool_s8(const eg_pool_s8_params *p, const int8_t *in, int8_t *out);
/* int8 average pool with ONNX Runtime's QDQ semantics (DequantizeLinear -> float AveragePool ->
 * QuantizeLinear): every input dequantized to float, summed in the order of ONNX Runtime's x86-64
 * CPU pooling kernels (MLAS: the global kernel's 4 lane sums for a window covering the whole map,
 * column-then-row sums for 2-D/3-D windows of at most 32 taps per dim and a last-dim stride of
 * at most 2, plain row-major sums otherwise), divided by the float count, quantized half to even.
 * Bit-exact with ORT also where the real average lies on a rounding tie, which no integer
 * average reproduces. */
typedef struct {
  eg_pool_geom g;
  float in_scale, out_scale;
  int32_t in_zp, out_zp, act_min, act_max;
} eg_avgpool_s8_ort_params;
void eg_avgpool_s8_ort(const eg_avgpool_s8_ort_params *p, const int8_t *in, int8_t *out);
void eg_lppool_f32(const eg_pool_geom *g, const float *in, float *out);

/* TFLite's int8 2-D pools (TFLite Micro's reference kernels), NHWC: the window
 * clipped to the input (padding never counted), average = sum / count rounded
 * half away from zero, max over the window; then the fused activation clamp.
 * Input and output share their quantization (TFLite requires it). */
typedef struct {
  int32_t batch, in_h, in_w, channels, out_h, out_w, k_h, k_w, stride_h, stride_w, pad_top, pad_left;
  int32_t act_min, act_max;
} eg_pool2d_s8_tfl_params;
void eg_avgpool_s8_tfl(const eg_pool2d_s8_tfl_params *p, const int8_t *in, int8_t *out);
void eg_maxpool_s8_tfl(const eg_pool2d_s8_tfl_params *p, const int8_t *in, int8_t *out);

#endif
