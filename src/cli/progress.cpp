// Progress on a terminal (see progress.hpp).
#include "cli/progress.hpp"

#include <cstdio>
#include <unistd.h>

namespace amlk8s::cli {

namespace {

std::string elapsed_text(std::chrono::steady_clock::duration d) {
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  char buf[32];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%llds", static_cast<long long>(s));
  } else {
    std::snprintf(buf, sizeof buf, "%lldm%02llds", static_cast<long long>(s / 60), static_cast<long long>(s % 60));
  }
  return buf;
}

}  // namespace

bool progress::stderr_is_terminal() noexcept { return ::isatty(STDERR_FILENO) == 1; }

progress::progress(std::string label, bool enabled)
    : label_(std::move(label)), enabled_(enabled), start_(std::chrono::steady_clock::now()) {
  if (enabled_) thread_ = std::thread([this] { run(); });
}

progress::~progress() { stop({}); }

void progress::status(std::string_view state) {
  std::lock_guard lock(mutex_);
  if (!state.empty()) state_ = std::string(state);
}

void progress::finish(std::string_view final_state) { stop(final_state.empty() ? "done" : final_state); }

void progress::stop(std::string_view final_state) {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (!enabled_) return;
  // Clear the spinner's line; leave a final line only when there is something to say.
  std::string line = "\r\x1b[2K";
  if (!final_state.empty()) {
    line += label_ + ": " + std::string(final_state) + " (" + elapsed_text(std::chrono::steady_clock::now() - start_) + ")\n";
  }
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

void progress::run() {
  static constexpr char spinner[] = {'|', '/', '-', '\\'};
  std::size_t frame = 0;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const std::string line = std::string("\r\x1b[2K") + spinner[frame++ % 4] + " " + label_ + ": " + state_ + " (" +
                             elapsed_text(std::chrono::steady_clock::now() - start_) + ")";
    lock.unlock();
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
    lock.lock();
    wake_.wait_for(lock, std::chrono::milliseconds(125), [this] { return stopping_; });
  }
}

}  // namespace amlk8s::cli
