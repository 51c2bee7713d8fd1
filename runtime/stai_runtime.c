/* edgegen runtime: st-ai's runtime-level calls. Nothing to set up on a Cortex-M core and no global
 * state (several networks share this file); the versions say what the generated code follows. */
#include "stai.h"

stai_return_code stai_runtime_init(void) { return STAI_SUCCESS; }

stai_return_code stai_runtime_deinit(void) { return STAI_SUCCESS; }

stai_return_code stai_runtime_get_info(stai_runtime_info *info) {
  const stai_version api = {STAI_API_VERSION_MAJOR, STAI_API_VERSION_MINOR, STAI_API_VERSION_MICRO, 0};
  const stai_version runtime = {1, 0, 0, 0};
  if (info == NULL) return STAI_ERROR_NETWORK_INVALID_API_ARGUMENTS;
  info->api_version = api;
  info->runtime_version = runtime;
  info->tools_version = runtime;
  info->runtime_build = 0;
#if defined(__GNUC__) || defined(__clang__)
  info->compiler_id = STAI_COMPILER_ID_GCC;
#else
  info->compiler_id = STAI_COMPILER_ID_NONE;
#endif
  info->compiler_desc = "edgegen portable C99 runtime";
  return STAI_SUCCESS;
}

stai_return_code stai_runtime_set_callback(const stai_event_cb cb, void *cb_cookie) {
  (void)cb;
  (void)cb_cookie;
  return STAI_SUCCESS;
}

stai_format stai_init_format(const stai_format_type type, const int8_t sign, const int32_t bits, const int32_t fbits) {
  const uint32_t f = ((uint32_t)(sign != 0) << 23) | (((uint32_t)type & 0xFu) << 17) | (((uint32_t)bits & 0x7Fu) << 7) |
                     ((uint32_t)(fbits + 64) & 0x7Fu);
  return (stai_format)f;
}
