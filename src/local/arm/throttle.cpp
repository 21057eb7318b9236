#include <amlk8s/local/throttle.hpp>

#include "local/common/text.hpp"

#include <algorithm>
#include <cmath>

namespace amlk8s::local {

arm_throttle::arm_throttle(throttle_options options) : options_(options) {}

void arm_throttle::configure(const throttle_options& options) {
  std::lock_guard lock(mutex_);
  options_ = options;
}

throttle_options arm_throttle::options() const {
  std::lock_guard lock(mutex_);
  return options_;
}

std::string_view arm_throttle::header_name(request_class cls) noexcept {
  switch (cls) {
    case request_class::read: return "x-ms-ratelimit-remaining-subscription-reads";
    case request_class::write: return "x-ms-ratelimit-remaining-subscription-writes";
    case request_class::delete_: return "x-ms-ratelimit-remaining-subscription-deletes";
  }
  return "x-ms-ratelimit-remaining-subscription-reads";
}

throttle_decision arm_throttle::take(std::string_view subscription, request_class cls, clock::time_point now) {
  std::lock_guard lock(mutex_);
  const auto& settings = cls == request_class::read    ? options_.reads
                         : cls == request_class::write ? options_.writes
                                                       : options_.deletes;
  auto& b = buckets_[detail::to_lower(subscription) + "/" + std::string(header_name(cls))];
  if (!b.started) {
    b = {settings.capacity, now, true};
  } else if (now > b.updated) {
    const double elapsed = std::chrono::duration<double>(now - b.updated).count();
    b.tokens = std::min(settings.capacity, b.tokens + elapsed * settings.refill_per_second);
    b.updated = now;
  }
  b.tokens = std::min(b.tokens, settings.capacity);
  throttle_decision d;
  if (b.tokens >= 1) {
    b.tokens -= 1;
    d.remaining = static_cast<long>(std::floor(b.tokens));
    return d;
  }
  // ARM does not process a throttled request, so it costs no token; the client waits for one.
  d.allowed = false;
  d.remaining = 0;
  const double wait = settings.refill_per_second > 0 ? (1 - b.tokens) / settings.refill_per_second : 60;
  d.retry_after = std::chrono::seconds(std::max<long>(1, static_cast<long>(std::ceil(wait))));
  return d;
}

}  // namespace amlk8s::local
