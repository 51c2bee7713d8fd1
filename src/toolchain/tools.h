// Running the tools a validation or a size measurement needs: finding them on
// PATH, quoting their arguments for /bin/sh, running a command with a time limit.
#pragma once
#include <string>

namespace eg::toolchain {

// The full path of `exe` on $PATH (or `exe` itself when it holds a '/' and is
// executable); "" when not found.
std::string find_tool(const std::string& exe);

// `s` in single quotes for /bin/sh.
std::string quote(const std::string& s);

struct CommandResult {
  int status = -1;         // exit status; 128 + N for signal N; -1 when it could not start
  bool timed_out = false;  // killed (its whole process group) after the time limit
  std::string output;      // stdout and stderr, interleaved
  bool ok() const { return status == 0 && !timed_out; }
};

// Runs `cmd` with /bin/sh -c in its own process group; stdin is /dev/null.
// timeout_s <= 0: no limit.
CommandResult run(const std::string& cmd, double timeout_s = 0);

// run() for callers that only want the status (and optionally the output).
int run_command(const std::string& cmd, std::string* output = nullptr, double timeout_s = 0);

}  // namespace eg::toolchain
