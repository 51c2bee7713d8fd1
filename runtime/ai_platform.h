/* ai_platform.h: types and macros of ST Edge AI Core's legacy embedded client API (the
 * ai_<name>_* functions of a network generated with --c-api legacy). Written for edgegen from
 * the API's public documentation: the names, fields and values an application uses are the
 * documented ones; the generated ai_<name>_* functions are a thin layer over the st-ai ones.
 * Plain C99 (no anonymous unions), also valid C++. */
#ifndef AI_PLATFORM_H
#define AI_PLATFORM_H

#include <stddef.h>
#include <stdint.h>
#ifndef __cplusplus
#include <stdbool.h>
#endif

#ifdef __cplusplus
#define AI_API_DECLARE_BEGIN extern "C" {
#define AI_API_DECLARE_END }
#else
#define AI_API_DECLARE_BEGIN
#define AI_API_DECLARE_END
#endif
#define AI_API_ENTRY
#define AI_DEPRECATED
#define AI_LEGACY

#if defined(__GNUC__) || defined(__clang__)
#define AI_ALIGNED(x) __attribute__((aligned(x)))
#else
#define AI_ALIGNED(x)
#endif

#define AI_VERSION(major_, minor_, micro_) (((major_) << 24) | ((minor_) << 16) | ((micro_) << 8))
#define AI_PLATFORM_API_MAJOR 1
#define AI_PLATFORM_API_MINOR 2
#define AI_PLATFORM_API_MICRO 0

AI_API_DECLARE_BEGIN

typedef void *ai_handle;
typedef const void *ai_handle_const;
typedef float ai_float;
typedef double ai_double;
typedef bool ai_bool;
typedef char ai_char;
typedef uint32_t ai_size;
typedef uintptr_t ai_uptr;
typedef unsigned int ai_uint;
typedef int ai_int;
typedef uint8_t ai_u8;
typedef uint16_t ai_u16;
typedef uint32_t ai_u32;
typedef uint64_t ai_u64;
typedef int8_t ai_i8;
typedef int16_t ai_i16;
typedef int32_t ai_i32;
typedef int64_t ai_i64;
typedef uint64_t ai_macc;
typedef uint32_t ai_flags;
typedef uint32_t ai_signature;
typedef uint32_t ai_shape_dimension;
typedef int32_t ai_buffer_format;

#define AI_HANDLE_PTR(ptr_) ((ai_handle)(ptr_))
#define AI_HANDLE_NULL AI_HANDLE_PTR(NULL)
#define AI_FLAG_NONE (0x0)
#define AI_UNUSED(x) (void)(x);
#define AI_MAGIC_SIGNATURE (0xa1facadeu)

/* ---- buffer formats: bit 24 complex, bit 23 sign, bits 17..20 type, bits 7..13 bits, bits 0..6
 * fractional bits + 64; flags above bit 24 */
#define AI_BUFFER_FMT_TYPE_NONE (0x0)
#define AI_BUFFER_FMT_TYPE_FLOAT (0x1)
#define AI_BUFFER_FMT_TYPE_Q (0x2)
#define AI_BUFFER_FMT_TYPE_BOOL (0x3)
#define AI_BUFFER_FMT_MASK (0x01FFFFFF)
#define AI_BUFFER_FMT_FLAG_CONST (0x1 << 30)
#define AI_BUFFER_FMT_FLAG_STATIC (0x1 << 29)
#define AI_BUFFER_FMT_FLAG_IS_IO (0x1 << 27)

#define AI_BUFFER_FMT_OBJ(fmt_) ((ai_buffer_format)(fmt_))
#define AI_BUFFER_FMT_UNPACK(fmt_, mask_, bits_) ((AI_BUFFER_FMT_OBJ(fmt_) >> (bits_)) & (mask_))
#define AI_BUFFER_FMT_GET_FLOAT(fmt_) AI_BUFFER_FMT_UNPACK(fmt_, 0x1, 24)
#define AI_BUFFER_FMT_GET_SIGN(fmt_) AI_BUFFER_FMT_UNPACK(fmt_, 0x1, 23)
#define AI_BUFFER_FMT_GET_TYPE(fmt_) AI_BUFFER_FMT_UNPACK(fmt_, 0xF, 17)
#define AI_BUFFER_FMT_GET_BITS(fmt_) AI_BUFFER_FMT_UNPACK(fmt_, 0x7F, 7)
#define AI_BUFFER_FMT_GET_FBITS(fmt_) ((ai_i8)AI_BUFFER_FMT_UNPACK(fmt_, 0x7F, 0) - 64)
#define AI_BUFFER_FMT_SET(type_id_, sign_bit_, float_bit_, bits_, fbits_)                                    \
  AI_BUFFER_FMT_OBJ((((float_bit_) & 0x1) << 24) | (((sign_bit_) & 0x1) << 23) | (((type_id_) & 0xF) << 17) | \
                    (((bits_) & 0x7F) << 7) | ((((fbits_) + 64) & 0x7F)))
