#include "passes/weight_sharing.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>

#include "ops/codebook.h"
#include "ops/registry.h"
#include "passes/kmeans_1d.h"

namespace eg::passes {
namespace {

bool reads_codebook(const Graph& g, const Node& n) {
  const ops::OpDef* def = ops::find_op(n.op);
  return def && def->codebook_weights && def->codebook_weights(g, n);
}

double relative_error(std::span<const float> w, std::span<const float> shared) {
  double num = 0, den = 0;
  for (size_t i = 0; i < w.size(); ++i) {
    const double d = static_cast<double>(w[i]) - shared[i];
    num += d * d;
    den += static_cast<double>(w[i]) * w[i];
  }
  return den > 0 ? std::sqrt(num / den) : (num > 0 ? 1.0 : 0.0);
}

struct Choice {
  int bits = 0;
  bool exact = false;
  std::vector<float> values;  // the weights as the codebook gives them
  size_t entries = 0;
  double error = 0;
};

Choice exact_choice(const std::vector<float>& w, size_t distinct) {
  return {distinct <= 16 ? 4 : 8, true, w, distinct, 0.0};
}

Choice kmeans_choice(const std::vector<float>& w, size_t k, int bits) {
  const auto centroids = kmeans_1d(w, k);
  Choice c{bits, false, nearest_centroids(w, centroids), centroids.size(), 0.0};
  c.error = relative_error(w, c.values);
  return c;
}

// The codebook of one tensor under the level's policy (no choice: bits 0).
Choice choose(const std::vector<float>& w, const CompressionPolicy& p, bool edge_layer) {
  const auto distinct = ops::distinct_values(w, 256).size();
  bool finite = true;
  for (float v : w) finite = finite && std::isfinite(v);
  const bool four_bit_kmeans = p.lossy && finite && p.max_error_4bit > 0 && !(edge_layer && p.edge_layers_8bit);
  if (distinct <= 16) return exact_choice(w, distinct);
  if (four_bit_kmeans) {
    Choice c = kmeans_choice(w, 16, 4);
    if (c.error <= p.max_error_4bit) return c;
  }
  if (distinct <= 256) return exact_choice(w, distinct);
  if (p.lossy && finite) return kmeans_choice(w, 256, 8);
  return {};
}

std::string kib(size_t b) {
  char s[32];
  std::snprintf(s, sizeof s, "%.1f KiB", static_cast<double>(b) / 1024.0);
  return s;
}

}  // namespace

size_t WeightSharing::float_bytes() const {
  size_t b = 0;
  for (const auto& t : tensors) b += t.float_bytes;
  return b;
}

size_t WeightSharing::bytes() const {
  size_t b = 0;
  for (const auto& t : tensors) b += t.bytes;
  return b;
}

int WeightSharing::shared() const {
  int k = 0;
  for (const auto& t : tensors) k += t.bits != 0;
  return k;
}

WeightSharing share_weights(Graph& g, Compression level, PassLog& log) {
  WeightSharing out;
  out.level = level;
  const CompressionPolicy& p = compression_policy(level);
  if (!p.enabled) return out;
  // candidates: float weight tensors every reader of which has a codebook kernel
  std::vector<TensorId> order;
  std::map<TensorId, std::vector<int>> readers;
  int first = -1, last = -1;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    if (!reads_codebook(g, n)) continue;
    if (first < 0) first = static_cast<int>(i);
    last = static_cast<int>(i);
    if (!readers.count(n.inputs[1])) order.push_back(n.inputs[1]);
    readers[n.inputs[1]].push_back(static_cast<int>(i));
  }
  for (TensorId id : order) {
    Tensor& t = g.t(id);
    SharedWeights s;
    s.tensor = t.name;
    s.elements = t.elements();
    s.float_bytes = s.bytes = t.data.size();
    bool edge = false, all_readers = true;
    for (int i : readers[id]) {
      s.nodes.push_back(g.nodes[static_cast<size_t>(i)].name);
      edge = edge || i == first || i == last;
    }
    for (int c : g.consumers(id)) all_readers = all_readers && reads_codebook(g, g.nodes[static_cast<size_t>(c)]);
    if (!all_readers || g.is_graph_output(id)) {
      s.why = "also read by a layer without a codebook kernel";
      out.tensors.push_back(s);
      continue;
    }
    const std::vector<float> w = t.as_float();
    Choice c = choose(w, p, edge);
    if (c.bits == 0) {
      s.why = p.lossy ? "not finite" : "more than 256 distinct values";
    } else if (s.float_bytes < ops::codebook_bytes(s.elements, c.bits, c.entries) + kMinSharingSaving) {
      s.why = "saves less than " + kib(kMinSharingSaving);
    } else {
      s.bits = c.bits;
      s.entries = c.entries;
      s.exact = c.exact;
      s.error = c.error;
      s.bytes = ops::codebook_bytes(s.elements, c.bits, c.entries);
      std::memcpy(t.data.data(), c.values.data(), t.data.size());
      for (int i : readers[id]) g.nodes[static_cast<size_t>(i)].attrs["codebook_bits"] = int64_t{c.bits};
    }
    out.tensors.push_back(s);
  }
  if (out.tensors.empty())
    log.add(std::string("--compression ") + p.name + ": no float Dense/Conv weights (int8 weights stay as they are)");
  return out;
}

}  // namespace eg::passes
