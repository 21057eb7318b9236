// The time source of the local control plane. Token expiry, long-running operations and the
// throttle's token buckets all read it, so a test can freeze it and move it forward instead of
// sleeping.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>

namespace amlk8s::local {

/// A thread-safe wall clock that a test can freeze, set and advance.
class clock {
 public:
  using time_point = std::chrono::system_clock::time_point;
  using duration = std::chrono::system_clock::duration;

  /// A clock that follows std::chrono::system_clock (plus whatever advance() added).
  static std::shared_ptr<clock> system();
  /// A frozen clock that starts at `start` and moves only through advance() and set().
  static std::shared_ptr<clock> manual(time_point start = std::chrono::system_clock::now());

  /// The current time.
  time_point now() const noexcept;
  /// Moves the clock forward (on a system clock: adds a permanent offset).
  void advance(duration by) noexcept;
  /// Sets the time of a manual clock (on a system clock: sets the offset so that now() == at).
  void set(time_point at) noexcept;
  /// True for a clock made by manual().
  bool is_manual() const noexcept { return manual_; }

 private:
  clock(bool manual, duration base) : manual_(manual), base_(base.count()) {}

  bool manual_;
  // Manual: the time since the epoch; system: the offset added to system_clock::now().
  std::atomic<duration::rep> base_;
};

}  // namespace amlk8s::local
