// --compression as a value: ST's five levels and one table of what each means in edgegen (weight
// sharing on float Dense/Conv weights, passes/weight_sharing.cpp reads the row). A level is defined
// here once; README's "Coming from ST Edge AI Core" table and ARCHITECTURE.md describe the same rows.
#pragma once
#include <optional>
#include <span>
#include <string_view>

namespace eg {

enum class Compression { None, Lossless, Low, Medium, High };

struct CompressionPolicy {
  Compression level;
  const char* name;  // as on the command line and in the report
  bool enabled;      // false: every weight stays float
  // false: only exact codebooks (a layer with at most 256 distinct weight values: the network's
  // outputs are bit-identical); true: k-means codebooks (weight sharing, an accuracy cost).
  bool lossy;
  // Largest relative weight error ||W - W'|| / ||W|| a layer may take from a 16-entry k-means
  // codebook (4-bit indices); a layer above it takes 256 entries (8-bit). 0: never 4-bit k-means.
  double max_error_4bit;
  // The first and the last compute layer (those that touch the network's input and output, the most
  // sensitive) keep 8-bit indices.
  bool edge_layers_8bit;
};

const CompressionPolicy& compression_policy(Compression level);
std::span<const CompressionPolicy> all_compressions();
inline const char* compression_name(Compression level) { return compression_policy(level).name; }
std::optional<Compression> parse_compression(std::string_view name);

}  // namespace eg