#define AI_BUFFER_FMT_GET(fmt_) (AI_BUFFER_FMT_OBJ(fmt_) & AI_BUFFER_FMT_MASK)
#define AI_BUFFER_FMT_SAME(fmt1_, fmt2_) (AI_BUFFER_FMT_GET(fmt1_) == AI_BUFFER_FMT_GET(fmt2_))
#define AI_BUFFER_FORMAT(buf_) AI_BUFFER_FMT_GET((buf_)->format)

enum {
  AI_BUFFER_FORMAT_NONE = AI_BUFFER_FMT_SET(AI_BUFFER_FMT_TYPE_NONE, 0, 0, 0, 0),
  AI_BUFFER_FORMAT_FLOAT = AI_BUFFER_FMT_SET(AI_BUFFER_FMT_TYPE_FLOAT, 1, 0, 32, 0),
  AI_BUFFER_FORMAT_U8 = AI_BUFFER_FMT_SET(AI_BUFFER_FMT_TYPE_Q, 0, 0, 8, 0),
  AI_BUFFER_FORMAT_U16 = AI_BUFFER_FMT_SET(AI_BUFFER_FMT_TYPE_Q, 0, 0, 16, 0),
  AI_BUFFER_FORMAT_U32 = AI_BUFFER_FMT_SET(AI_BUFFER_FMT_TYPE_Q, 0, 0, 32, 0),
  AI_BUFFER_FORMAT_S8 = AI_BUFFER_FMT_SET(AI_BUFFER_FMT_TYPE_Q, 1, 0, 8, 0),
  AI_BUFFER_FORMAT_S16 = AI_BUFFER_FMT_SET(AI_BUFFER_FMT_TYPE_Q, 1, 0, 16, 0),
  AI_BUFFER_FORMAT_S32 = AI_BUFFER_FMT_SET(AI_BUFFER_FMT_TYPE_Q, 1, 0, 32, 0),
  AI_BUFFER_FORMAT_S64 = AI_BUFFER_FMT_SET(AI_BUFFER_FMT_TYPE_Q, 1, 0, 64, 0),
  AI_BUFFER_FORMAT_Q7 = AI_BUFFER_FMT_SET(AI_BUFFER_FMT_TYPE_Q, 1, 0, 8, 7),
  AI_BUFFER_FORMAT_Q15 = AI_BUFFER_FMT_SET(AI_BUFFER_FMT_TYPE_Q, 1, 0, 16, 15),
  AI_BUFFER_FORMAT_BOOL = AI_BUFFER_FMT_SET(AI_BUFFER_FMT_TYPE_BOOL, 0, 0, 8, 0)
};

/* ---- shapes: positions in ai_buffer_shape.data (the BCWH order) */
#define AI_SHAPE_BCWH (0x01u)
#define AI_SHAPE_BATCH (0x0)
#define AI_SHAPE_CHANNEL (0x1)
#define AI_SHAPE_WIDTH (0x2)
#define AI_SHAPE_HEIGHT (0x3)
#define AI_SHAPE_DEPTH (0x4)
#define AI_SHAPE_EXTENSION (0x5)

/* ---- errors */
typedef struct {
  unsigned int type : 8; /* ai_error_type */
  unsigned int code : 24; /* ai_error_code */
} ai_error;

typedef enum {
  AI_ERROR_NONE = 0x00,
  AI_ERROR_TOOL_PLATFORM_API_MISMATCH = 0x01,
  AI_ERROR_TYPES_MISMATCH = 0x02,
  AI_ERROR_INVALID_HANDLE = 0x10,
  AI_ERROR_INVALID_STATE = 0x11,
  AI_ERROR_INVALID_INPUT = 0x12,
  AI_ERROR_INVALID_OUTPUT = 0x13,
  AI_ERROR_INVALID_PARAM = 0x14,
  AI_ERROR_INVALID_SIGNATURE = 0x15,
  AI_ERROR_INVALID_SIZE = 0x16,
  AI_ERROR_INVALID_VALUE = 0x17,
  AI_ERROR_INIT_FAILED = 0x30,
  AI_ERROR_ALLOCATION_FAILED = 0x31,
  AI_ERROR_DEALLOCATION_FAILED = 0x32,
  AI_ERROR_CREATE_FAILED = 0x33
} ai_error_type;

