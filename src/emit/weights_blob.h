// The weights as one relocatable blob: every const array is a member of one struct
// (<name>__weights_t, network_data.c), and the layers read them through the context's weights
// pointer (stai_<name>_set_weights moves them to RAM or external memory at run time; the default
// is the flash blob).
#pragma once
#include <string>
#include <vector>

#include "ops/emit_context.h"

namespace eg::emit {

struct WeightsBlob {
  struct Member {
    const ConstArray* array = nullptr;  // nullptr: padding
    size_t offset = 0, bytes = 0;
  };
  std::vector<Member> members;
  size_t bytes = 0;      // sizeof(<name>__weights_t)
  size_t alignment = 4;  // of the blob (each array starts at a multiple of max(4, element size))
};

WeightsBlob layout_weights(const std::vector<ConstArray>& arrays);

// One C layer's code before relocation: its hook lines, statements and the parameter
// declarations (ctx.decls[decl_first, decl_last)) its emit function added.
struct LayerCode {
  std::string begin, end;
  std::vector<std::string> lines;  // indented statements (guarded by `if` for run-time branches)
  size_t decl_first = 0, decl_last = 0;
};

// The forward pass body: each layer's statements with array symbols read through `weights_ptr`,
// and the parameter declarations that point into the weights moved into their layer as locals
// (built at run time from the current weights pointer); the others are returned in file_decls.
std::vector<std::string> relocate_layers(const std::vector<LayerCode>& layers, const std::vector<std::string>& decls,
                                         const std::vector<ConstArray>& arrays, const std::string& name,
                                         const std::string& weights_ptr, std::vector<std::string>& file_decls);

// network_data.h / .c: the blob's struct type and its const definition.
std::string weights_header(const WeightsBlob& blob, const std::string& name, const std::string& P);
std::string weights_source(const WeightsBlob& blob, const std::string& name);

}  // namespace eg::emit
