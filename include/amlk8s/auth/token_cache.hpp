// A token cache that many credentials and callers share.
#pragma once

#include <amlk8s/auth/token_credential.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

namespace amlk8s::auth {

/// Tuning of a token_cache; the defaults are those of contracts/aml-workspace-and-auth.md §4.6.
struct token_cache_options {
  /// A token is renewed this long before it expires (or at its refresh_on, whichever comes first).
  std::chrono::seconds refresh_offset{300};
  /// After a failed renewal, a still-valid old token is served this long before trying again.
  std::chrono::seconds failed_refresh_delay{30};
  /// The clock; empty means std::chrono::system_clock::now (tests put a fake clock here).
  std::function<std::chrono::system_clock::time_point()> clock;
};

/// Holds one token per (credential, scopes) entry. Renewals are single-flight: while one runs, every
/// other caller for the same entry waits for its result. A failed renewal is hidden while the old
/// token is still valid. Thread-safe; always held by std::shared_ptr (use create()).
class token_cache : public std::enable_shared_from_this<token_cache> {
  struct passkey {};

 public:
  /// Fetches a fresh token; called by the cache at most once at a time per entry.
  using fetch_function = std::function<void(diagnostics& diag, token_handler handler)>;

  /// Makes a cache.
  static std::shared_ptr<token_cache> create(token_cache_options options = {});
  /// Use create(): the cache hands shared_from_this() to running renewals.
  token_cache(passkey, token_cache_options options);
  ~token_cache();
  token_cache(const token_cache&) = delete;
  token_cache& operator=(const token_cache&) = delete;

  /// The current time by the cache's clock; credentials compute expiry times with it.
  std::chrono::system_clock::time_point now() const;

  /// A new owner id: each credential keys its entries by one.
  std::uint64_t new_owner();

  /// Completes with the cached token for (owner, key), or with the result of `fetch` when none is
  /// fresh. The handler runs on its associated executor, else on `executor`; `diag` must outlive it.
  void async_get_erased(std::uint64_t owner, std::string key, fetch_function fetch,
                        boost::asio::any_io_executor executor, diagnostics& diag, token_handler handler);

  /// Drops the token of (owner, key); a renewal already running still completes its waiters.
  void invalidate(std::uint64_t owner, const std::string& key);

  /// Drops every entry of `owner` (when a credential is destroyed).
  void erase_owner(std::uint64_t owner);

  /// Number of entries (for tests and diagnostics).
  std::size_t size() const;

 private:
  struct entry;
  struct waiter;
  void complete_fetch(std::shared_ptr<entry> e, error_code ec, access_token token);

  token_cache_options options_;
  mutable std::mutex mutex_;
  std::map<std::pair<std::uint64_t, std::string>, std::shared_ptr<entry>> entries_;
  std::uint64_t next_owner_ = 1;
};

}  // namespace amlk8s::auth
