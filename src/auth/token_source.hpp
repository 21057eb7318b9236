// What a cache-backed credential is made of: a source that fetches fresh tokens.
#pragma once

#include <amlk8s/auth/token_cache.hpp>
#include <amlk8s/auth/token_credential.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <string>
#include <vector>

namespace amlk8s::auth::detail {

/// Fetches a fresh token on each call; the cache in front of it decides when.
class token_source : public std::enable_shared_from_this<token_source> {
 public:
  token_source(std::string name, boost::asio::any_io_executor executor, std::shared_ptr<token_cache> cache);
  virtual ~token_source() = default;

  /// Fetches a token for `scopes`; `diag` stays alive until `handler` runs. The handler may be called
  /// inline (the cache posts the callers' handlers).
  virtual void fetch(std::vector<std::string> scopes, diagnostics& diag, token_handler handler) = 0;

  const std::string& name() const noexcept { return name_; }
  const boost::asio::any_io_executor& executor() const noexcept { return executor_; }
  const std::shared_ptr<token_cache>& cache() const noexcept { return cache_; }
  std::uint64_t owner() const noexcept { return owner_; }

 private:
  std::string name_;
  boost::asio::any_io_executor executor_;
  std::shared_ptr<token_cache> cache_;
  std::uint64_t owner_;
};

/// A source that is not configured: every fetch fails with what was found at construction.
class unconfigured_source final : public token_source {
 public:
  unconfigured_source(std::string name, boost::asio::any_io_executor executor, std::shared_ptr<token_cache> cache,
                      error_code code, diagnostics why);
  void fetch(std::vector<std::string> scopes, diagnostics& diag, token_handler handler) override;

 private:
  error_code code_;
  diagnostics why_;
};

/// `cache`, or a new one when it is null.
std::shared_ptr<token_cache> cache_or_new(std::shared_ptr<token_cache> cache);

/// The cache key of a scope list.
std::string scope_key(const std::vector<std::string>& scopes);

/// Diagnostics for rejected settings: one issue, with "<credential>: ..." as the client message.
diagnostics invalid_setting(std::string_view credential, std::string field, std::string message, std::string fix);

/// Diagnostics with only a client message.
diagnostics client_text(std::string message);

}  // namespace amlk8s::auth::detail
