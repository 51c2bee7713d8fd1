#include "passes/kmeans_1d.h"

#include <algorithm>
#include <cmath>

namespace eg::passes {

std::vector<float> kmeans_1d(std::span<const float> values, size_t k) {
  std::vector<double> s(values.begin(), values.end());
  std::sort(s.begin(), s.end());
  const size_t n = s.size();
  if (n == 0 || k == 0) return {};
  std::vector<double> prefix(n + 1, 0.0);
  for (size_t i = 0; i < n; ++i) prefix[i + 1] = prefix[i] + s[i];
  std::vector<double> c(k);
  const double lo = s.front(), hi = s.back();
  for (size_t i = 0; i < k; ++i) {
    const double q = s[std::min(n - 1, static_cast<size_t>((static_cast<double>(i) + 0.5) * static_cast<double>(n) /
                                                             static_cast<double>(k)))];
    const double u = lo + (static_cast<double>(i) + 0.5) * (hi - lo) / static_cast<double>(k);
    c[i] = (q + u) / 2;
  }
  std::vector<size_t> start(k + 1);
  for (int iter = 0; iter < 64; ++iter) {
    // cluster i holds the sorted values in [start[i], start[i + 1]): below the midpoint to the next
    start[0] = 0;
    start[k] = n;
    for (size_t i = 1; i < k; ++i) {
      const double mid = (c[i - 1] + c[i]) / 2;
      start[i] = static_cast<size_t>(std::lower_bound(s.begin(), s.end(), mid) - s.begin());
      start[i] = std::max(start[i], start[i - 1]);
    }
    bool moved = false;
    for (size_t i = 0; i < k; ++i) {
      if (start[i + 1] == start[i]) continue;  // empty: keeps its place
      const double m = (prefix[start[i + 1]] - prefix[start[i]]) / static_cast<double>(start[i + 1] - start[i]);
      moved = moved || m != c[i];
      c[i] = m;
    }
    if (!moved) break;
  }
  std::vector<float> out;
  for (double v : c) out.push_back(static_cast<float>(v));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<float> nearest_centroids(std::span<const float> values, std::span<const float> centroids) {
  std::vector<float> out;
  out.reserve(values.size());
  for (float v : values) {
    auto it = std::lower_bound(centroids.begin(), centroids.end(), v);
    float best = it == centroids.end() ? centroids.back() : *it;
    if (it != centroids.begin()) {
      const float below = *(it - 1);
      if (std::fabs(static_cast<double>(v) - below) <= std::fabs(static_cast<double>(best) - v)) best = below;
    }
    out.push_back(best);
  }
  return out;
}

}  // namespace eg::passes
