#include "validate/validation_firmware.h"

#include <cstdio>
#include <sstream>

#include "validate/firmware_files.h"

namespace eg::validate {
namespace {

std::string upper(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

// F1/F2/F4/L1 USARTs have the SR/DR register layout, the later series ISR/RDR/TDR.
bool usart_sr_dr(std::string_view family) {
  return family == "stm32f1" || family == "stm32f2" || family == "stm32f4" || family == "stm32l1";
}

std::string hex32(uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}

}  // namespace

std::array<uint8_t, 16> network_hash(const pipeline::Compiled& c) {
  // two FNV-1a 64-bit lanes over every generated file's name and content
  uint64_t h1 = 1469598103934665603ull, h2 = 0x84222325cbf29ce4ull;
  auto add = [&](const std::string& s) {
    for (unsigned char ch : s) {
      h1 = (h1 ^ ch) * 1099511628211ull;
      h2 = (h2 ^ static_cast<unsigned char>(ch + 0x5b)) * 0x100000001b3ull;
    }
    h1 = (h1 ^ 0xffu) * 1099511628211ull;
  };
  for (const auto& [name, content] : c.code.files) {
    add(name);
    add(content);
  }
  std::array<uint8_t, 16> h{};
  for (int i = 0; i < 8; ++i) {
    h[static_cast<size_t>(i)] = static_cast<uint8_t>(h1 >> (8 * i));
    h[static_cast<size_t>(8 + i)] = static_cast<uint8_t>(h2 >> (8 * i));
  }
  return h;
}

std::map<std::string, std::string> validation_firmware_files(const pipeline::Compiled& c) {
  const std::string& n = c.options.name;
  const std::string P = "STAI_" + upper(n);
  const toolchain::Target& t = c.options.target;
  std::map<std::string, std::string> files;
  for (const auto& [name, content] : firmware_sources())
    if (name != "semihost.c") files[name] = content;  // the board answers over its UART, not semihosting

  std::ostringstream h;
  h << "/* The network behind the validation firmware (edgegen generate --validation-firmware). */\n"
    << "#ifndef EGV_NETWORK_H\n#define EGV_NETWORK_H\n#include \"" << n << ".h\"\n\n"
    << "#define EGV_FN(f) stai_" << n << "_##f\n"
    << "#define EGV_CONTEXT_TYPE stai_network\n"
    << "#define EGV_CONTEXT_SIZE " << P << "_CONTEXT_SIZE\n"
    << "#define EGV_ACTIVATIONS_NUM " << P << "_ACTIVATIONS_NUM\n"
    << "#define EGV_ACTIVATIONS_SIZES " << P << "_ACTIVATIONS_SIZES\n"
    << "/* the buffers one after the other, each 8-aligned */\n"
    << "#define EGV_ACTIVATIONS_BYTES (" << P << "_ACTIVATIONS_SIZE_BYTES + 8 * " << P << "_ACTIVATIONS_NUM)\n"
    << "#define EGV_IN_NUM " << P << "_IN_NUM\n#define EGV_OUT_NUM " << P << "_OUT_NUM\n"
    << "#define EGV_IN_BYTES {";
  for (TensorId id : c.lowered.inputs) h << c.lowered.t(id).bytes() << "u, ";
  h << "}\n#define EGV_OUT_BYTES {";
  for (TensorId id : c.lowered.outputs) h << c.lowered.t(id).bytes() << "u, ";
  h << "}\n#define EGV_NUM_LAYERS " << c.code.layers.size() << "\n#define EGV_HASH {";
  for (uint8_t b : network_hash(c)) h << hex32(b) << ", ";
  h << "}\n#ifndef EGV_CPU_HZ\n#define EGV_CPU_HZ 16000000u /* the core clock the board runs at (make CPU_HZ=...) */\n"
    << "#endif\n\n#endif\n";
  files["egv_network.h"] = h.str();
  files["egv_hooks.h"] =
      "/* Forced include of every source: the network's per-layer hooks -> the validation loop. */\n"
      "#ifndef EGV_HOOKS_H\n#define EGV_HOOKS_H\nvoid egv_layer_begin(int id);\nvoid egv_layer_end(int id);\n"
      "#define EG_LAYER_BEGIN(id) egv_layer_begin(id)\n#define EG_LAYER_END(id) egv_layer_end(id)\n#endif\n";

  const size_t flash = t.flash_bytes ? std::min<size_t>(t.flash_bytes, 1024 * 1024) : 512 * 1024;
  const size_t ram = std::min<size_t>(t.ram_bytes, 128 * 1024);
  std::ostringstream m;
  m << "# Validation firmware for " << n << " on " << t.series << " (" << toolchain::core_name(t.core)
    << "), written by edgegen generate --validation-firmware.\n"
    << "#   make                      -> " << n << "_validation.elf / .bin (flash it with your tool)\n"
    << "#   make USART_BASE=0x40011000 UART_CLOCK_HZ=16000000 BAUD=115200 CPU_HZ=16000000\n"
    << "# Memories default to the start of the flash and of the SRAM at 0x20000000: set FLASH_SIZE and\n"
    << "# RAM_SIZE (bytes) for your part. egv_board_stm32.c: the UART and the cycle counter; its weak\n"
    << "# egv_board_pins() enables the USART's clock and pins (Nucleo-64 USART2 on STM32F4 with PINS=nucleo).\n"
    << "CC = arm-none-eabi-gcc\nOBJCOPY = arm-none-eabi-objcopy\n"
    << "CPUFLAGS = " << t.cflags() << "\n"
    << "OPT ?= " << policy(c.options.optimization).c_opt_flag << "\n"
    << "FLASH_ORIGIN ?= 0x08000000\nFLASH_SIZE ?= " << hex32(flash) << "\n"
    << "RAM_ORIGIN ?= 0x20000000\nRAM_SIZE ?= " << hex32(ram) << "\n"
    << "USART_BASE ?= 0x40004400\nUART_CLOCK_HZ ?= 16000000\nBAUD ?= 115200\nCPU_HZ ?= $(UART_CLOCK_HZ)\n"
    << "PINS ?= " << (t.family == "stm32f4" ? "nucleo" : "none") << "\n"
    << "BUILD ?= build\nOUT = $(BUILD)/" << n << "_validation\n\n"
    << "DEFS = -DEGV_USART_BASE=$(USART_BASE)u -DEGV_UART_CLOCK_HZ=$(UART_CLOCK_HZ)u -DEGV_BAUD=$(BAUD)u \\\n"
    << "       -DEGV_CPU_HZ=$(CPU_HZ)u -DEGV_USART_SR_DR=" << (usart_sr_dr(t.family) ? 1 : 0) << "\n"
    << "ifeq ($(PINS),nucleo)\nDEFS += -DEGV_NUCLEO_F4_USART2\nendif\n"
    << "CFLAGS = $(CPUFLAGS) $(OPT) -std=c99 -Wall -Wextra -ffunction-sections -fdata-sections -I. "
       "-include egv_hooks.h $(DEFS)\n"
    << "LDFLAGS = $(CPUFLAGS) -nostartfiles --specs=nano.specs -T link.ld -Wl,--gc-sections \\\n"
    << "  -Wl,--defsym=__egfw_flash_origin=$(FLASH_ORIGIN),--defsym=__egfw_flash_size=$(FLASH_SIZE) \\\n"
    << "  -Wl,--defsym=__egfw_ram_origin=$(RAM_ORIGIN),--defsym=__egfw_ram_size=$(RAM_SIZE),"
       "--defsym=__egfw_min_stack=0x1000\n"
    << "SRCS = $(filter-out semihost.c,$(wildcard *.c))\n\n"
    << "all: $(OUT).bin\n\n"
    << "$(OUT).elf: $(SRCS) $(wildcard *.h) link.ld\n\t@mkdir -p $(BUILD)\n"
    << "\t$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(SRCS) -Wl,--start-group -lc -lm -lgcc -Wl,--end-group\n\n"
    << "$(OUT).bin: $(OUT).elf\n\t$(OBJCOPY) -O binary $< $@\n\n"
    << "clean:\n\trm -rf $(BUILD)\n\n.PHONY: all clean\n";
  files["Makefile"] = m.str();
  return files;
}

}  // namespace eg::validate
