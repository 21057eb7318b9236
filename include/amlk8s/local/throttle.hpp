// ARM's per-subscription throttle, modelled on its token buckets
// (contracts/arm-extensions.md §1.9: reads 250 / 25 per s, writes 200 / 10 per s, deletes 200 / 10 per s).
#pragma once

#include <amlk8s/local/clock.hpp>

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace amlk8s::local {

/// One bucket: how many requests it holds and how fast it refills.
struct bucket_options {
  double capacity = 250;
  double refill_per_second = 25;
};

/// The throttle's settings; off unless `enabled`.
struct throttle_options {
  bool enabled = false;
  bucket_options reads{250, 25};
  bucket_options writes{200, 10};
  bucket_options deletes{200, 10};
};

/// The bucket a request draws from: GET/HEAD read, DELETE deletes, everything else writes.
enum class request_class { read, write, delete_ };

/// The outcome of one request against the throttle.
struct throttle_decision {
  bool allowed = true;
  long remaining = 0;                   ///< whole tokens left in the bucket after this request
  std::chrono::seconds retry_after{0};  ///< when refused: the wait until one token is back
};

/// Token buckets per subscription and request class. Thread-safe.
class arm_throttle {
 public:
  /// Starts with full buckets.
  explicit arm_throttle(throttle_options options = {});

  /// Takes one token for `subscription` (compared case-insensitively) at time `now`.
  throttle_decision take(std::string_view subscription, request_class cls, clock::time_point now);
  /// Replaces the settings (keeps the current fill levels, capped to the new capacities).
  void configure(const throttle_options& options);
  /// The current settings.
  throttle_options options() const;

  /// The response header that reports the remaining quota of `cls`
  /// (`x-ms-ratelimit-remaining-subscription-reads`, `-writes`, `-deletes`).
  static std::string_view header_name(request_class cls) noexcept;

 private:
  struct bucket {
    double tokens = 0;
    clock::time_point updated{};
    bool started = false;
  };
  mutable std::mutex mutex_;
  throttle_options options_;
  std::map<std::string, bucket> buckets_;  // key: lower-case subscription + class
};

}  // namespace amlk8s::local
