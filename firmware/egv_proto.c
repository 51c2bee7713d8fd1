/* edgegen validation protocol: CRC-32, frame writer and receiver (egv_proto.h). */
#include "egv_proto.h"

#include <string.h>

enum { RX_SYNC0, RX_SYNC1, RX_TYPE, RX_LEN0, RX_LEN1, RX_BODY };

uint32_t egv_crc32(uint32_t crc, const uint8_t *p, size_t n) {
  size_t i;
  int b;
  crc = ~crc;
  for (i = 0; i < n; ++i) {
    crc ^= p[i];
    for (b = 0; b < 8; ++b) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

size_t egv_frame(uint8_t *out, uint8_t type, const uint8_t *payload, uint16_t len) {
  out[0] = EGV_SYNC0;
  out[1] = EGV_SYNC1;
  out[2] = type;
  egv_put_u16(out + 3, len);
  if (len) memcpy(out + EGV_HEADER_BYTES, payload, len);
  egv_put_u32(out + EGV_HEADER_BYTES + len, egv_crc32(0, out + 2, 3u + len));
  return EGV_HEADER_BYTES + len + 4u;
}

void egv_rx_reset(egv_rx *rx) { rx->state = RX_SYNC0; }

int egv_rx_byte(egv_rx *rx, uint8_t byte) {
  switch (rx->state) {
    case RX_SYNC0:
      if (byte == EGV_SYNC0) rx->state = RX_SYNC1;
      return EGV_RX_MORE;
    case RX_SYNC1:
      rx->state = byte == EGV_SYNC1 ? RX_TYPE : byte == EGV_SYNC0 ? RX_SYNC1 : RX_SYNC0;
      return EGV_RX_MORE;
    case RX_TYPE:
      rx->type = byte;
      rx->state = RX_LEN0;
      return EGV_RX_MORE;
    case RX_LEN0:
      rx->len = byte;
      rx->state = RX_LEN1;
      return EGV_RX_MORE;
    case RX_LEN1:
      rx->len = (uint16_t)(rx->len | (byte << 8));
      rx->pos = 0;
      if (rx->len > EGV_MAX_PAYLOAD) {
        rx->state = RX_SYNC0;
        return EGV_RX_BAD;
      }
      rx->state = RX_BODY;
      return EGV_RX_MORE;
    default: {
      uint8_t head[3];
      rx->payload[rx->pos++] = byte;
      if (rx->pos < rx->len + 4u) return EGV_RX_MORE;
      rx->state = RX_SYNC0;
      head[0] = rx->type;
      egv_put_u16(head + 1, rx->len);
      if (egv_crc32(egv_crc32(0, head, 3), rx->payload, rx->len) != egv_get_u32(rx->payload + rx->len))
        return EGV_RX_BAD;
      return EGV_RX_FRAME;
    }
  }
}
