// The common base of the credentials that keep their tokens in a token_cache.
#pragma once

#include <amlk8s/auth/token_cache.hpp>
#include <amlk8s/auth/token_credential.hpp>

#include <memory>
#include <string>

namespace amlk8s::auth {

namespace detail {
class token_source;
}  // namespace detail

/// Settings every cache-backed credential takes.
struct credential_options {
  /// Where tokens are kept; empty: the credential makes a cache of its own. Share one cache between
  /// credentials to share its clock and tuning (entries stay per credential).
  std::shared_ptr<token_cache> cache;
};

/// Settings of the credentials that ask Entra ID for tokens.
struct entra_credential_options : credential_options {
  /// Authority host; empty: AZURE_AUTHORITY_HOST, then https://login.microsoftonline.com/.
  /// Must be https, or plain http to a loopback host (the local control plane).
  std::string authority_host;
};

/// A credential whose tokens go through a token_cache: renewed ahead of expiry, single-flight.
class cached_token_credential : public token_credential {
 public:
  /// Drops this credential's entries from the cache.
  ~cached_token_credential() override;
  cached_token_credential(const cached_token_credential&) = delete;
  cached_token_credential& operator=(const cached_token_credential&) = delete;

  std::string_view name() const noexcept override;
  boost::asio::any_io_executor get_executor() override;
  void async_get_token_erased(std::vector<std::string> scopes, diagnostics& diag, handler_type handler) override;
  void invalidate(const std::vector<std::string>& scopes) override;

  /// The cache this credential keeps its tokens in.
  const std::shared_ptr<token_cache>& cache() const noexcept;

 protected:
  /// Takes the compiled implementation that fetches fresh tokens.
  explicit cached_token_credential(std::shared_ptr<detail::token_source> source);

 private:
  std::shared_ptr<detail::token_source> source_;
};

}  // namespace amlk8s::auth
