/* edgegen firmware console and exit over ARM semihosting ("bkpt 0xab"; QEMU
 * runs with -semihosting-config enable=on,target=native). Output is line
 * buffered: one SYS_WRITE0 trap per line. */
#include "egfw.h"

#define SYS_WRITE0 0x04
#define SYS_EXIT 0x18
#define SYS_EXIT_EXTENDED 0x20
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

static int egfw_semihost(int op, const void *arg) {
  register int r0 __asm__("r0") = op;
  register const void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

static char egfw_line[128];
static unsigned egfw_len;

static void egfw_flush(void) {
  if (egfw_len == 0) return;
  egfw_line[egfw_len] = 0;
  egfw_semihost(SYS_WRITE0, egfw_line);
  egfw_len = 0;
}

void egfw_putc(char c) {
  if (c == 0) return;
  egfw_line[egfw_len++] = c;
  if (c == '\n' || egfw_len == sizeof egfw_line - 1) egfw_flush();
}

void egfw_print(const char *s) {
  while (*s) egfw_putc(*s++);
}

void egfw_print_u32(uint32_t v) {
  char d[11];
  int n = 0;
  do {
    d[n++] = (char)('0' + v % 10u);
    v /= 10u;
  } while (v);
  while (n) egfw_putc(d[--n]);
}

void egfw_exit(int status) {
  uint32_t block[2];
  egfw_flush();
  block[0] = ADP_STOPPED_APPLICATION_EXIT;
  block[1] = (uint32_t)status;
  egfw_semihost(SYS_EXIT_EXTENDED, block);
  egfw_semihost(SYS_EXIT, (const void *)ADP_STOPPED_APPLICATION_EXIT);
  for (;;) {
  }
}
