/* edgegen runtime: the st-ai types, codes and runtime calls that generated network headers use.
 * Names, values and layouts follow ST Edge AI Core's public st-ai API, so applications written
 * against that API compile unchanged. Identical in every generated folder: an application with
 * several networks compiles one copy. */
#ifndef STAI_H
#define STAI_H
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define STAI_API_DECLARE_BEGIN extern "C" {
#define STAI_API_DECLARE_END }
#else
#define STAI_API_DECLARE_BEGIN
#define STAI_API_DECLARE_END
#endif

#define STAI_API_ENTRY
#define STAI_PACK(...) __VA_ARGS__
#define STAI_UNUSED(x) (void)(x);

#if defined(__GNUC__) || defined(__clang__)
#define STAI_ALIGNED(x) __attribute__((aligned(x)))
#else
#define STAI_ALIGNED(x)
#endif

/* Declares a network context: STAI_NETWORK_CONTEXT_DECLARE(ctx, STAI_<NAME>_CONTEXT_SIZE). */
#define STAI_NETWORK_CONTEXT_DECLARE(_context_name, _context_size) \
  STAI_ALIGNED(8) stai_network _context_name[_context_size] = {0};

#define STAI_API_VERSION_MAJOR 1
#define STAI_API_VERSION_MINOR 0
#define STAI_API_VERSION_MICRO 0

/* A format packs: sign (bit 23), type (bits 17-20), bits incl. sign (bits 7-13), fractional
 * bits + 64 (bits 0-6). */
typedef enum { STAI_FORMAT_TYPE_NONE = 0, STAI_FORMAT_TYPE_FLOAT = 1, STAI_FORMAT_TYPE_Q = 2, STAI_FORMAT_TYPE_BOOL = 3 } stai_format_type;
#define STAI_FORMAT_GET_TYPE(format) ((stai_format_type)(((format) >> 17) & 0xF))
#define STAI_FORMAT_GET_SIGN(format) (((format) >> 23) & 0x1)
#define STAI_FORMAT_GET_BITS(format) (((format) >> 7) & 0x7F)
#define STAI_FORMAT_GET_FBITS(format) ((((format) >> 0) & 0x7F) - 64)
#define STAI_FORMAT_GET_IBITS(format) \
  (STAI_FORMAT_GET_BITS(format) - STAI_FORMAT_GET_FBITS(format) - STAI_FORMAT_GET_SIGN(format))
#define STAI_FORMAT_ENCODE_(type, sign, bits, fbits) \
  (((sign) << 23) | ((type) << 17) | ((bits) << 7) | (((fbits) + 64) & 0x7F))

typedef enum {
  STAI_FORMAT_NONE = STAI_FORMAT_ENCODE_(0, 0, 0, 0),
  STAI_FORMAT_FLOAT32 = STAI_FORMAT_ENCODE_(1, 1, 32, 0),
  STAI_FORMAT_FLOAT64 = STAI_FORMAT_ENCODE_(1, 1, 64, 0),
  STAI_FORMAT_U1 = STAI_FORMAT_ENCODE_(2, 0, 1, 0),
  STAI_FORMAT_U8 = STAI_FORMAT_ENCODE_(2, 0, 8, 0),
  STAI_FORMAT_U16 = STAI_FORMAT_ENCODE_(2, 0, 16, 0),
  STAI_FORMAT_U32 = STAI_FORMAT_ENCODE_(2, 0, 32, 0),
  STAI_FORMAT_U64 = STAI_FORMAT_ENCODE_(2, 0, 64, 0),
  STAI_FORMAT_S1 = STAI_FORMAT_ENCODE_(2, 1, 1, 0),
  STAI_FORMAT_S8 = STAI_FORMAT_ENCODE_(2, 1, 8, 0),
  STAI_FORMAT_S16 = STAI_FORMAT_ENCODE_(2, 1, 16, 0),
  STAI_FORMAT_S32 = STAI_FORMAT_ENCODE_(2, 1, 32, 0),
  STAI_FORMAT_S64 = STAI_FORMAT_ENCODE_(2, 1, 64, 0),
  STAI_FORMAT_Q = STAI_FORMAT_ENCODE_(2, 1, 0, 0),
  STAI_FORMAT_Q7 = STAI_FORMAT_ENCODE_(2, 1, 8, 7),
  STAI_FORMAT_Q15 = STAI_FORMAT_ENCODE_(2, 1, 16, 15),
  STAI_FORMAT_UQ = STAI_FORMAT_ENCODE_(2, 0, 0, 0),
  STAI_FORMAT_UQ7 = STAI_FORMAT_ENCODE_(2, 0, 8, 7),
  STAI_FORMAT_UQ15 = STAI_FORMAT_ENCODE_(2, 0, 16, 15),
  STAI_FORMAT_BOOL = STAI_FORMAT_ENCODE_(3, 0, 8, 0)
} stai_format;

/* Buffer and tensor flags. */
#define STAI_FLAG_NONE (0x0)
#define STAI_FLAG_PREALLOCATED (0x1 << 0) /* the network provides the buffer (in its activations) */
#define STAI_FLAG_INDIRECT (0x1 << 1)
#define STAI_FLAG_REPLACEABLE (0x1 << 2)  /* the application may set its own buffer */
#define STAI_FLAG_OVERRIDE (0x1 << 3)     /* the network may overwrite the buffer's content */
#define STAI_FLAG_CHANNEL_FIRST (0x1 << 6)
#define STAI_FLAG_CHANNEL_LAST (0x1 << 7)
#define STAI_FLAG_HAS_BATCH (0x1 << 8)
/* Network flags: which buffers the network allocates itself. */
#define STAI_FLAG_ACTIVATIONS (0x1 << 26)
#define STAI_FLAG_INPUTS (0x1 << 27)
#define STAI_FLAG_OUTPUTS (0x1 << 28)
#define STAI_FLAG_STATES (0x1 << 29)
#define STAI_FLAG_WEIGHTS (0x1 << 30)

STAI_API_DECLARE_BEGIN

/* Codes >= STAI_ERROR_GENERIC are errors; a context keeps the first one (get_error). */
typedef enum {
  STAI_SUCCESS = 0x000000,
  STAI_RUNNING_NO_WFE = 0x000010,
  STAI_RUNNING_WFE = 0x000011,
  STAI_DONE = 0x000012,
  STAI_ERROR_GENERIC = 0x020000,
  STAI_ERROR_NETWORK_INVALID_API_ARGUMENTS = 0x020001,
  STAI_ERROR_NETWORK_INVALID_CONTEXT_HANDLE = 0x030000,
  STAI_ERROR_NETWORK_INVALID_CONTEXT_SIZE = 0x030001,
  STAI_ERROR_NETWORK_INVALID_CONTEXT_ALIGNMENT = 0x030002,
  STAI_ERROR_NETWORK_INVALID_INFO = 0x030010,
  STAI_ERROR_NETWORK_INVALID_RUN = 0x030020,
  STAI_ERROR_NETWORK_INVALID_RUNTIME = 0x030030,
  STAI_ERROR_NETWORK_INVALID_ACTIVATIONS_PTR = 0x040000,
  STAI_ERROR_NETWORK_INVALID_ACTIVATIONS_NUM = 0x040001,
  STAI_ERROR_NETWORK_INVALID_IN_PTR = 0x040010,
  STAI_ERROR_NETWORK_INVALID_IN_NUM = 0x040011,
  STAI_ERROR_NETWORK_INVALID_OUT_PTR = 0x040020,
  STAI_ERROR_NETWORK_INVALID_OUT_NUM = 0x040021,
  STAI_ERROR_NETWORK_INVALID_STATES_PTR = 0x040030,
  STAI_ERROR_NETWORK_INVALID_STATES_NUM = 0x040031,
  STAI_ERROR_NETWORK_INVALID_WEIGHTS_PTR = 0x040040,
  STAI_ERROR_NETWORK_INVALID_WEIGHTS_NUM = 0x040041,
  STAI_ERROR_NETWORK_INVALID_CALLBACK = 0x040050,
  STAI_ERROR_NOT_IMPLEMENTED = 0x040060,
  STAI_ERROR_INVALID_BUFFER_ALIGNMENT = 0x040070,
  STAI_ERROR_NETWORK_STILL_RUNNING = 0x050000,
  STAI_ERROR_STAI_INIT_FAILED = 0x060000,
  STAI_ERROR_STAI_DEINIT_FAILED = 0x060001
} stai_return_code;
/* edgegen's earlier name of STAI_ERROR_NETWORK_INVALID_RUN */
#define STAI_ERROR_NETWORK_INVALID_RUNMODE STAI_ERROR_NETWORK_INVALID_RUN

typedef enum { STAI_MODE_SYNC = 0x01, STAI_MODE_ASYNC = 0x02 } stai_run_mode;

typedef int32_t stai_flags;
/* A network context is an opaque byte array the application allocates (CONTEXT_SIZE bytes,
 * CONTEXT_ALIGNMENT aligned): the same type for every network, whatever its name. */
typedef uint8_t stai_network;
typedef uint8_t *stai_ptr;
typedef uint32_t stai_size;
typedef int32_t stai_pbits;

typedef struct { stai_size size; stai_ptr const *data; } stai_array_const_ptr;
typedef struct { stai_size size; stai_ptr *data; } stai_array_ptr;
typedef struct { stai_size size; const float *data; } stai_array_f32;
typedef struct { stai_size size; const int8_t *data; } stai_array_s8;
typedef struct { stai_size size; const uint8_t *data; } stai_array_u8;
typedef struct { stai_size size; const int16_t *data; } stai_array_s16;
typedef struct { stai_size size; const uint16_t *data; } stai_array_u16;
typedef struct { stai_size size; const int32_t *data; } stai_array_s32;
typedef struct { stai_size size; const uint32_t *data; } stai_array_u32;

typedef struct { uint8_t major, minor, micro, reserved; } stai_version;
typedef stai_array_s32 stai_shape;

typedef struct {
  stai_size size;
  uintptr_t address;
  stai_flags flags;
} stai_buffer;

/* One tensor of the network (input, output, activations, weights or states buffer). */
typedef struct {
  stai_size size_bytes;
  stai_flags flags;
  stai_format format;
  stai_shape shape;
  stai_array_f32 scale;     /* empty unless quantized */
  stai_array_s16 zeropoint;
  const char *name;
} stai_tensor;

/* What stai_<name>_get_info() returns. */
typedef struct {
  const char *model_signature;
  const char *c_compile_datetime;
  const char *c_model_name;
  const char *c_model_datetime;
  uint32_t c_model_signature;
  stai_version runtime_version;
  stai_version tool_version;
  stai_version api_version;
  uint64_t n_macc;
  uint32_t n_nodes;
  int32_t flags;
  uint16_t n_inputs;
  uint16_t n_outputs;
  uint16_t n_activations;
  uint16_t n_weights;
  uint16_t n_states;
  const stai_tensor *inputs;
  const stai_tensor *outputs;
  const stai_tensor *activations;
  const stai_tensor *weights;
  const stai_tensor *states;
} stai_network_info;

/* network_details.h: per-node description. */
typedef struct {
  const int32_t id;
  const int16_t type;
  const stai_array_s32 input_tensors;
  const stai_array_s32 output_tensors;
} stai_node_details;

typedef struct {
  const stai_tensor *const tensors;
  const stai_node_details *const nodes;
  const uint32_t n_nodes;
} stai_network_details;

typedef enum {
  STAI_COMPILER_ID_NONE = 0x00,
  STAI_COMPILER_ID_GCC = 0x01,
  STAI_COMPILER_ID_GHS = 0x10,
  STAI_COMPILER_ID_HIGHTECH = 0x20,
  STAI_COMPILER_ID_IAR = 0x30,
  STAI_COMPILER_ID_KEIL = 0x40,
  STAI_COMPILER_ID_KEIL_AC6 = 0x50
} stai_compiler_id;

typedef struct {
  stai_version api_version;
  stai_version runtime_version;
  stai_version tools_version;
  uint32_t runtime_build;
  stai_compiler_id compiler_id;
  const char *compiler_desc;
} stai_runtime_info;

/* Events: a network callback (stai_<name>_set_callback) receives them; see stai_events.h. */
#define STAI_EVENT_NONE (0x00)
typedef int32_t stai_event_type;
typedef void (*stai_event_cb)(void *cb_cookie, const stai_event_type event_type, const void *event_payload);

/* Runtime calls (stai_runtime.c). The runtime has no global state: init/deinit only check it. */
stai_return_code stai_runtime_init(void);
stai_return_code stai_runtime_deinit(void);
stai_return_code stai_runtime_get_info(stai_runtime_info *info);
/* Runtime-level events do not exist on a Cortex-M core (no accelerator): the callback is accepted
 * and never called. Per-layer events come from stai_<name>_set_callback. */
stai_return_code stai_runtime_set_callback(const stai_event_cb cb, void *cb_cookie);
/* The stai_format of a type, sign, bit width and fractional bits. */
stai_format stai_init_format(const stai_format_type type, const int8_t sign, const int32_t bits, const int32_t fbits);

STAI_API_DECLARE_END

#endif
