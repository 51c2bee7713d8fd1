/* edgegen firmware support for validate --mode target on emulated Cortex-M
 * machines (QEMU): console output and exit through semihosting, and region
 * markers for the m4cycles instruction-counting plugin.
 *
 * Markers: three 32-bit Thumb-2 unallocated hints (0xF3AF80B1 begin / 0xF3AF80B2
 * end, then 0xF3AF8040 | 6 bits of the id, twice), which ARMv7-M and ARMv8-M
 * execute as NOPs. ARMv6-M (Cortex-M0/M0+) has no such encoding: there the
 * markers are empty and the instruction count comes from whole runs. */
#ifndef EGFW_H
#define EGFW_H
#include <stdint.h>

void egfw_putc(char c);
void egfw_print(const char *s);
void egfw_print_u32(uint32_t v);
void egfw_exit(int status) __attribute__((noreturn));

#define EGFW_EXIT_FAULT 100

#if defined(__ARM_ARCH_6M__)
#define EGFW_MARK(kind, id) ((void)0)
#else
#define EGFW_MARK(kind, id)                                        \
  __asm__ volatile(".inst.w 0xf3af8000 | %c0\n\t"                   \
                   ".inst.w 0xf3af8040 | ((%c1 >> 6) & 63)\n\t"     \
                   ".inst.w 0xf3af8040 | (%c1 & 63)" ::"i"(kind), \
                   "i"(id)                                          \
                   : "memory")
#endif
#define EGFW_BEGIN(id) EGFW_MARK(0xB1, id)
#define EGFW_END(id) EGFW_MARK(0xB2, id)

#endif
