/* edgegen validation firmware: the loop behind `edgegen validate --mode target
 * --device serial:PORT`. Receives inputs, runs the network, returns outputs,
 * the cycles of the run and of each layer, and the stack high-water mark, in
 * the frames of egv_proto.h. egv_network.h (generated) names the network. */
#include <string.h>

#include "egv_board.h"
#include "egv_network.h"
#include "egv_proto.h"

extern uint32_t __bss_end__, __stack_top__;

static STAI_ALIGNED(8) uint8_t egv_act[EGV_ACTIVATIONS_BYTES];
static const uint32_t egv_act_sizes[EGV_ACTIVATIONS_NUM] = EGV_ACTIVATIONS_SIZES;
static STAI_ALIGNED(8) EGV_CONTEXT_TYPE egv_ctx[EGV_CONTEXT_SIZE];
static stai_ptr egv_in[EGV_IN_NUM], egv_out[EGV_OUT_NUM];
static const uint32_t egv_in_bytes[EGV_IN_NUM] = EGV_IN_BYTES;
static const uint32_t egv_out_bytes[EGV_OUT_NUM] = EGV_OUT_BYTES;
static const uint8_t egv_hash[EGV_HASH_BYTES] = EGV_HASH;
static uint32_t egv_layer_cycles[EGV_NUM_LAYERS > 0 ? EGV_NUM_LAYERS : 1], egv_layer_start;
static egv_rx egv_rx_state;
static uint8_t egv_tx[EGV_MAX_PAYLOAD];

/* EG_LAYER_BEGIN/END of network.c (egv_hooks.h) */
void egv_layer_begin(int id) {
  (void)id;
  egv_layer_start = egv_cycles();
}
void egv_layer_end(int id) {
  if (id >= 0 && id < EGV_NUM_LAYERS) egv_layer_cycles[id] += egv_cycles() - egv_layer_start;
}

static void egv_send(uint8_t type, const uint8_t *payload, uint16_t len) {
  uint8_t head[EGV_HEADER_BYTES];
  uint8_t crc_bytes[4];
  uint16_t i;
  uint32_t crc;
  head[0] = EGV_SYNC0;
  head[1] = EGV_SYNC1;
  head[2] = type;
  egv_put_u16(head + 3, len);
  crc = egv_crc32(egv_crc32(0, head + 2, 3), payload, len);
  egv_put_u32(crc_bytes, crc);
  for (i = 0; i < EGV_HEADER_BYTES; ++i) egv_uart_putc(head[i]);
  for (i = 0; i < len; ++i) egv_uart_putc(payload[i]);
  for (i = 0; i < 4; ++i) egv_uart_putc(crc_bytes[i]);
}

static void egv_status(uint8_t type, uint8_t status, uint8_t request) {
  uint8_t p[2];
  p[0] = status;
  p[1] = request;
  egv_send(type, p, type == EGV_ACK ? 1 : 2);
}

static void egv_send_info(uint8_t type) {
  uint8_t *p = egv_tx;
  int k;
  p[0] = EGV_PROTO_VERSION;
  p[1] = egv_counter_kind();
  p[2] = EGV_IN_NUM;
  p[3] = EGV_OUT_NUM;
  egv_put_u16(p + 4, EGV_NUM_LAYERS);
  egv_put_u32(p + 6, EGV_CPU_HZ);
  memcpy(p + 10, egv_hash, EGV_HASH_BYTES);
  p += 10 + EGV_HASH_BYTES;
  for (k = 0; k < EGV_IN_NUM; ++k, p += 4) egv_put_u32(p, egv_in_bytes[k]);
  for (k = 0; k < EGV_OUT_NUM; ++k, p += 4) egv_put_u32(p, egv_out_bytes[k]);
  egv_send(type, egv_tx, (uint16_t)(p - egv_tx));
}

/* Fills the free stack below the current stack pointer with a pattern; the
 * lowest overwritten word after a run gives the high-water mark. */
#define EGV_PAINT 0xA5C3A5C3u
static void egv_paint_stack(void) {
  uint32_t *p = &__bss_end__;
  uint32_t *sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  while (p + 16 < sp) *p++ = EGV_PAINT;
}
static uint32_t egv_stack_used(void) {
  const uint32_t *p = &__bss_end__;
  while (p < &__stack_top__ && *p == EGV_PAINT) ++p;
  return (uint32_t)((const uint8_t *)&__stack_top__ - (const uint8_t *)p);
}