typedef enum {
  AI_ERROR_CODE_NONE = 0x0000,
  AI_ERROR_CODE_NETWORK = 0x0010,
  AI_ERROR_CODE_NETWORK_PARAMS = 0x0011,
  AI_ERROR_CODE_NETWORK_WEIGHTS = 0x0012,
  AI_ERROR_CODE_NETWORK_ACTIVATIONS = 0x0013,
  AI_ERROR_CODE_LAYER = 0x0014,
  AI_ERROR_CODE_TENSOR = 0x0015,
  AI_ERROR_CODE_ARRAY = 0x0016,
  AI_ERROR_CODE_INVALID_PTR = 0x0017,
  AI_ERROR_CODE_INVALID_SIZE = 0x0018,
  AI_ERROR_CODE_INVALID_FORMAT = 0x0019,
  AI_ERROR_CODE_OUT_OF_RANGE = 0x0020,
  AI_ERROR_CODE_INVALID_BATCH = 0x0021,
  AI_ERROR_CODE_MISSED_INIT = 0x0030,
  AI_ERROR_CODE_IN_USE = 0x0040,
  AI_ERROR_CODE_LOCK = 0x0041
} ai_error_code;

/* ---- buffers */
#define AI_BUFFER_META_HAS_INTQ_INFO (0x1u << 0)
#define AI_BUFFER_META_FLAG_SCALE_FLOAT (0x1u << 0)
#define AI_BUFFER_META_FLAG_ZEROPOINT_U8 (0x1u << 1)
#define AI_BUFFER_META_FLAG_ZEROPOINT_S8 (0x1u << 2)

/* One quantization: scale[k] and zeropoint[k] (ai_i8 or ai_u8, as the list's flags say) per
 * channel; size 1 for a per-tensor quantization. */
typedef struct {
  const ai_float *scale;
  const void *zeropoint;
} ai_intq_info;

typedef struct {
  ai_u16 flags;
  ai_u16 size;
  const ai_intq_info *info;
} ai_intq_info_list;

typedef struct {
  ai_u32 flags;
  const ai_intq_info_list *intq_info;
} ai_buffer_meta_info;

typedef struct {
  unsigned int type : 8;  /* AI_SHAPE_BCWH */
  unsigned int size : 24; /* number of dims in data */
  ai_shape_dimension *data;
} ai_buffer_shape;

typedef struct {
  ai_buffer_format format;
  ai_handle data;                 /* the tensor's bytes */
  ai_buffer_meta_info *meta_info; /* quantization (NULL for float tensors) */
  ai_flags flags;
  ai_size size;                   /* elements of one batch item */
  ai_buffer_shape shape;
} ai_buffer;

typedef struct {
  ai_u16 flags;
  ai_u16 size;
  ai_buffer *buffer;
} ai_buffer_array;

typedef struct {
  ai_u8 major, minor, micro, reserved;
} ai_platform_version;

/* The buffers ai_<name>_init binds: weights and activations, one ai_buffer each. */
typedef struct {
  ai_signature map_signature;
  ai_buffer_array map_weights;
  ai_buffer_array map_activations;
} ai_network_params;

typedef struct {
  const char *model_name;
  const char *model_signature;
  const char *model_datetime;
  const char *compile_datetime;
  const char *runtime_revision;
  ai_platform_version runtime_version;
  const char *tool_revision;
  ai_platform_version tool_version;
  ai_platform_version tool_api_version;
  ai_platform_version api_version;
  ai_platform_version interface_api_version;
  ai_macc n_macc;
  ai_u16 n_inputs;
  ai_u16 n_outputs;
  ai_buffer *inputs;
  ai_buffer *outputs;
  ai_signature map_signature;
  ai_buffer_array map_weights;
  ai_buffer_array map_activations;
  ai_u32 n_nodes;
  ai_signature signature;
} ai_network_report;

#define AI_BUFFER_DATA(buf_, type_) ((type_ *)((buf_)->data))
#define AI_BUFFER_META_INFO(buf_) ((buf_)->meta_info)
#define AI_BUFFER_META_INFO_INTQ(meta_) \
  (((meta_) && ((meta_)->flags & AI_BUFFER_META_HAS_INTQ_INFO)) ? (meta_)->intq_info : NULL)
