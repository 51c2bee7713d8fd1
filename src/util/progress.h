// A one-line progress display on stderr ("edgegen: validate: reference interpreter 3/10"),
// rewritten in place; only when stderr is a terminal and the user did not ask for quiet.
#pragma once
#include <cstddef>
#include <string>

namespace eg::util {

class ProgressLine {
 public:
  // enabled: verbosity > 0 and not --quiet; the display also needs stderr to be a terminal.
  ProgressLine(std::string label, bool enabled);
  ~ProgressLine();  // clears the line
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  void show(const std::string& phase, size_t done, size_t total);
  void clear();
  bool active() const { return active_; }

 private:
  std::string label_;
  bool active_ = false;
  bool shown_ = false;
};

}  // namespace eg::util
