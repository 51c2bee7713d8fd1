/* edgegen validation protocol (version 1): the frames between `edgegen validate
 * --mode target --device serial:PORT` (or tcp:HOST:PORT) and the validation
 * firmware written by `edgegen generate --validation-firmware`. Plain C99, shared
 * by the firmware and the host (the same codec on both ends). See
 * docs/validation-protocol.md.
 *
 * Frame: 0xE5 0x47 | type (1) | length (2, LE) | payload (length <= EGV_MAX_PAYLOAD)
 *        | CRC-32 (4, LE; IEEE 802.3, over type, length and payload)
 * Integers in payloads are little endian. The receiver hunts for the sync
 * bytes, drops frames with a bad length or CRC and hunts again, so garbage on
 * the line costs at most the frame it hits. */
#ifndef EGV_PROTO_H
#define EGV_PROTO_H
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EGV_PROTO_VERSION 1u
#define EGV_SYNC0 0xE5u
#define EGV_SYNC1 0x47u
#define EGV_MAX_PAYLOAD 1024u
#define EGV_HEADER_BYTES 5u /* sync, sync, type, length */
#define EGV_HASH_BYTES 16u

enum egv_frame_type {
  /* host -> board */
  EGV_HELLO = 0x01,      /* u8 protocol version */
  EGV_INPUT = 0x02,      /* u8 input, u32 offset, bytes: part of an input tensor */
  EGV_RUN = 0x03,        /* (empty): one inference on the inputs sent */
  EGV_GET_OUTPUT = 0x04, /* u8 output, u32 offset, u16 length */
  EGV_GET_LAYERS = 0x05, /* u16 first layer */
  /* board -> host */
  EGV_BOOT = 0x80,   /* unsolicited after every reset; payload as EGV_INFO */
  EGV_INFO = 0x81,   /* u8 version, u8 counter (enum egv_counter), u8 inputs, u8 outputs, u16 layers,
                        u32 cpu clock Hz, u8 hash[16], u32 input bytes[inputs], u32 output bytes[outputs] */
  EGV_ACK = 0x82,    /* u8 status (enum egv_status) */
  EGV_RESULT = 0x83, /* u8 status, u32 stai return code, u32 cycles low, u32 cycles high, u32 stack bytes used */
  EGV_OUTPUT = 0x84, /* u8 output, u32 offset, bytes */
  EGV_LAYERS = 0x85, /* u16 first, u16 count, u32 cycles[count] */
  EGV_NAK = 0xFF     /* u8 status (enum egv_status), u8 the request's type */
};

enum egv_counter { EGV_COUNTER_NONE = 0, EGV_COUNTER_DWT = 1, EGV_COUNTER_SYSTICK = 2 };

enum egv_status {
  EGV_OK = 0,
  EGV_ERR_CRC = 1,      /* a frame with a bad CRC was dropped */
  EGV_ERR_TYPE = 2,     /* unknown request */
  EGV_ERR_ARG = 3,      /* index, offset or length out of range */
  EGV_ERR_VERSION = 4,  /* the host speaks another protocol version */
  EGV_ERR_RUN = 5       /* stai_<name>_run failed */
};

/* CRC-32 (IEEE 802.3, reflected 0xEDB88320): crc = egv_crc32(0, p, n) for a whole
 * buffer, or fed in pieces: crc = egv_crc32(crc, next, n). */
uint32_t egv_crc32(uint32_t crc, const uint8_t *p, size_t n);

/* Writes a whole frame into out (EGV_HEADER_BYTES + len + 4 bytes); returns its size. */
size_t egv_frame(uint8_t *out, uint8_t type, const uint8_t *payload, uint16_t len);

/* Byte-at-a-time frame receiver. */
typedef struct {
  uint8_t state, type;
  uint16_t len, pos;
  uint8_t payload[EGV_MAX_PAYLOAD + 4]; /* + the CRC bytes */
} egv_rx;

enum egv_rx_event { EGV_RX_MORE = 0, EGV_RX_FRAME = 1, EGV_RX_BAD = -1 };

void egv_rx_reset(egv_rx *rx);
/* EGV_RX_FRAME: rx->type, rx->len, rx->payload hold a valid frame (until the next
 * byte); EGV_RX_BAD: a frame with a bad length or CRC was dropped. */
int egv_rx_byte(egv_rx *rx, uint8_t byte);

/* Little-endian field access. */
static inline void egv_put_u16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}
static inline void egv_put_u32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}
static inline uint16_t egv_get_u16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t egv_get_u32(const uint8_t *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

#ifdef __cplusplus
}
#endif
#endif
