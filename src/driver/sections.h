// "Requested memory size by section": compiles the generated C (one object per
// .c file, flags of the target) and reads the section sizes of every object,
// so the report can show text/rodata/data/bss per module as ST Edge AI Core does.
#pragma once
#include <string>

#include "pipeline/compile.h"

namespace eg::driver {

using pipeline::Compiled;
using pipeline::SectionSizes;

// Writes c.code.files into `workdir` (a "sections" folder in it), compiles every
// .c file with arm-none-eabi-gcc (policy(optimization).c_opt_flag)
// and fills c.sections (one entry per object, sorted by name) and
// c.sections_toolchain. Without the cross compiler (or for --target host) the
// host cc/size are used and the toolchain label says so. Never throws for a
// failed compilation: c.sections stays empty and the label says why.
void measure_sections(Compiled& c, const std::string& workdir);

}  // namespace eg::driver
