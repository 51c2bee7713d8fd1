#include "ir/compression.h"

#include <array>

namespace eg {
namespace {

constexpr std::array<CompressionPolicy, 5> kLevels{{
    {.level = Compression::None, .name = "none", .enabled = false, .lossy = false, .max_error_4bit = 0,
     .edge_layers_8bit = false},
    {.level = Compression::Lossless, .name = "lossless", .enabled = true, .lossy = false, .max_error_4bit = 0,
     .edge_layers_8bit = false},
    {.level = Compression::Low, .name = "low", .enabled = true, .lossy = true, .max_error_4bit = 0,
     .edge_layers_8bit = true},
    // a bell-shaped layer takes ~10% from 16 centroids (Lloyd-Max: Gaussian 9.7%, Laplacian 12.4%)
    {.level = Compression::Medium, .name = "medium", .enabled = true, .lossy = true, .max_error_4bit = 0.15,
     .edge_layers_8bit = true},
    {.level = Compression::High, .name = "high", .enabled = true, .lossy = true, .max_error_4bit = 0.30,
     .edge_layers_8bit = false},
}};
static_assert(kLevels[0].level == Compression::None && kLevels[1].level == Compression::Lossless &&
                  kLevels[2].level == Compression::Low && kLevels[3].level == Compression::Medium &&
                  kLevels[4].level == Compression::High,
              "compression_policy(level) indexes the table by the enum");

}  // namespace

const CompressionPolicy& compression_policy(Compression level) { return kLevels[static_cast<size_t>(level)]; }

std::span<const CompressionPolicy> all_compressions() { return kLevels; }

std::optional<Compression> parse_compression(std::string_view name) {
  for (const auto& p : kLevels)
    if (name == p.name) return p.level;
  return std::nullopt;
}

}  // namespace eg
