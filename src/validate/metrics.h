// Error metrics between a reference and a generated output, as the ST report
// prints them.
#pragma once
#include <cstddef>
#include <optional>
#include <vector>

namespace eg::validate {

struct Metrics {
  std::optional<double> acc;      // classifiers: share of samples whose argmax agrees
  double rmse = 0, mae = 0, max_abs = 0;
  std::optional<double> max_lsb;  // quantized outputs: largest error in output steps
  std::optional<double> bitexact; // quantized outputs: share of values identical
  double l2r = 0;                 // ||ref - out|| / ||ref||
  double mean = 0, std = 0;       // of the error (out - ref)
  double nse = 0;                 // Nash-Sutcliffe efficiency
  double cos = 0;                 // cosine similarity
  size_t count = 0;
};

// ref/out: all samples concatenated; per_sample: values per sample (for acc).
// scale > 0: quantized output with that step (for LSB figures).
Metrics compute_metrics(const std::vector<double>& ref, const std::vector<double>& out, size_t per_sample,
                        bool classifier, double scale);

// Class scores (per_sample values per sample): counts[reference argmax][output argmax].
std::vector<std::vector<size_t>> confusion_matrix(const std::vector<double>& ref, const std::vector<double>& out,
                                                  size_t per_sample);

}  // namespace eg::validate
