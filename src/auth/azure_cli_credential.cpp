#include <amlk8s/auth/azure_cli_credential.hpp>

#include "auth/encoding.hpp"
#include "auth/process.hpp"
#include "auth/token_response.hpp"
#include "auth/token_source.hpp"
#include "auth/wire.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <charconv>

namespace amlk8s::auth {
namespace {

namespace json = boost::json;

constexpr std::string_view cred_name = wire::azure_cli_credential_name;

// §4.4: accessToken, then expires_on (POSIX seconds, newer CLIs) or expiresOn (local time, no zone).
std::optional<access_token> parse_cli_output(std::string_view out) {
  boost::system::error_code ec;
  auto doc = json::parse(out, ec);
  if (ec || !doc.is_object()) return std::nullopt;
  const auto& o = doc.get_object();
  auto it = o.find(wire::cli_access_token);
  if (it == o.end() || !it->value().is_string() || it->value().get_string().empty()) return std::nullopt;
  access_token token;
  token.token = secret_string(std::string(it->value().get_string()));
  std::optional<std::chrono::system_clock::time_point> expires;
  if (auto on = o.find(wire::cli_expires_on); on != o.end()) {
    const auto& v = on->value();
    if (v.is_int64()) expires = std::chrono::system_clock::from_time_t(static_cast<std::time_t>(v.get_int64()));
    if (v.is_uint64()) expires = std::chrono::system_clock::from_time_t(static_cast<std::time_t>(v.get_uint64()));
    if (v.is_string()) expires = detail::parse_time(v.get_string());
  }
  if (!expires) {
    if (auto on = o.find(wire::cli_expires_on_local); on != o.end() && on->value().is_string()) {
      expires = detail::parse_local_time(on->value().get_string());
    }
  }
  if (!expires) return std::nullopt;
  token.expires_on = *expires;
  return token;
}

class cli_source final : public detail::token_source {
 public:
  cli_source(boost::asio::any_io_executor ex, std::shared_ptr<token_cache> cache, azure_cli_options options)
      : token_source(std::string(cred_name), std::move(ex), std::move(cache)), options_(std::move(options)) {}

  void fetch(std::vector<std::string> scopes, diagnostics& diag, token_handler handler) override {
    const std::string name(cred_name);
    auto resource = scopes_to_resource(scopes);
    // §4.4: only these characters reach the command line (and never a leading '-', which az would
    // take for an option).
    if (resource.empty() || resource.front() == '-' || !detail::only_chars(resource, wire::cli_scope_extra_chars)) {
      diag = detail::invalid_setting(name, "scopes",
                                     "the Azure CLI takes exactly one scope made of letters, digits and '.-:/_'",
                                     "ask for one scope, e.g. https://management.azure.com/.default");
      std::move(handler)(make_error_code(errc::invalid_argument), access_token{});
      return;
    }
    if (!options_.tenant_id.empty() &&
        (options_.tenant_id.front() == '-' || !detail::only_chars(options_.tenant_id, wire::cli_tenant_extra_chars))) {
      diag = detail::invalid_setting(name, "tenant_id", "has characters other than letters, digits, '.' and '-'",
                                     "set the directory (tenant) id or a verified domain");
      std::move(handler)(make_error_code(errc::invalid_argument), access_token{});
      return;
    }
    auto az = options_.az_path.empty() ? detail::find_on_path(wire::cli_program) : options_.az_path;
    if (az.empty()) {
      diag = detail::client_text(name + ": the Azure CLI (az) is not on PATH; install it and run 'az login'");
      std::move(handler)(make_error_code(errc::precondition_failed), access_token{});
      return;
    }
    std::vector<std::string> args(std::begin(wire::cli_arguments), std::end(wire::cli_arguments));
    args.emplace_back(wire::cli_resource_flag);
    args.push_back(resource);
    if (!options_.tenant_id.empty()) {
      args.emplace_back(wire::cli_tenant_flag);
      args.push_back(options_.tenant_id);
    }
    auto self = std::static_pointer_cast<cli_source>(shared_from_this());
    detail::async_run_process(
        executor(), az, std::move(args), options_.timeout,
        [self, &diag, h = std::move(handler), name](error_code ec, detail::process_result r) mutable {
          if (ec) {
            diag = detail::client_text(name + ": " + r.err);
            std::move(h)(make_error_code(errc::precondition_failed), access_token{});
            return;
          }
          if (r.timed_out) {
            diag = detail::client_text(name + ": az did not finish within " +
                                       std::to_string(self->options_.timeout.count()) + " ms and was stopped");
            std::move(h)(make_error_code(errc::timeout), access_token{});
            return;
          }
          if (r.exit_status != 0) {
            // Standard error only: standard output may hold a token. Trimmed and scrubbed.
            auto text = detail::scrub_text(std::string(detail::trim(r.err)));
            if (text.size() > wire::cli_message_limit) text = text.substr(0, wire::cli_message_limit) + "...";
            bool not_logged_in = r.err.find(wire::cli_not_logged_in_marker) != std::string::npos;
            bool missing = r.exit_status == 127;
            diag = detail::client_text(name + ": " +
                                       (not_logged_in ? std::string("the Azure CLI is not logged in; run 'az login'")
                                        : missing     ? std::string("the Azure CLI could not be run")
                                                      : "az exited with status " + std::to_string(r.exit_status)) +
                                       (text.empty() ? "" : ": " + text));
            std::move(h)(make_error_code(not_logged_in || missing ? errc::precondition_failed : errc::authentication_failed),
                         access_token{});
            return;
          }
          auto token = parse_cli_output(r.out);
          if (!token) {
            diag = detail::client_text(name + ": az printed something that is not a token (expected JSON with "
                                              "accessToken and expires_on or expiresOn)");
            std::move(h)(make_error_code(errc::protocol_error), access_token{});
            return;
          }
          std::move(h)(error_code{}, std::move(*token));
        });
  }

 private:
  azure_cli_options options_;
};

}  // namespace

azure_cli_credential::azure_cli_credential(boost::asio::any_io_executor executor, azure_cli_options options)
    : cached_token_credential([&] {
        auto cache = detail::cache_or_new(std::move(options.cache));
        return std::make_shared<cli_source>(std::move(executor), std::move(cache), std::move(options));
      }()) {}

}  // namespace amlk8s::auth