#define AI_BUFFER_META_INFO_INTQ_GET_SIZE(meta_) ai_buffer_meta_intq_size(meta_)
#define AI_BUFFER_META_INFO_INTQ_GET_SCALE(meta_, pos_) ai_buffer_meta_intq_scale(meta_, pos_)
#define AI_BUFFER_META_INFO_INTQ_GET_ZEROPOINT(meta_, pos_) ai_buffer_meta_intq_zeropoint(meta_, pos_)
#define AI_BUFFER_SIZE(buf_) ai_buffer_get_size(buf_, true)
#define AI_BUFFER_SIZE_UNPAD(buf_) ai_buffer_get_size(buf_, false)
#define AI_BUFFER_BYTE_SIZE(count_, fmt_) ai_buffer_get_byte_size(count_, fmt_)
#define AI_BUFFER_FLAGS(buf_) ai_buffer_flags(buf_)
#define AI_BUFFER_SHAPE_SIZE(buf_) ai_buffer_shape_size(buf_)
#define AI_BUFFER_SHAPE_TYPE(buf_) ai_buffer_shape_type(buf_)
#define AI_BUFFER_SHAPE_ELEM(buf_, pos_) ai_buffer_shape_elem(buf_, pos_)
#define AI_BUFFER_SET_SHAPE_ELEM(buf_, pos_, value_) ((buf_)->shape.data[pos_] = (value_))
#define AI_BUFFER_N_BATCHES(buf_) AI_BUFFER_SHAPE_ELEM(buf_, AI_SHAPE_BATCH)
#define AI_BUFFER_CHANNELS(buf_) AI_BUFFER_SHAPE_ELEM(buf_, AI_SHAPE_CHANNEL)
#define AI_BUFFER_WIDTH(buf_) AI_BUFFER_SHAPE_ELEM(buf_, AI_SHAPE_WIDTH)
#define AI_BUFFER_HEIGHT(buf_) AI_BUFFER_SHAPE_ELEM(buf_, AI_SHAPE_HEIGHT)
#define AI_BUFFER_ARRAY_SANE(arr_) ai_buffer_array_sane(arr_)
#define AI_BUFFER_ARRAY_SIZE(arr_) (AI_BUFFER_ARRAY_SANE(arr_) ? (arr_)->size : 0)
#define AI_BUFFER_ARRAY_ITEM(arr_, pos_) (AI_BUFFER_ARRAY_SANE(arr_) ? ((arr_)->buffer + (pos_)) : NULL)
#define AI_BUFFER_ARRAY_ITEM_SET_ADDRESS(arr_, pos_, address_) ai_buffer_array_item_set_address(arr_, pos_, address_)

/* Elements of the buffer: its size times its batches (AI_SHAPE_BATCH; 1 without a shape). */
ai_size ai_buffer_get_size(const ai_buffer *buffer, const ai_bool with_padding);
/* Bytes of `count` elements of format `fmt`. */
ai_size ai_buffer_get_byte_size(const ai_size count, const ai_buffer_format fmt);
ai_bool ai_buffer_array_sane(const ai_buffer_array *barray);
ai_bool ai_buffer_array_is_empty(const ai_buffer_array *barray);
ai_bool ai_buffer_array_is_valid(const ai_buffer_array *barray);
ai_size ai_buffer_array_get_byte_size(const ai_buffer_array *barray);
ai_bool ai_buffer_array_item_set_address(ai_buffer_array *barray, const ai_u32 pos, ai_handle address);
/* A buffer's flags and shape (0 for a NULL buffer or a position past its shape). */
ai_flags ai_buffer_flags(const ai_buffer *buffer);
ai_u32 ai_buffer_shape_size(const ai_buffer *buffer);
ai_u32 ai_buffer_shape_type(const ai_buffer *buffer);
ai_shape_dimension ai_buffer_shape_elem(const ai_buffer *buffer, const ai_u32 pos);
/* The quantization of a buffer's meta info (0 entries, scale 0 and zero point 0 without one). */
ai_u16 ai_buffer_meta_intq_size(const ai_buffer_meta_info *meta);
ai_float ai_buffer_meta_intq_scale(const ai_buffer_meta_info *meta, const ai_u32 pos);
ai_i32 ai_buffer_meta_intq_zeropoint(const ai_buffer_meta_info *meta, const ai_u32 pos);

AI_API_DECLARE_END

#endif
