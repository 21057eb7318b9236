#include <amlk8s/kube/credentials.hpp>

#include "auth/completion.hpp"
#include "auth/process.hpp"
#include "auth/token_response.hpp"
#include "kube/text.hpp"
#include "kube/wire.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <fstream>
#include <mutex>
#include <sstream>
#include <vector>

namespace amlk8s::kube {
namespace {

namespace json = boost::json;
using clock = std::chrono::system_clock;

const json::value* find(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it == o.end() ? nullptr : &it->value();
}

std::string string_at(const json::object& o, std::string_view key) {
  auto* v = find(o, key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

bool read_token_file(const std::filesystem::path& path, std::string& token) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream s;
  s << in.rdbuf();
  const std::string content = s.str();  // trim() views into it
  auto text = detail::trim(content);
  if (text.empty()) return false;
  token.assign(text);
  return true;
}

}  // namespace

bool parse_exec_credential(std::string_view output, std::string_view expected_api_version, exec_credential& out,
                           std::string& why) {
  boost::system::error_code ec;
  auto doc = json::parse(output, ec);
  if (ec || !doc.is_object()) {
    why = "the plugin's output is not a JSON object";
    return false;
  }
  const auto& o = doc.as_object();
  auto api_version = string_at(o, wire::exec_api_version);
  if (api_version != expected_api_version) {
    why = "the plugin answered apiVersion '" + api_version + "', but the kubeconfig configures '" +
          std::string(expected_api_version) + "'";
    return false;
  }
  if (string_at(o, "kind") != wire::exec_credential_kind) {
    why = "the plugin's output is not of kind ExecCredential";
    return false;
  }
  auto* status = find(o, "status");
  if (!status || !status->is_object()) {
    why = "the plugin's ExecCredential has no status";
    return false;
  }
  const auto& s = status->as_object();
  out.token = secret_string(string_at(s, wire::exec_status_token));
  out.client_certificate_pem = string_at(s, wire::exec_status_client_certificate_data);
  out.client_key_pem = secret_string(string_at(s, wire::exec_status_client_key_data));
  if (out.client_certificate_pem.empty() != out.client_key_pem.empty()) {
    why = out.client_certificate_pem.empty() ? "the plugin returned clientKeyData without clientCertificateData"
                                             : "the plugin returned clientCertificateData without clientKeyData";
    return false;
  }
  if (out.token.empty() && out.client_certificate_pem.empty()) {
    why = "the plugin returned neither a token nor a client certificate";
    return false;
  }
  out.expires_on.reset();
  if (auto expiry = string_at(s, wire::exec_status_expiration); !expiry.empty()) {
    // system_clock counts nanoseconds in 64 bits, which ends in 2262: a later time means "no expiry".
    if (expiry.size() >= 4 && std::all_of(expiry.begin(), expiry.begin() + 4, [](char ch) { return ch >= '0' && ch <= '9'; }) &&
        std::stoi(expiry.substr(0, 4)) >= 2262) {
      out.expires_on = clock::time_point::max();
      return true;
    }
    auto t = auth::detail::parse_time(expiry);
    if (!t) {
      why = "the plugin's expirationTimestamp '" + expiry + "' is not an RFC 3339 time";
      return false;
    }
    out.expires_on = *t;
  }
  return true;
}

std::string exec_info(const cluster_config& config) {
  // §3.3: the ExecCredential the client hands the plugin in KUBERNETES_EXEC_INFO.
  json::object spec;
  spec["interactive"] = false;
  if (config.exec && config.exec->provide_cluster_info) {
    json::object cluster;
    cluster["server"] = config.server;
    if (!config.tls_server_name.empty()) cluster["tls-server-name"] = config.tls_server_name;
    if (config.insecure_skip_tls_verify) cluster["insecure-skip-tls-verify"] = true;
    if (!config.ca_pem.empty()) cluster["certificate-authority-data"] = detail::base64_encode(config.ca_pem);
    if (!config.proxy_url.empty()) cluster["proxy-url"] = config.proxy_url;
    cluster["config"] = nullptr;
    spec["cluster"] = std::move(cluster);
  }
  json::object o;
  o["kind"] = wire::exec_credential_kind;
  o["apiVersion"] = config.exec ? config.exec->api_version : std::string(wire::exec_v1);
  o["spec"] = std::move(spec);
  return json::serialize(o);
}

struct credential_authorizer::state : std::enable_shared_from_this<state> {
  boost::asio::any_io_executor executor;
  cluster_config config;
  credential_options options;

  std::mutex mutex;
  // token_file: the last good read and when it happened.
  std::string file_token;
  std::optional<clock::time_point> file_read_at;
  // exec: the cached credential and the requests waiting for a run in flight.
  std::optional<exec_credential> cached;
  bool running = false;
  std::vector<std::pair<diagnostics*, handler_type>> waiters;
  std::size_t runs = 0;

  void complete(handler_type handler, error_code ec, std::string value) {
    auth::detail::post_completion<http::authorizer::signature>(executor, std::move(handler), ec, std::move(value));
  }

  void fail(diagnostics& diag, handler_type handler, std::string message) {
    diag.client_message = std::move(message);
    complete(std::move(handler), make_error_code(errc::authentication_failed), {});
  }

  void authorize(diagnostics& diag, handler_type handler) {
    switch (config.auth) {
      case auth_kind::none:
        return complete(std::move(handler), {}, {});
      case auth_kind::token:
        return complete(std::move(handler), {}, "Bearer " + config.token.reveal());
      case auth_kind::basic:
        return complete(std::move(handler), {},
                        "Basic " + detail::base64_encode(config.username + ":" + config.password.reveal()));
      case auth_kind::token_file:
        return authorize_from_file(diag, std::move(handler));
      case auth_kind::exec:
        return authorize_from_plugin(diag, std::move(handler));
    }
  }

