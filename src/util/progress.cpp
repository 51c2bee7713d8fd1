#include "util/progress.h"

#include <unistd.h>

#include <cstdio>

namespace eg::util {

ProgressLine::ProgressLine(std::string label, bool enabled)
    : label_(std::move(label)), active_(enabled && isatty(STDERR_FILENO) == 1) {}

ProgressLine::~ProgressLine() { clear(); }

void ProgressLine::clear() {
  if (shown_) std::fputs("\r\033[K", stderr);
  shown_ = false;
}

void ProgressLine::show(const std::string& phase, size_t done, size_t total) {
  if (!active_) return;
  std::fprintf(stderr, "\r\033[K%s: %s %zu/%zu", label_.c_str(), phase.c_str(), done, total);
  std::fflush(stderr);
  shown_ = true;
}

}  // namespace eg::util
