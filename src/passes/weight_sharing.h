// --compression: weight sharing on float Dense/Conv weights. The one place that decides which
// layers read their weights from a codebook and with how many index bits; the emitters (the node
// attribute codebook_bits) and the report and validate (the WeightSharing summary) read the result.
#pragma once
#include <string>
#include <vector>

#include "ir/compression.h"
#include "ir/graph.h"
#include "passes/passes.h"

namespace eg::passes {

// One float weight tensor of the layers whose kernel can read a codebook (OpDef::codebook_weights).
struct SharedWeights {
  std::string tensor;             // the weight tensor
  std::vector<std::string> nodes; // the layers reading it
  int64_t elements = 0;
  int bits = 0;                   // index bits, 4 or 8; 0: stays float (see why)
  size_t entries = 0;             // codebook entries
  bool exact = false;             // the codebook holds the tensor's own values (no accuracy cost)
  double error = 0;               // relative weight error ||W - W'|| / ||W||
  size_t float_bytes = 0, bytes = 0;  // as float32; as indices + codebook (float_bytes when kept)
  std::string why;                // why a tensor stays float
};

struct WeightSharing {
  Compression level = Compression::None;
  std::vector<SharedWeights> tensors;  // every candidate, in execution order of its first reader
  size_t float_bytes() const;          // of the candidates, as float32
  size_t bytes() const;                // of the candidates, as compressed (kept ones as float)
  int shared() const;                  // candidates with a codebook
};

// Layers whose bytes shrink by less than this keep float weights (the codebook kernel's code and a
// second weight format are not worth less).
inline constexpr size_t kMinSharingSaving = 1024;

// Chooses the codebook of every candidate weight tensor under `level`, rewrites the tensor to the
// codebook's values (the network computes with exactly what the C will read) and sets the readers'
// attribute codebook_bits. Leaves the graph untouched for Compression::None.
WeightSharing share_weights(Graph& g, Compression level, PassLog& log);

}  // namespace eg::passes
