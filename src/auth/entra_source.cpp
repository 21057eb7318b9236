#include "auth/entra_source.hpp"

#include "auth/authority.hpp"
#include "auth/token_response.hpp"
#include "auth/wire.hpp"

namespace amlk8s::auth::detail {

entra_source::entra_source(std::string name, http::sender& sender, std::shared_ptr<token_cache> cache,
                           std::string endpoint, client_auth_function client_auth)
    : token_source(std::move(name), sender.get_executor(), std::move(cache)),
      sender_(&sender),
      endpoint_(std::move(endpoint)),
      client_auth_(std::move(client_auth)) {}

void entra_source::fetch(std::vector<std::string> scopes, diagnostics& diag, token_handler handler) {
  // §4.1: field order grant_type, <client auth>, scope; form-encoded; POST.
  form_builder form;
  form.add(wire::form_grant_type, wire::grant_client_credentials);
  secret_string used;
  if (auto ec = client_auth_(form, diag, used)) {
    scrub(diag, {&used});
    std::move(handler)(ec, access_token{});
    return;
  }
  form.add(wire::form_scope, scope_key(scopes));

  http::request req;
  req.method = http::verb::post;
  req.url = endpoint_;
  req.headers.set("Content-Type", std::string(wire::form_content_type));
  req.headers.set("Accept", std::string(wire::json_content_type));
  req.body = std::move(form.body());
  req.body_is_secret = true;
  req.safe_to_retry = true;  // a token request has no side effect

  auto self = std::static_pointer_cast<entra_source>(shared_from_this());
  sender_->async_send_erased(
      std::move(req), diag,
      [self, &diag, h = std::move(handler), used = std::move(used)](error_code ec, http::response res) mutable {
        const auto prefix = self->name() + ": ";
        if (ec) {
          diag.client_message = prefix + "the token request to " + self->endpoint_ + " failed" +
                                (diag.client_message.empty() ? "" : ": " + diag.client_message);
          scrub(diag, {&used});
          std::move(h)(ec, access_token{});
          return;
        }
        if (res.status != 200) {
          read_error_response(res, diag);
          diag.client_message = prefix + "Entra ID refused the token request to " + self->endpoint_;
          scrub(diag, {&used});
          std::move(h)(token_error_code(res.status), access_token{});
          return;
        }
        std::string why;
        auto token = parse_token_response(res.body, self->cache()->now(), why);
        if (!token) {
          diag.http_status = res.status;
          diag.client_message = prefix + why + " (" + self->endpoint_ + ")";
          std::move(h)(make_error_code(errc::protocol_error), access_token{});
          return;
        }
        std::move(h)(error_code{}, std::move(*token));
      });
}

std::string check_entra_settings(std::string_view tenant_id, std::string_view tenant_field, std::string_view client_id,
                                 std::string_view client_field, std::string_view authority_host,
                                 std::vector<validation_issue>& issues) {
  if (auto issue = check_tenant(tenant_id, std::string(tenant_field))) issues.push_back(std::move(*issue));
  if (trim(client_id).empty()) {
    issues.push_back({std::string(client_field), "is empty", "set the application (client) id"});
  }
  std::optional<validation_issue> rejected;
  auto authority = resolve_authority(authority_host, rejected);
  if (!authority) {
    issues.push_back(std::move(*rejected));
    return {};
  }
  return *authority;
}

}  // namespace amlk8s::auth::detail
