#include <amlk8s/auth/cached_token_credential.hpp>

#include "auth/completion.hpp"
#include "auth/token_source.hpp"

namespace amlk8s::auth {

namespace detail {

token_source::token_source(std::string name, boost::asio::any_io_executor executor, std::shared_ptr<token_cache> cache)
    : name_(std::move(name)), executor_(std::move(executor)), cache_(std::move(cache)), owner_(cache_->new_owner()) {}

unconfigured_source::unconfigured_source(std::string name, boost::asio::any_io_executor executor,
                                         std::shared_ptr<token_cache> cache, error_code code, diagnostics why)
    : token_source(std::move(name), std::move(executor), std::move(cache)), code_(code), why_(std::move(why)) {}

void unconfigured_source::fetch(std::vector<std::string>, diagnostics& diag, token_handler handler) {
  diag = why_;
  std::move(handler)(code_, access_token{});
}

std::shared_ptr<token_cache> cache_or_new(std::shared_ptr<token_cache> cache) {
  return cache ? std::move(cache) : token_cache::create();
}

std::string scope_key(const std::vector<std::string>& scopes) {
  std::string key;
  for (const auto& s : scopes) {
    if (!key.empty()) key += ' ';
    key += s;
  }
  return key;
}

diagnostics invalid_setting(std::string_view credential, std::string field, std::string message, std::string fix) {
  diagnostics d;
  d.client_message = std::string(credential) + " is not configured";
  d.validation.push_back({std::move(field), std::move(message), std::move(fix)});
  return d;
}

diagnostics client_text(std::string message) {
  diagnostics d;
  d.client_message = std::move(message);
  return d;
}

}  // namespace detail

cached_token_credential::cached_token_credential(std::shared_ptr<detail::token_source> source)
    : source_(std::move(source)) {}

cached_token_credential::~cached_token_credential() { source_->cache()->erase_owner(source_->owner()); }

std::string_view cached_token_credential::name() const noexcept { return source_->name(); }

boost::asio::any_io_executor cached_token_credential::get_executor() { return source_->executor(); }

void cached_token_credential::async_get_token_erased(std::vector<std::string> scopes, diagnostics& diag,
                                                     handler_type handler) {
  diag.clear();
  if (scopes.empty()) {
    diag = detail::invalid_setting(source_->name(), "scopes", "no scope was given",
                                   "ask for at least one scope, e.g. https://management.azure.com/.default");
    detail::post_completion(source_->executor(), std::move(handler), make_error_code(errc::invalid_argument),
                            access_token{});
    return;
  }
  auto key = detail::scope_key(scopes);
  auto fetch = [source = source_, scopes = std::move(scopes)](diagnostics& d, token_handler h) {
    source->fetch(scopes, d, std::move(h));
  };
  source_->cache()->async_get_erased(source_->owner(), std::move(key), std::move(fetch), source_->executor(), diag,
                                     std::move(handler));
}

void cached_token_credential::invalidate(const std::vector<std::string>& scopes) {
  source_->cache()->invalidate(source_->owner(), detail::scope_key(scopes));
}

const std::shared_ptr<token_cache>& cached_token_credential::cache() const noexcept { return source_->cache(); }

}  // namespace amlk8s::auth
