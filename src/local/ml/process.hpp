// A job instance's command as a local process: `/bin/sh -c <command>` through posix_spawn, in its
// own process group, stdin from /dev/null, stdout and stderr into one pipe that is read without
// blocking into a bounded log. Nothing here waits for a process except the destructor of one that
// is still running, which kills it first. Private to amlk8s_local.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

namespace amlk8s::local::ml {

/// A log that keeps its first `limit` bytes and says where it was cut. Thread-safe.
class log_buffer {
 public:
  explicit log_buffer(std::size_t limit) : limit_(limit) {}
  void append(std::string_view text);
  std::string text() const;

 private:
  mutable std::mutex mutex_;
  std::string text_;
  std::size_t limit_;
  bool truncated_ = false;
};

/// What to start.
struct spawn_request {
  std::string command;                 ///< run as `/bin/sh -c command`
  std::filesystem::path working_dir;   ///< must exist
  std::vector<std::string> environment;  ///< the whole environment, "NAME=value" entries
};

/// One started process. Not thread-safe: its owner serializes calls.
class child_process {
 public:
  /// Starts `request`; its output goes to `log`. Throws std::system_error when it cannot start.
  child_process(const spawn_request& request, std::shared_ptr<log_buffer> log);
  /// A process still running is killed (SIGKILL to its group) and reaped; this is the only wait.
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  /// Reads what the pipe holds and reaps the process if it has exited; never blocks.
  void pump();
  /// Exited and its output read to the end (or output held open by a straggler in its group for
  /// longer than a short grace after the exit).
  bool finished() const noexcept { return finished_; }
  /// The exit code once finished: the status, or 128 + the signal that ended it (as Kubernetes shows it).
  int exit_code() const noexcept { return exit_code_; }
  /// Asks the process group to stop: SIGTERM now, SIGKILL once `grace` has passed (checked by pump()).
  void terminate(std::chrono::milliseconds grace);
  /// SIGKILL to the process group now.
  void kill() noexcept;
  /// The read end of the output pipe (for poll), or -1 once closed.
  int output_fd() const noexcept { return fd_; }

 private:
  void read_available();
  void close_output() noexcept;

  pid_t pid_ = -1;
  int fd_ = -1;
  std::shared_ptr<log_buffer> log_;
  bool reaped_ = false;
  bool finished_ = false;
  int exit_code_ = -1;
  std::chrono::steady_clock::time_point exited_at_{};
  std::optional<std::chrono::steady_clock::time_point> kill_at_;
};

/// The first executable called `name` in the absolute folders of `path` (a PATH value); empty if none.
std::string find_executable(std::string_view name, std::string_view path);
/// The same, preferring a program to a `#!` script (version managers' shims need their own PATH).
std::string find_interpreter(std::string_view name, std::string_view path);

}  // namespace amlk8s::local::ml
