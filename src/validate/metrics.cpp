#include "validate/metrics.h"

#include <algorithm>
#include <cmath>

namespace eg::validate {

Metrics compute_metrics(const std::vector<double>& ref, const std::vector<double>& out, size_t per_sample,
                        bool classifier, double scale) {
  Metrics m;
  const size_t n = std::min(ref.size(), out.size());
  m.count = n;
  if (n == 0) return m;
  double se = 0, ae = 0, sum_e = 0, sum_e2 = 0, rr = 0, oo = 0, ro = 0, sum_r = 0;
  size_t exact = 0;
  for (size_t i = 0; i < n; ++i) {
    const double e = out[i] - ref[i];
    se += e * e;
    ae += std::fabs(e);
    sum_e += e;
    sum_e2 += e * e;
    m.max_abs = std::max(m.max_abs, std::fabs(e));
    rr += ref[i] * ref[i];
    oo += out[i] * out[i];
    ro += ref[i] * out[i];
    sum_r += ref[i];
    if (out[i] == ref[i]) ++exact;
  }
  m.rmse = std::sqrt(se / static_cast<double>(n));
  m.mae = ae / static_cast<double>(n);
  m.mean = sum_e / static_cast<double>(n);
  m.std = std::sqrt(std::max(0.0, sum_e2 / static_cast<double>(n) - m.mean * m.mean));
  m.l2r = rr > 0 ? std::sqrt(se) / std::sqrt(rr) : (se > 0 ? INFINITY : 0.0);
  const double mean_r = sum_r / static_cast<double>(n);
  double var = 0;
  for (size_t i = 0; i < n; ++i) var += (ref[i] - mean_r) * (ref[i] - mean_r);
  m.nse = var > 0 ? 1.0 - se / var : (se == 0 ? 1.0 : -INFINITY);
  m.cos = (rr > 0 && oo > 0) ? ro / (std::sqrt(rr) * std::sqrt(oo)) : (se == 0 ? 1.0 : 0.0);
  if (scale > 0) {
    m.max_lsb = m.max_abs / scale;
    m.bitexact = static_cast<double>(exact) / static_cast<double>(n);
  }
  if (classifier && per_sample > 1) {
    const auto cm = confusion_matrix(ref, out, per_sample);
    size_t agree = 0, samples = 0;
    for (size_t i = 0; i < cm.size(); ++i)
      for (size_t j = 0; j < cm[i].size(); ++j) {
        samples += cm[i][j];
        if (i == j) agree += cm[i][j];
      }
    if (samples) m.acc = static_cast<double>(agree) / static_cast<double>(samples);
  }
  return m;
}

std::vector<std::vector<size_t>> confusion_matrix(const std::vector<double>& ref, const std::vector<double>& out,
                                                  size_t per_sample) {
  std::vector<std::vector<size_t>> cm(per_sample, std::vector<size_t>(per_sample, 0));
  const size_t samples = per_sample ? std::min(ref.size(), out.size()) / per_sample : 0;
  for (size_t s = 0; s < samples; ++s) {
    const auto rb = ref.begin() + static_cast<long>(s * per_sample), ob = out.begin() + static_cast<long>(s * per_sample);
    const auto ri = std::max_element(rb, rb + static_cast<long>(per_sample)) - rb;
    const auto oi = std::max_element(ob, ob + static_cast<long>(per_sample)) - ob;
    ++cm[static_cast<size_t>(ri)][static_cast<size_t>(oi)];
  }
  return cm;
}

}  // namespace eg::validate