  void authorize_from_file(diagnostics& diag, handler_type handler) {
    std::unique_lock lock(mutex);
    auto now = clock::now();
    if (!file_read_at || now - *file_read_at >= options.token_file_refresh) {
      std::string token;
      // §3.2: a successful read wins over `token`; a failed one keeps the last good token.
      if (read_token_file(config.token_file, token)) {
        file_token = std::move(token);
        file_read_at = now;
      }
    }
    std::string value = !file_token.empty() ? file_token : config.token.reveal();
    lock.unlock();
    if (value.empty())
      return fail(diag, std::move(handler),
                  "cannot read the bearer token from tokenFile '" + config.token_file.string() +
                      "': the file is missing or empty (check the kubeconfig's tokenFile, or the pod's service account token)");
    complete(std::move(handler), {}, "Bearer " + value);
  }

  void authorize_from_plugin(diagnostics& diag, handler_type handler) {
    std::unique_lock lock(mutex);
    if (cached && (!cached->expires_on || clock::now() < *cached->expires_on)) {
      auto value = header_of(*cached);
      lock.unlock();
      if (value.empty())
        return fail(diag, std::move(handler), unsupported_certificate_message());
      return complete(std::move(handler), {}, std::move(value));
    }
    waiters.emplace_back(&diag, std::move(handler));
    if (running) return;
    running = true;
    ++runs;
    lock.unlock();
    run_plugin();
  }

  static std::string header_of(const exec_credential& c) { return c.token.empty() ? std::string() : "Bearer " + c.token.reveal(); }

  static std::string unsupported_certificate_message() {
    return "the exec plugin returned a client certificate instead of a token; this client authenticates exec "
           "plugins by token only (configure the plugin to print status.token)";
  }

  std::string plugin_program() const {
    const auto& e = *config.exec;
    if (e.command.find('/') != std::string::npos) {
      std::filesystem::path p(e.command);
      return p.is_absolute() || e.base_dir.empty() ? e.command : (e.base_dir / p).lexically_normal().string();
    }
    return auth::detail::find_on_path(e.command);
  }

  void run_plugin() {
    const auto& e = *config.exec;
    auto program = plugin_program();
    std::string hint = e.install_hint.empty() ? std::string() : " (" + e.install_hint + ")";
    if (e.interactive_mode == "Always")
      return finish_all({}, "the exec plugin '" + e.command +
                                "' requires interactive mode (interactiveMode: Always), which this client cannot offer");
    if (program.empty())
      return finish_all({}, "the exec plugin '" + e.command + "' was not found on PATH" + hint);
    std::vector<std::string> env;
    for (const auto& v : e.env) env.push_back(v.name + "=" + v.value);
    env.push_back(std::string(wire::exec_info_env) + "=" + exec_info(config));
    auth::detail::async_run_process(
        executor, program, e.args, std::move(env), options.exec_timeout,
        [self = shared_from_this(), hint](error_code ec, auth::detail::process_result r) {
          self->on_plugin_exit(ec, std::move(r), hint);
        });
  }

  void on_plugin_exit(error_code ec, auth::detail::process_result r, const std::string& hint) {
    const auto& e = *config.exec;
    if (ec) return finish_all({}, "cannot run the exec plugin '" + e.command + "': " + r.err + hint);
    if (r.timed_out) return finish_all({}, "the exec plugin '" + e.command + "' did not finish in time");
    if (r.exit_status != 0)
      return finish_all({}, "the exec plugin '" + e.command + "' failed with exit status " + std::to_string(r.exit_status) +
                                (r.err.empty() ? std::string() : ": " + redact_text(detail::trim(r.err))) + hint);
    exec_credential c;
    std::string why;
    if (!parse_exec_credential(r.out, e.api_version, c, why))
      return finish_all({}, "the exec plugin '" + e.command + "' answered something unusable: " + why);
    finish_all(std::move(c), {});
  }

  void finish_all(std::optional<exec_credential> c, std::string error) {
    std::vector<std::pair<diagnostics*, handler_type>> done;
    std::string value;
    {
      std::lock_guard lock(mutex);
      running = false;
      done.swap(waiters);
      if (c) {
        value = header_of(*c);
        cached = std::move(c);
      }
    }
    if (error.empty() && value.empty()) error = unsupported_certificate_message();
    for (auto& [diag, handler] : done) {
      if (!error.empty())
        fail(*diag, std::move(handler), error);
      else
        complete(std::move(handler), {}, value);
    }
  }
};

credential_authorizer::credential_authorizer(boost::asio::any_io_executor executor, cluster_config config,
                                             credential_options options)
    : state_(std::make_shared<state>()) {
  state_->executor = std::move(executor);
  state_->config = std::move(config);
  state_->options = options;
  if (state_->config.auth == auth_kind::exec && !state_->config.exec)
    throw error(errc::invalid_argument, "cluster_config.auth is exec but cluster_config.exec is not set");
}

credential_authorizer::~credential_authorizer() = default;

void credential_authorizer::async_authorization(const http::request&, diagnostics& diag, handler_type handler) {
  state_->authorize(diag, std::move(handler));
}

void credential_authorizer::invalidate() {
  std::lock_guard lock(state_->mutex);
  state_->cached.reset();        // §3.3: a 401 makes the plugin run again
  state_->file_read_at.reset();  // and the token file be read again
}

std::size_t credential_authorizer::exec_runs() const noexcept {
  std::lock_guard lock(state_->mutex);
  return state_->runs;
}

}  // namespace amlk8s::kube
