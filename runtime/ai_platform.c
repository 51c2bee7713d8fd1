/* ai_platform.c: the buffer helpers of the legacy client API (ai_platform.h). */
#include "ai_platform.h"

ai_flags ai_buffer_flags(const ai_buffer *buffer) { return buffer ? buffer->flags : 0u; }
ai_u32 ai_buffer_shape_size(const ai_buffer *buffer) { return buffer ? (ai_u32)buffer->shape.size : 0u; }
ai_u32 ai_buffer_shape_type(const ai_buffer *buffer) { return buffer ? (ai_u32)buffer->shape.type : 0u; }

ai_shape_dimension ai_buffer_shape_elem(const ai_buffer *buffer, const ai_u32 pos) {
  return pos < ai_buffer_shape_size(buffer) && buffer->shape.data ? buffer->shape.data[pos] : 0u;
}

ai_size ai_buffer_get_size(const ai_buffer *buffer, const ai_bool with_padding) {
  ai_size batches;
  (void)with_padding; /* edgegen's buffers carry no padding */
  if (buffer == NULL) return 0;
  batches = ai_buffer_shape_size(buffer) > AI_SHAPE_BATCH ? ai_buffer_shape_elem(buffer, AI_SHAPE_BATCH) : 1u;
  return buffer->size * (batches ? batches : 1u);
}

ai_size ai_buffer_get_byte_size(const ai_size count, const ai_buffer_format fmt) {
  const ai_u32 bits = (ai_u32)AI_BUFFER_FMT_GET_BITS(fmt);
  return (ai_size)(((uint64_t)count * bits + 7u) / 8u);
}

ai_bool ai_buffer_array_sane(const ai_buffer_array *barray) {
  return barray != NULL && barray->buffer != NULL && barray->size > 0;
}

ai_bool ai_buffer_array_is_empty(const ai_buffer_array *barray) {
  return barray == NULL || barray->buffer == NULL || barray->size == 0;
}

ai_bool ai_buffer_array_is_valid(const ai_buffer_array *barray) {
  ai_u16 k;
  if (!ai_buffer_array_sane(barray)) return false;
  for (k = 0; k < barray->size; ++k)
    if (barray->buffer[k].data == NULL) return false;
  return true;
}

ai_size ai_buffer_array_get_byte_size(const ai_buffer_array *barray) {
  ai_size bytes = 0;
  ai_u16 k;
  if (!ai_buffer_array_sane(barray)) return 0;
  for (k = 0; k < barray->size; ++k)
    bytes += ai_buffer_get_byte_size(ai_buffer_get_size(&barray->buffer[k], true), barray->buffer[k].format);
  return bytes;
}

ai_bool ai_buffer_array_item_set_address(ai_buffer_array *barray, const ai_u32 pos, ai_handle address) {
  if (!ai_buffer_array_sane(barray) || pos >= barray->size) return false;
  barray->buffer[pos].data = address;
  return true;
}

static const ai_intq_info_list *intq_of(const ai_buffer_meta_info *meta) {
  if (meta == NULL || !(meta->flags & AI_BUFFER_META_HAS_INTQ_INFO) || meta->intq_info == NULL ||
      meta->intq_info->info == NULL)
    return NULL;
  return meta->intq_info;
}

ai_u16 ai_buffer_meta_intq_size(const ai_buffer_meta_info *meta) {
  const ai_intq_info_list *q = intq_of(meta);
  return q ? q->size : 0;
}

ai_float ai_buffer_meta_intq_scale(const ai_buffer_meta_info *meta, const ai_u32 pos) {
  const ai_intq_info_list *q = intq_of(meta);
  return q && pos < q->size ? q->info->scale[pos] : 0.0f;
}

ai_i32 ai_buffer_meta_intq_zeropoint(const ai_buffer_meta_info *meta, const ai_u32 pos) {
  const ai_intq_info_list *q = intq_of(meta);
  if (q == NULL || pos >= q->size || q->info->zeropoint == NULL) return 0;
  if (q->flags & AI_BUFFER_META_FLAG_ZEROPOINT_U8) return ((const ai_u8 *)q->info->zeropoint)[pos];
  return ((const ai_i8 *)q->info->zeropoint)[pos];
}
