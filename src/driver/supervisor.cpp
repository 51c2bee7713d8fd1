#include "driver/supervisor.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <vector>

namespace eg::driver {
namespace {

volatile sig_atomic_t g_signal = 0;
volatile sig_atomic_t g_worker = 0;

void on_signal(int sig) {
  g_signal = sig;
  if (g_worker > 0) kill(-static_cast<pid_t>(g_worker), SIGKILL);  // async-signal-safe
}

const int kSignals[] = {SIGINT, SIGTERM, SIGHUP};

// Kills every process left under this one (commands run in their own process groups, so
// the worker's group does not hold them): as a subreaper, orphans come back to us.
void kill_descendants() {
  for (int round = 0; round < 50; ++round) {
    std::ifstream in("/proc/self/task/" + std::to_string(getpid()) + "/children");
    std::vector<pid_t> kids;
    for (long p; in >> p;) kids.push_back(static_cast<pid_t>(p));
    if (kids.empty()) return;
    for (pid_t k : kids) {
      kill(-k, SIGKILL);
      kill(k, SIGKILL);
    }
    for (pid_t k : kids) waitpid(k, nullptr, 0);
  }
}

}  // namespace

void catch_interrupts() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  for (int sig : kSignals) sigaction(sig, &sa, nullptr);
}

int run_supervised(const std::function<int()>& work, const std::function<void(pid_t)>& cleanup) {
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  // Handlers before the fork: a signal that arrives while forking is not lost.
  catch_interrupts();
  if (g_signal) return 128 + g_signal;
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  const pid_t pid = fork();
  if (pid < 0) return work();  // cannot fork: run in place, unsupervised
  if (pid == 0) {
    setpgid(0, 0);
    for (int sig : kSignals) signal(sig, SIG_DFL);
    if (g_signal) _exit(128 + g_signal);
    int rc = 3;
    try {
      rc = work();
    } catch (...) {
    }
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    _exit(rc);
  }
  setpgid(pid, pid);  // both sides set it: no race with the worker's first spawn
  g_worker = pid;
  if (g_signal) kill(-pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  g_worker = 0;
  // whatever the worker started and left running in its group goes too
  kill(-pid, SIGKILL);
  if (g_signal || WIFSIGNALED(status)) kill_descendants();
  if (g_signal) {
    cleanup(pid);
    std::cerr << "edgegen: interrupted (" << strsignal(g_signal) << "), temporary files removed\n";
    return 128 + g_signal;
  }
  if (WIFSIGNALED(status)) {
    cleanup(pid);
    std::cerr << "edgegen: internal error: the compiler process died (" << strsignal(WTERMSIG(status))
              << "), temporary files removed\n";
    return 3;
  }
  const int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 3;
  if (rc != 0) cleanup(pid);
  return rc;
}

}  // namespace eg::driver
