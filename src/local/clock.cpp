#include <amlk8s/local/clock.hpp>

namespace amlk8s::local {

std::shared_ptr<clock> clock::system() { return std::shared_ptr<clock>(new clock(false, duration::zero())); }

std::shared_ptr<clock> clock::manual(time_point start) {
  return std::shared_ptr<clock>(new clock(true, start.time_since_epoch()));
}

clock::time_point clock::now() const noexcept {
  const duration base(base_.load(std::memory_order_acquire));
  return manual_ ? time_point(base) : std::chrono::system_clock::now() + base;
}

void clock::advance(duration by) noexcept { base_.fetch_add(by.count(), std::memory_order_acq_rel); }

void clock::set(time_point at) noexcept {
  const auto target = manual_ ? at.time_since_epoch() : at - std::chrono::system_clock::now();
  base_.store(target.count(), std::memory_order_release);
}

}  // namespace amlk8s::local