static void egv_run(void) {
  uint8_t *p = egv_tx;
  uint32_t t0, t1, stack;
  stai_return_code rc;
  int i;
  for (i = 0; i < EGV_NUM_LAYERS; ++i) egv_layer_cycles[i] = 0;
  egv_paint_stack();
  t0 = egv_cycles();
  rc = EGV_FN(run)(egv_ctx, STAI_MODE_SYNC);
  t1 = egv_cycles();
  stack = egv_stack_used();
  p[0] = rc == STAI_SUCCESS ? EGV_OK : EGV_ERR_RUN;
  egv_put_u32(p + 1, (uint32_t)rc);
  egv_put_u32(p + 5, t1 - t0);
  egv_put_u32(p + 9, 0);
  egv_put_u32(p + 13, stack);
  egv_send(EGV_RESULT, egv_tx, 17);
}

static void egv_handle(const egv_rx *rx) {
  const uint8_t *a = rx->payload;
  switch (rx->type) {
    case EGV_HELLO:
      if (rx->len < 1 || a[0] != EGV_PROTO_VERSION) {
        egv_status(EGV_NAK, EGV_ERR_VERSION, rx->type);
        return;
      }
      egv_send_info(EGV_INFO);
      return;
    case EGV_INPUT: {
      uint32_t k, off, n;
      if (rx->len < 5) break;
      k = a[0], off = egv_get_u32(a + 1), n = rx->len - 5u;
      if (k >= EGV_IN_NUM || off > egv_in_bytes[k] || n > egv_in_bytes[k] - off) break;
      memcpy((uint8_t *)egv_in[k] + off, a + 5, n);
      egv_status(EGV_ACK, EGV_OK, rx->type);
      return;
    }
    case EGV_RUN:
      egv_run();
      return;
    case EGV_GET_OUTPUT: {
      uint32_t k, off, n;
      if (rx->len < 7) break;
      k = a[0], off = egv_get_u32(a + 1), n = egv_get_u16(a + 5);
      if (k >= EGV_OUT_NUM || off > egv_out_bytes[k] || n > egv_out_bytes[k] - off || n > EGV_MAX_PAYLOAD - 5u) break;
      egv_tx[0] = (uint8_t)k;
      egv_put_u32(egv_tx + 1, off);
      memcpy(egv_tx + 5, (const uint8_t *)egv_out[k] + off, n);
      egv_send(EGV_OUTPUT, egv_tx, (uint16_t)(5u + n));
      return;
    }
    case EGV_GET_LAYERS: {
      uint32_t first, count, i;
      if (rx->len < 2) break;
      first = egv_get_u16(a);
      if (first > EGV_NUM_LAYERS) break;
      count = EGV_NUM_LAYERS - first;
      if (count > (EGV_MAX_PAYLOAD - 4u) / 4u) count = (EGV_MAX_PAYLOAD - 4u) / 4u;
      egv_put_u16(egv_tx, (uint16_t)first);
      egv_put_u16(egv_tx + 2, (uint16_t)count);
      for (i = 0; i < count; ++i) egv_put_u32(egv_tx + 4 + 4 * i, egv_layer_cycles[first + i]);
      egv_send(EGV_LAYERS, egv_tx, (uint16_t)(4u + 4u * count));
      return;
    }
    default:
      egv_status(EGV_NAK, EGV_ERR_TYPE, rx->type);
      return;
  }
  egv_status(EGV_NAK, EGV_ERR_ARG, rx->type);
}

int main(void) {
  stai_ptr act[EGV_ACTIVATIONS_NUM];
  stai_size n = 0;
  uint32_t at = 0, k;
  egv_board_init();
  for (k = 0; k < EGV_ACTIVATIONS_NUM; ++k) { /* one buffer per memory-pool region */
    act[k] = egv_act + at;
    at += (egv_act_sizes[k] + 7u) & ~7u;
  }
  if (EGV_FN(init)(egv_ctx) != STAI_SUCCESS || EGV_FN(set_activations)(egv_ctx, act, EGV_ACTIVATIONS_NUM) != STAI_SUCCESS ||
      EGV_FN(get_inputs)(egv_ctx, egv_in, &n) != STAI_SUCCESS ||
      EGV_FN(get_outputs)(egv_ctx, egv_out, &n) != STAI_SUCCESS)
    egv_board_reset();
  egv_rx_reset(&egv_rx_state);
  egv_send_info(EGV_BOOT);
  for (;;) {
    const int ev = egv_rx_byte(&egv_rx_state, (uint8_t)egv_uart_getc());
    if (ev == EGV_RX_FRAME) egv_handle(&egv_rx_state);
    else if (ev == EGV_RX_BAD) egv_status(EGV_NAK, EGV_ERR_CRC, 0);
  }
}
