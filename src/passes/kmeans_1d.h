// Deterministic 1-D k-means (Lloyd) for weight sharing: the same values give the same centroids on
// every run and host (fixed initialization, fixed iteration cap, double sums in a fixed order).
#pragma once
#include <span>
#include <vector>

namespace eg::passes {

// At most k centroids (ascending, distinct floats) for finite `values` with more than k distinct
// values. Initialization: each centroid halfway between the value's (i + 1/2)/k quantile and the
// (i + 1/2)/k point of [min, max] (quantiles alone crowd the centre of a bell-shaped layer, the even
// grid its tails); then at most 64 Lloyd iterations on the sorted values with prefix sums.
std::vector<float> kmeans_1d(std::span<const float> values, size_t k);

// Each value replaced by its nearest centroid (the lower one on a tie); centroids ascending.
std::vector<float> nearest_centroids(std::span<const float> values, std::span<const float> centroids);

}  // namespace eg::passes
