#include <amlk8s/auth/token_credential.hpp>

#include "auth/wire.hpp"

#include <future>
#include <memory>

namespace amlk8s::auth {

access_token token_credential::get_token(std::vector<std::string> scopes) {
  // The promise is shared with the handler: the waiting thread may wake and return while the
  // completing thread is still inside set_value.
  using result = std::pair<error_code, access_token>;
  auto promise = std::make_shared<std::promise<result>>();
  auto future = promise->get_future();
  diagnostics diag;
  async_get_token_erased(std::move(scopes), diag, [promise](error_code ec, access_token token) {
    promise->set_value({ec, std::move(token)});
  });
  auto [ec, token] = future.get();
  throw_on_error(ec, diag);
  return std::move(token);
}

std::string scopes_to_resource(const std::vector<std::string>& scopes) {
  if (scopes.size() != 1) return {};
  std::string_view scope = scopes.front();
  if (scope.ends_with(wire::default_scope_suffix)) scope.remove_suffix(wire::default_scope_suffix.size());
  return std::string(scope);
}

}  // namespace amlk8s::auth
