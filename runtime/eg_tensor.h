/* edgegen runtime: tensor data ops (Concat/Split/Slice/Pad/Tile/Expand/DepthToSpace/Resize/...,
 * element gathers and scatters, Trilu, CumSum, ConvTranspose, DynamicQuantizeLinear).
 * Plain C99, no allocation, no global state. */
#ifndef EG_TENSOR_H
#define EG_TENSOR_H
#include <stdint.h>

#define EG_TENSOR_MAX_RANK 8

/* Per-axis index gather: out[i_0..i_{r-1}] = in[sum_d tables_d[i_d]] where tables holds, for axis
 * d, out_shape[d] source offsets in elements (already multiplied by the input stride); a negative
 * entry on any axis writes *fill (zero when fill is NULL). Covers Slice, Pad (all modes), Tile,
 * Expand, DepthToSpace, SpaceToDepth, Compress and nearest Resize. */
void eg_index_gather(const void *in, void *out, int32_t elem_size, int32_t rank, const int32_t *out_shape,
                     const int32_t *tables, const void *fill);

/* rows x row_bytes block copy with independent pitches (Concat/Split slices). */
void eg_copy2d(const void *in, void *out, int32_t rows, int32_t row_bytes, int32_t in_pitch, int32_t out_pitch);

/* Separable float resampling: axis d has ntaps[d] taps per output coordinate; offsets (elements,
 * multiplied by the input stride; negative = outside: the element becomes `extrapolation`) and
 * weights are laid out [out_shape[d]][ntaps[d]], concatenated over the axes. */
void eg_resize_f32(const float *in, float *out, int32_t rank, const int32_t *out_shape, const int32_t *ntaps,
                   const int32_t *offsets, const float *weights, float extrapolation);

/* Trilu over [batch][rows][cols]: keep j - i <= k (lower) or j - i >= k (upper), zero elsewhere. */
void eg_trilu(const void *in, void *out, int32_t elem_size, int32_t batch, int32_t rows, int32_t cols, int32_t k,
              int32_t upper);

/* Element type codes for kernels doing arithmetic on any of several types. */
#define EG_TENSOR_F32 0
#define EG_TENSOR_I32 1
#define EG_TENSOR_I64 2
#define EG_TENSOR_I8 3
#define EG_TENSOR_U8 4
#define EG_TENSOR_I16 5
#define EG_TENSOR_U16 6

/* CumSum along the middle axis of [outer][n][inner]. */
void eg_cumsum(const void *in, void *out, int32_t type, int32_t outer, int32_t n, int32_t inner, int32_t exclusive,
               int32_t reverse);

/* Index tensors arrive as int64 (idx64 != 0) or int32. */
typedef struct {
  int32_t rank;
  int32_t axis;
  int32_t data_shape[EG_TENSOR_MAX_RANK];
  int32_t idx_shape[EG_TENSOR_MAX_RANK];
} eg_elements_params;

/* GatherElements: out (idx_shape) = data[... idx ...] along axis. */
void eg_gather_elements(const eg_elements_params *p, const void *data, const void *idx, int32_t idx64, void *out,
                        int32_t elem_size);
/* ScatterElements: out = data; out[... idx ...] (op)= updates. reduction 0 none, 1 add, 2 mul, 3 max, 4 min. */
void eg_scatter_elements(const eg_elements_params *p, const void *data, const void *idx, int32_t idx64,
                         const void *updates, void *out, int32_t type, int32_t elem_size, int32_t reduction);

typedef struct {
  int32_t data_rank;
  int32_t data_shape[EG_TENSOR_MAX_RANK];
  int32_t batch_dims;
  int32_t n_tuples; /* product of the index shape without its last axis (and without batch axes) */
  int32_t tuple_len;  /* last axis of the index tensor */
  int32_t slice;      /* elements copied per tuple */
  int32_t n_batch;    /* product of the batch axes */
} eg_nd_params;

void eg_gather_nd(const eg_nd_params *p, const void *data, const void *idx, int32_t idx64, void *out,
                  int32_t elem_size);
void eg_scatter_nd(const eg_nd_params *p, const void *data, const void *idx, int32_t idx64, const void *updates,
                   void *out, int32_t type, int32_t elem_size, int32_t reduction);

/* ReverseSequence over [batch][time][inner] (or time-major when time_major != 0: [time][batch][inner]). */
void eg_reverse_sequence(const void *in, void *out, int32_t elem_size, int32_t time_major, int32_t batch,
                         int32_t time, int32_t inner, const void *lens, int32_t lens64);

/* OneHot: out[outer][depth][inner] = idx == d ? on : off (negative indices wrap by depth). */
void eg_onehot(const void *idx, int32_t idx_type, void *out, int32_t elem_size, int32_t outer, int32_t depth,
               int32_t inner, const void *off_on);

/* Float ConvTranspose, NCHW (1-D as H = 1), weights [C_in][C_out/groups][kh][kw]. */
typedef struct {
  int32_t batch, in_c, in_h, in_w, out_c, out_h, out_w, k_h, k_w;
  int32_t stride_h, stride_w, dil_h, dil_w, pad_top, pad_left, groups;
  const float *weights;
  const float *bias; /* or NULL */
} eg_convtranspose_f32_params;
void eg_convtranspose_f32(const eg_convtranspose_f32_params *p, const float *in, float *out);

/* DynamicQuantizeLinear: uint8 output, scale and zero point from the data range (including 0). */
void eg_dynamic_quantize_u8(const float *in, uint8_t *out, float *scale, uint8_t *zero_point, int32_t n);

/* QLinearAdd / QLinearMul (com.microsoft): y = q(op(dq(a), dq(b))) with broadcasting (element strides, 0 on
 * broadcast axes). Types: 0 int8, 1 uint8. op: 0 add, 1 mul. Float math, round half to even. */
typedef struct {
  int32_t rank;
  int32_t out_shape[EG_TENSOR_MAX_RANK];
  int32_t a_st[EG_TENSOR_MAX_RANK], b_st[EG_TENSOR_MAX_RANK];
  int32_t a_type, b_type, y_type;
  int32_t a_zp, b_zp, y_zp;
  float a_s, b_s, y_s;
  int32_t op;
} eg_qbinary_params;
void eg_qbinary(const eg_qbinary_params *p, const void *a, const void *b, void *y);

/* Integer conversions at uint8/int8 edges: out = in ^ 0x80 (uint8 <-> int8 with zero point shifted by 128). */
void eg_xor80(const uint8_t *in, uint8_t *out, int32_t n);

#endif
