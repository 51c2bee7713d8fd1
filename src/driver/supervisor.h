// Runs a command in a worker process so that an interrupt or a crash never
// leaves temporary files or running compilers behind.
#pragma once
#include <functional>
#include <sys/types.h>

namespace eg::driver {

// Forks a worker (its own process group) that runs `work` and exits with its
// result. SIGINT/SIGTERM/SIGHUP to this process kill the worker's whole group
// (compilers, emulators); after an interrupt, a crash or a failure,
// `cleanup(worker_pid)` removes what the worker may have left. Returns the
// worker's exit code, 128 + signal when interrupted, 3 when the worker crashed.
// Records SIGINT/SIGTERM/SIGHUP from now on (call before making temporary files):
// run_supervised then stops at once, its caller removes what it made.
void catch_interrupts();

int run_supervised(const std::function<int()>& work, const std::function<void(pid_t)>& cleanup);

}  // namespace eg::driver
