// Progress of a long operation on stderr: a spinner, the operation's state and the time elapsed,
// redrawn on one line while stderr is a terminal; nothing at all otherwise. Private to the tool.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace amlk8s::cli {

class progress {
 public:
  /// Starts showing `label` (e.g. "Creating extension 'azureml'") when `enabled`.
  progress(std::string label, bool enabled);
  /// Clears the line when finish() was not called.
  ~progress();
  progress(const progress&) = delete;
  progress& operator=(const progress&) = delete;

  /// The state to show next (thread-safe: ARM pollers report from their I/O thread).
  void status(std::string_view state);
  /// Stops and leaves one line with the final state and the time taken.
  void finish(std::string_view final_state);

  /// Whether stderr is a terminal (progress is shown only then).
  static bool stderr_is_terminal() noexcept;

 private:
  void run();
  void stop(std::string_view final_state);

  std::string label_;
  bool enabled_;
  std::chrono::steady_clock::time_point start_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::string state_ = "Starting";
  bool stopping_ = false;
  bool stopped_ = false;
  std::thread thread_;
};

}  // namespace amlk8s::cli
