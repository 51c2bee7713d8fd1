// Codebook weights (weight sharing): the format the runtime reads (runtime/eg_codebook.h: one
// 8-bit or packed 4-bit index per weight into a float codebook) and the values it is made from.
// passes/weight_sharing decides which layers take one and rewrites their weights to codebook
// values; the Dense/Conv emitters encode those weights here, so both count the same bytes.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace eg {
struct EmitContext;  // ops/emit_context.h
}

namespace eg::ops {

// The distinct values of `v`, by bit pattern (exact: -0.0 and 0.0 are two values), in a total
// order (ascending value, NaNs last); stops after `limit` values (returns limit + 1 then).
std::vector<float> distinct_values(std::span<const float> v, size_t limit);

struct CodebookWeights {
  std::vector<float> codebook;  // distinct_values of the weights
  std::vector<uint8_t> index;   // eg_codebook.h layout
};

// `w` (in the kernel's order) as indices into its distinct values; throws CompileError when they are
// more than 2^bits (the pass made them fit).
CodebookWeights encode_codebook(std::span<const float> w, int bits);

// Flash bytes of `elements` weights with `bits`-bit indices and a codebook of `entries` floats.
size_t codebook_bytes(int64_t elements, int bits, size_t entries);

// The index and codebook arrays of weight tensor `wname`'s values `w` (kernel order) in the
// weights blob: their C symbols (the index as `const uint8_t*`).
struct CodebookSymbols {
  std::string index, codebook;
};
CodebookSymbols add_codebook_arrays(EmitContext& ctx, std::span<const float> w, int bits, const std::string& wname);

}  // namespace eg::ops
