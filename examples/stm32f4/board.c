#include "board.h"

/* ---- ARM semihosting (bkpt 0xab; needs a debugger, or QEMU with -semihosting) */
#define SYS_WRITE0 0x04
#define SYS_EXIT 0x18
#define SYS_EXIT_EXTENDED 0x20
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

static int semihost(int op, const void *arg) {
  register int r0 __asm__("r0") = op;
  register const void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

void board_print(const char *s) { semihost(SYS_WRITE0, s); }

void board_print_int(int32_t v) {
  char buf[12];
  int n = 11;
  uint32_t u = v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
  buf[n] = 0;
  do {
    buf[--n] = (char)('0' + u % 10u);
    u /= 10u;
  } while (u);
  if (v < 0) buf[--n] = '-';
  board_print(buf + n);
}

void board_print_hex8(uint8_t v) {
  static const char d[] = "0123456789abcdef";
  char buf[3];
  buf[0] = d[v >> 4];
  buf[1] = d[v & 15u];
  buf[2] = 0;
  board_print(buf);
}

void board_print_fixed(float v, int decimals) {
  uint32_t scale = 1, ip, fp;
  int i;
  char buf[12];
  if (v != v) {
    board_print("nan");
    return;
  }
  if (v < 0) {
    board_print("-");
    v = -v;
  }
  if (v > 2.0e9f) {
    board_print("inf");
    return;
  }
  for (i = 0; i < decimals; ++i) scale *= 10u;
  ip = (uint32_t)v;
  fp = (uint32_t)((v - (float)ip) * (float)scale + 0.5f);
  if (fp >= scale) {
    ip += 1u;
    fp -= scale;
  }
  board_print_int((int32_t)ip);
  if (decimals <= 0) return;
  board_print(".");
  for (i = decimals - 1; i >= 0; --i) {
    buf[i] = (char)('0' + fp % 10u);
    fp /= 10u;
  }
  buf[decimals] = 0;
  board_print(buf);
}

void board_exit(int status) {
  uint32_t block[2];
  block[0] = ADP_STOPPED_APPLICATION_EXIT;
  block[1] = (uint32_t)status;
  semihost(SYS_EXIT_EXTENDED, block);
  semihost(SYS_EXIT, (const void *)ADP_STOPPED_APPLICATION_EXIT);
  for (;;) __asm__ volatile("wfi");
}

/* ---- DWT cycle counter (ARMv7-M: DEMCR.TRCENA, DWT_CTRL.CYCCNTENA) */
#define DEMCR (*(volatile uint32_t *)0xE000EDFCu)
#define DWT_CTRL (*(volatile uint32_t *)0xE0001000u)
#define DWT_CYCCNT (*(volatile uint32_t *)0xE0001004u)

int board_cycles_start(void) {
  uint32_t a, b;
  volatile int spin;
  DEMCR |= 1u << 24;
  DWT_CYCCNT = 0;
  DWT_CTRL |= 1u;
  a = DWT_CYCCNT;
  for (spin = 0; spin < 8; ++spin) {
  }
  b = DWT_CYCCNT;
  return b != a;
}

uint32_t board_cycles(void) { return DWT_CYCCNT; }
