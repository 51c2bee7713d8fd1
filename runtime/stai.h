/* edgegen runtime: the st-ai style types used by generated network headers,
 * so applications written against that API compile unchanged. */
#ifndef EG_STAI_H
#define EG_STAI_H
#include <stdint.h>
#include <stddef.h>

typedef void *stai_ptr;
typedef int32_t stai_size;

typedef enum {
  STAI_SUCCESS = 0x000000,
  STAI_ERROR_GENERIC = 0x020000,
  STAI_ERROR_NETWORK_INVALID_API_ARGUMENTS = 0x020001,
  STAI_ERROR_NETWORK_INVALID_CONTEXT_HANDLE = 0x030000,
  STAI_ERROR_NETWORK_INVALID_CONTEXT_SIZE = 0x030001,
  STAI_ERROR_NETWORK_INVALID_CONTEXT_ALIGNMENT = 0x030002,
  STAI_ERROR_NETWORK_INVALID_ACTIVATIONS_PTR = 0x030006,
  STAI_ERROR_NETWORK_INVALID_ACTIVATIONS_NUM = 0x030007,
  STAI_ERROR_NETWORK_INVALID_IN_PTR = 0x03000a,
  STAI_ERROR_NETWORK_INVALID_IN_NUM = 0x03000b,
  STAI_ERROR_NETWORK_INVALID_OUT_PTR = 0x03000c,
  STAI_ERROR_NETWORK_INVALID_OUT_NUM = 0x03000d,
  STAI_ERROR_NETWORK_INVALID_RUNMODE = 0x030011
} stai_return_code;

typedef enum { STAI_MODE_SYNC = 0x0, STAI_MODE_ASYNC = 0x1 } stai_run_mode;

typedef enum {
  STAI_FORMAT_NONE = 0,
  STAI_FORMAT_FLOAT32 = 1,
  STAI_FORMAT_S8 = 2,
  STAI_FORMAT_U8 = 3,
  STAI_FORMAT_S16 = 4,
  STAI_FORMAT_U16 = 5,
  STAI_FORMAT_S32 = 6,
  STAI_FORMAT_S64 = 7,
  STAI_FORMAT_BOOL = 8
} stai_format;

#if defined(__GNUC__) || defined(__clang__)
#define STAI_ALIGNED(x) __attribute__((aligned(x)))
#else
#define STAI_ALIGNED(x)
#endif

#endif
