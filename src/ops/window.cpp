#include "ops/window.h"

#include "ops/common.h"

namespace eg::ops {

Window window_geometry(const Graph& g, const Node& n, const std::vector<int64_t>& in,
                       const std::vector<int64_t>& kernel, bool ceil_mode) {
  const size_t r = in.size();
  Window w;
  w.kernel = kernel;
  w.strides = n.attr_ints("strides", std::vector<int64_t>(r, 1));
  w.dilations = n.attr_ints("dilations", std::vector<int64_t>(r, 1));
  auto pads = n.attr_ints("pads", std::vector<int64_t>(2 * r, 0));
  if (w.strides.size() != r || w.dilations.size() != r || pads.size() != 2 * r || kernel.size() != r)
    bad(g, n, "strides/dilations/pads/kernel do not match the input rank");
  const std::string auto_pad = n.attr_string("auto_pad", "NOTSET");
  if (auto_pad != "NOTSET" && auto_pad != "SAME_UPPER" && auto_pad != "SAME_LOWER" && auto_pad != "VALID")
    bad(g, n, "auto_pad '" + auto_pad + "' is not NOTSET, SAME_UPPER, SAME_LOWER or VALID");
  // every attribute bounded, so the geometry below cannot overflow
  for (size_t i = 0; i < r; ++i) {
    if (kernel[i] < 1 || kernel[i] > kMaxDim) bad(g, n, "kernel size " + std::to_string(kernel[i]) + " is not 1..2^31-1");
    if (w.strides[i] < 1 || w.strides[i] > kMaxDim || w.dilations[i] < 1 || w.dilations[i] > kMaxDim)
      bad(g, n, "strides and dilations must be 1..2^31-1");
  }
  for (int64_t p : pads)
    if (p < 0 || p > kMaxDim) bad(g, n, "pad " + std::to_string(p) + " is not 0..2^31-1");
  w.pad_begin.assign(pads.begin(), pads.begin() + static_cast<long>(r));
  w.pad_end.assign(pads.begin() + static_cast<long>(r), pads.end());
  w.out.resize(r);
  for (size_t i = 0; i < r; ++i) {
    const int64_t ek = w.dilations[i] * (kernel[i] - 1) + 1;  // < 2^62
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      const int64_t o = (in[i] + w.strides[i] - 1) / w.strides[i];
      const int64_t total = std::max<int64_t>(0, (o - 1) * w.strides[i] + ek - in[i]);
      const int64_t small = total / 2, big = total - small;
      w.pad_begin[i] = auto_pad == "SAME_UPPER" ? small : big;
      w.pad_end[i] = auto_pad == "SAME_UPPER" ? big : small;
      w.out[i] = o;
      continue;
    }
    if (auto_pad == "VALID") w.pad_begin[i] = w.pad_end[i] = 0;
    const int64_t span = in[i] + w.pad_begin[i] + w.pad_end[i] - ek;
    if (span < 0) bad(g, n, "kernel larger than the padded input");
    w.out[i] = (ceil_mode ? (span + w.strides[i] - 1) / w.strides[i] : span / w.strides[i]) + 1;
    // ONNX: with ceil_mode the last window must start inside the input or left padding
    if (ceil_mode && (w.out[i] - 1) * w.strides[i] >= in[i] + w.pad_begin[i]) --w.out[i];
  }
  return w;
}

}  // namespace eg::ops
