#include "ops/codebook.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "ops/emit_context.h"
#include "util/error.h"

namespace eg::ops {
namespace {

uint32_t bits_of(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

// IEEE-754 total order of the bit patterns (negative values reversed below positive ones).
uint32_t order_key(uint32_t u) { return (u & 0x80000000u) ? ~u : u | 0x80000000u; }

}  // namespace

std::vector<float> distinct_values(std::span<const float> v, size_t limit) {
  std::vector<uint32_t> keys;
  for (float f : v) {
    const uint32_t k = order_key(bits_of(f));
    auto it = std::lower_bound(keys.begin(), keys.end(), k);
    if (it != keys.end() && *it == k) continue;
    keys.insert(it, k);
    if (keys.size() > limit) break;
  }
  std::vector<float> out;
  for (uint32_t k : keys) {
    const uint32_t u = (k & 0x80000000u) ? k & 0x7fffffffu : ~k;
    float f;
    std::memcpy(&f, &u, 4);
    out.push_back(f);
  }
  return out;
}

CodebookWeights encode_codebook(std::span<const float> w, int bits) {
  const size_t entries = size_t{1} << bits;
  CodebookWeights c;
  c.codebook = distinct_values(w, entries);
  if ((bits != 4 && bits != 8) || c.codebook.size() > entries)
    throw CompileError("internal: " + std::to_string(c.codebook.size()) + " weight values for " + std::to_string(bits) +
                       "-bit codebook indices");
  std::vector<uint32_t> keys;
  for (float f : c.codebook) keys.push_back(order_key(bits_of(f)));
  c.index.assign(static_cast<size_t>(codebook_bytes(static_cast<int64_t>(w.size()), bits, 0)), 0);
  for (size_t j = 0; j < w.size(); ++j) {
    const auto at = static_cast<uint8_t>(std::lower_bound(keys.begin(), keys.end(), order_key(bits_of(w[j]))) - keys.begin());
    if (bits == 8) c.index[j] = at;
    else c.index[j / 2] |= static_cast<uint8_t>(at << (j % 2 * 4));
  }
  return c;
}

size_t codebook_bytes(int64_t elements, int bits, size_t entries) {
  return static_cast<size_t>((elements * bits + 7) / 8) + entries * sizeof(float);
}

CodebookSymbols add_codebook_arrays(EmitContext& ctx, std::span<const float> w, int bits, const std::string& wname) {
  const CodebookWeights c = encode_codebook(w, bits);
  const std::string base = ctx.tensor_symbol(wname);
  CodebookSymbols s;
  s.index = ctx.add_array(base + "_idx" + std::to_string(bits),
                          make_const(wname, DType::U8, {static_cast<int64_t>(c.index.size())}, c.index), wname);
  s.codebook = ctx.add_array(base + "_codebook",
                             make_const(wname, DType::F32, {static_cast<int64_t>(c.codebook.size())}, c.codebook), wname);
  return s;
}

}  // namespace eg::ops
