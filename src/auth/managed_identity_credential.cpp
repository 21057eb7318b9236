#include <amlk8s/auth/managed_identity_credential.hpp>

#include "auth/authority.hpp"
#include "auth/encoding.hpp"
#include "auth/token_response.hpp"
#include "auth/token_source.hpp"
#include "auth/wire.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace amlk8s::auth {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using std::chrono::milliseconds;

constexpr std::string_view cred_name = wire::managed_identity_credential_name;

// §4.3 selection by environment variables.
managed_identity_source detect_source() {
  if (detail::env(wire::env_identity_endpoint)) {
    if (detail::env(wire::env_identity_header)) {
      return detail::env(wire::env_identity_server_thumbprint) ? managed_identity_source::unsupported
                                                              : managed_identity_source::app_service;
    }
    if (detail::env(wire::env_imds_endpoint)) return managed_identity_source::azure_arc;
  }
  if (detail::env(wire::env_msi_endpoint)) return managed_identity_source::unsupported;
  return managed_identity_source::imds;
}

struct mi_config {
  managed_identity_source kind = managed_identity_source::imds;
  std::string endpoint;
  std::string_view api_version;
  secret_string identity_header;  // App Service
  std::string arc_key_directory;
  std::string_view id_param;
  std::string id_value;
  imds_retry_options retry;
  bool probe = false;
  milliseconds probe_timeout{0};
};

// §4.2: 404, 410, 429 and 5xx are retried; 400 (no such identity) is not.
bool imds_retryable(int status) { return status == 404 || status == 410 || status == 429 || status >= 500; }

milliseconds imds_delay(int retry, int status, milliseconds retry_after, const imds_retry_options& o) {
  thread_local std::minstd_rand rng{std::random_device{}()};
  // §4.2: a 410 starts at gone_initial_delay and never jitters downwards, so that the default five
  // retries cover at least 70 s of IMDS upgrade.
  const bool gone = status == 410;
  const auto base = gone ? std::max(o.initial_delay, o.gone_initial_delay) : o.initial_delay;
  std::uniform_real_distribution<double> jitter(gone ? 1.0 : 0.8, 1.2);
  double ms = static_cast<double>(base.count()) * static_cast<double>(1LL << std::min(retry, 30)) * jitter(rng);
  auto delay = milliseconds(static_cast<long long>(std::min(ms, static_cast<double>(o.max_delay.count()))));
  return std::min(std::max(delay, retry_after), o.max_delay);
}

milliseconds retry_after_of(const http::response& res) {
  auto number = [](std::string_view text) -> long long {
    long long v = 0;
    text = detail::trim(text);
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    return ec == std::errc{} && p == text.data() + text.size() && v > 0 ? v : 0;
  };
  if (auto v = res.headers.get(wire::retry_after_ms_header)) return milliseconds(number(*v));
  if (auto v = res.headers.get(wire::x_ms_retry_after_ms_header)) return milliseconds(number(*v));
  if (auto v = res.headers.get(wire::retry_after_header)) return milliseconds(number(*v) * 1000);
  return milliseconds(0);
}

class mi_source final : public detail::token_source {
 public:
  mi_source(http::sender& sender, std::shared_ptr<token_cache> cache, mi_config config)
      : token_source(std::string(cred_name), sender.get_executor(), std::move(cache)),
        sender_(&sender),
        config_(std::move(config)) {}

  void fetch(std::vector<std::string> scopes, diagnostics& diag, token_handler handler) override;

  http::sender& sender() { return *sender_; }
  const mi_config& config() const { return config_; }
  std::atomic<bool> probed{false};

  http::request make_request(const std::string& resource) const {
    http::request req;
    req.method = http::verb::get;
    req.url = config_.endpoint;
    detail::append_query(req.url, wire::query_api_version, config_.api_version);
    detail::append_query(req.url, wire::query_resource, resource);
    if (!config_.id_value.empty()) detail::append_query(req.url, config_.id_param, config_.id_value);
    if (config_.kind == managed_identity_source::app_service) {
      req.headers.set(wire::app_service_identity_header, config_.identity_header.reveal());
    } else {
      req.headers.set(wire::metadata_header, "true");
    }
    return req;
  }

  // Turns a final answer into the handler's result.
  void complete(error_code ec, http::response& res, diagnostics& diag, token_handler& h, const secret_string* secret) {
    const std::string prefix = name() + " (" + std::string(source_name()) + "): ";
    if (ec) {
      diag.client_message = prefix + "the token request to " + config_.endpoint + " failed" +
                            (diag.client_message.empty() ? "" : ": " + diag.client_message);
      detail::scrub(diag, {secret, &config_.identity_header});
      std::move(h)(ec, access_token{});
      return;
    }
    if (res.status != 200) {
      detail::read_error_response(res, diag);
      diag.client_message = prefix + "the endpoint refused the token request";
      detail::scrub(diag, {secret, &config_.identity_header});
      std::move(h)(detail::token_error_code(res.status), access_token{});
      return;
    }
    std::string why;
    auto token = detail::parse_token_response(res.body, cache()->now(), why);
    if (!token) {
      diag.http_status = res.status;
      diag.client_message = prefix + why;
      std::move(h)(make_error_code(errc::protocol_error), access_token{});
      return;
    }
    std::move(h)(error_code{}, std::move(*token));
  }

  std::string_view source_name() const {
    switch (config_.kind) {
      case managed_identity_source::imds: return "IMDS";
      case managed_identity_source::app_service: return "App Service";
      case managed_identity_source::azure_arc: return "Azure Arc";
      case managed_identity_source::unsupported: break;
    }
    return "unsupported";
  }

 private:
  http::sender* sender_;
  mi_config config_;
};

// IMDS with its retry rules and, in a chain, its probe (§4.2). Runs on a strand: the probe timer, the
// retry timer and the answers must not race.
struct imds_op : std::enable_shared_from_this<imds_op> {
  imds_op(std::shared_ptr<mi_source> s, http::request r, diagnostics& d, token_handler h)
      : src(std::move(s)),
        req(std::move(r)),
        diag(d),
        handler(std::move(h)),
        strand(asio::make_strand(src->executor())),
        timer(strand),
        probing(src->config().probe && !src->probed.load()) {}

  std::shared_ptr<mi_source> src;
  http::request req;
  diagnostics& diag;
  token_handler handler;
  asio::strand<asio::any_io_executor> strand;
  asio::steady_timer timer;
  asio::cancellation_signal cancel;
  diagnostics attempt_diag;  // owned here: a probe that timed out may still be written to by the sender
  int retries = 0;
  bool probing;
  bool done = false;

  void start() {
    asio::dispatch(strand, [self = shared_from_this()] { self->attempt(); });
  }

  void attempt() {
    attempt_diag.clear();
    if (probing) {
      timer.expires_after(src->config().probe_timeout);
      timer.async_wait([self = shared_from_this()](error_code ec) {
        if (ec || self->done) return;
        self->cancel.emit(asio::cancellation_type::terminal);
        self->unavailable("no answer from IMDS within " + std::to_string(self->src->config().probe_timeout.count()) + " ms");
      });
    }
    src->sender().async_send_erased(
        req, attempt_diag,
        asio::bind_cancellation_slot(cancel.slot(),
                                     asio::bind_executor(strand, [self = shared_from_this()](error_code ec, http::response res) {
                                       self->on_answer(ec, std::move(res));
                                     })));
  }

  void on_answer(error_code ec, http::response res) {
    if (done) return;
    if (probing) timer.cancel();
    if (ec) {
      if (probing) {
        unavailable("IMDS did not answer" + (attempt_diag.client_message.empty() ? "" : ": " + attempt_diag.client_message));
      } else if (retries < src->config().retry.max_retries) {
        retry_after(0, milliseconds(0));
      } else {
        finish(ec, res);
      }
      return;
    }
    if (probing) {
      // Any HTTP answer shows that IMDS is there; from now on the normal retry rules apply.
      src->probed = true;
      probing = false;
    }
    if (res.status == 400) {
      // §4.2: the identity is not assigned to this machine; not retried, reported as unavailable.
      diagnostics d = attempt_diag;
      detail::read_error_response(res, d);
      d.client_message = src->name() + " (IMDS): no such managed identity on this machine";
      detail::scrub(d);
      done = true;
      diag = std::move(d);
      std::move(handler)(make_error_code(errc::precondition_failed), access_token{});
      return;
    }
    if (res.status != 200 && imds_retryable(res.status) && retries < src->config().retry.max_retries) {
      retry_after(res.status, retry_after_of(res));
      return;
    }
    finish(error_code{}, res);
  }

  void retry_after(int status, milliseconds server_delay) {
    timer.expires_after(imds_delay(retries, status, server_delay, src->config().retry));
    ++retries;
    timer.async_wait([self = shared_from_this()](error_code ec) {
      if (!ec && !self->done) self->attempt();
    });
  }

  void unavailable(std::string why) {
    done = true;
    diag.clear();
    diag.client_message = src->name() + " (IMDS): " + why;
    detail::scrub(diag);
    std::move(handler)(make_error_code(errc::precondition_failed), access_token{});
  }

  void finish(error_code ec, http::response& res) {
    done = true;
    diag = attempt_diag;
    src->complete(ec, res, diag, handler, nullptr);
  }
};

// §4.3 Azure Arc: the challenge names a key file that must be a .key of at most 4096 bytes directly
// inside the agent's token folder (no "..", no symbolic link out of it).
error_code read_arc_key(std::string_view challenge, const std::string& allowed_dir, secret_string& key, std::string& why) {
  if (std::count(challenge.begin(), challenge.end(), '=') != 1) {
    why = "the WWW-Authenticate challenge does not have the form 'Basic realm=<path>'";
    return make_error_code(errc::protocol_error);
  }
  fs::path path(std::string(detail::trim(challenge.substr(challenge.find('=') + 1))));
  fs::path dir(allowed_dir);
  std::error_code ec;
  bool inside = path.is_absolute() && path.parent_path() == dir && path.filename() != ".." &&
                path.extension() == std::string(wire::arc_key_extension);
  if (inside) {
    auto real_dir = fs::canonical(dir, ec);
    auto real_file = ec ? fs::path() : fs::canonical(path, ec);
    inside = !ec && real_file.parent_path() == real_dir && !fs::is_symlink(fs::symlink_status(path, ec));
  }
  if (!inside) {
    why = "the challenge names '" + path.string() + "', which is not a .key file in " + allowed_dir;
    return make_error_code(errc::protocol_error);
  }
  auto status = fs::status(path, ec);
  if (ec || !fs::is_regular_file(status)) {
    why = "the challenge file '" + path.string() + "' is not a regular file";
    return make_error_code(errc::protocol_error);
  }
  auto size = fs::file_size(path, ec);
  if (ec || size > wire::arc_key_max_size) {
    why = "the challenge file '" + path.string() + "' is larger than 4096 bytes";
    return make_error_code(errc::protocol_error);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    why = "the challenge file '" + path.string() +
          "' cannot be read (it needs root or membership of the Arc agent's group, himds)";
    return make_error_code(errc::authentication_failed);
  }
  std::ostringstream text;
  text << in.rdbuf();
  key = secret_string(std::move(text).str());
  return {};
}

void mi_source::fetch(std::vector<std::string> scopes, diagnostics& diag, token_handler handler) {
  auto resource = scopes_to_resource(scopes);
  if (resource.empty()) {
    diag = detail::invalid_setting(name(), "scopes", "managed identity takes exactly one scope",
                                   "ask for one scope, e.g. https://management.azure.com/.default");
    std::move(handler)(make_error_code(errc::invalid_argument), access_token{});
    return;
  }
  auto self = std::static_pointer_cast<mi_source>(shared_from_this());
  auto req = make_request(resource);
  switch (config_.kind) {
    case managed_identity_source::imds:
      std::make_shared<imds_op>(self, std::move(req), diag, std::move(handler))->start();
      return;
    case managed_identity_source::app_service:
      sender_->async_send_erased(std::move(req), diag,
                                 [self, &diag, h = std::move(handler)](error_code ec, http::response res) mutable {
                                   self->complete(ec, res, diag, h, nullptr);
                                 });
      return;
    case managed_identity_source::azure_arc: {
      auto second = req;
      sender_->async_send_erased(
          std::move(req), diag,
          [self, &diag, h = std::move(handler), second = std::move(second)](error_code ec, http::response res) mutable {
            if (ec || res.status != 401) {
              if (!ec && res.status == 200) {
                diag.http_status = 200;
                diag.client_message = self->name() + " (Azure Arc): the endpoint answered without the 401 challenge";
                std::move(h)(make_error_code(errc::protocol_error), access_token{});
                return;
              }
              self->complete(ec, res, diag, h, nullptr);
              return;
            }
            auto challenge = res.headers.get(wire::arc_challenge_header);
            secret_string key;
            std::string why;
            error_code read_ec = challenge ? read_arc_key(*challenge, self->config().arc_key_directory, key, why)
                                           : make_error_code(errc::protocol_error);
            if (!challenge) why = "the 401 answer has no WWW-Authenticate challenge";
            if (read_ec) {
              diag.clear();
              diag.http_status = res.status;
              diag.client_message = self->name() + " (Azure Arc): " + why;
              std::move(h)(read_ec, access_token{});
              return;
            }
            second.headers.set("Authorization", std::string(wire::arc_authorization_prefix) + key.reveal());
            self->sender().async_send_erased(
                std::move(second), diag,
                [self, &diag, h = std::move(h), key = std::move(key)](error_code ec2, http::response res2) mutable {
                  self->complete(ec2, res2, diag, h, &key);
                });
          });
      return;
    }
    case managed_identity_source::unsupported: break;
  }
  diag = detail::client_text(name() + ": unsupported managed identity source");
  std::move(handler)(make_error_code(errc::precondition_failed), access_token{});
}

std::shared_ptr<detail::token_source> make_source(http::sender& sender, managed_identity_options& options) {
  auto cache = detail::cache_or_new(std::move(options.cache));
  const std::string name(cred_name);
  auto unconfigured = [&](errc code, diagnostics why) -> std::shared_ptr<detail::token_source> {
    return std::make_shared<detail::unconfigured_source>(name, sender.get_executor(), cache, make_error_code(code),
                                                         std::move(why));
  };

  mi_config config;
  config.kind = detect_source();
  config.retry = options.imds_retry;
  config.probe = options.probe_imds;
  config.probe_timeout = options.probe_timeout;
  config.arc_key_directory =
      options.arc_key_directory.empty() ? std::string(wire::arc_key_directory_linux) : options.arc_key_directory;

  int ids = !options.client_id.empty() + !options.object_id.empty() + !options.resource_id.empty();
  if (ids > 1) {
    return unconfigured(errc::invalid_argument,
                        detail::invalid_setting(name, "client_id, object_id, resource_id", "more than one is set",
                                                "name a user-assigned identity by one id only"));
  }

  switch (config.kind) {
    case managed_identity_source::unsupported:
      return unconfigured(errc::precondition_failed,
                          detail::client_text(name + ": the managed identity of this environment (" +
                                              (detail::env(wire::env_msi_endpoint) ? "MSI_ENDPOINT: Cloud Shell or legacy App Service"
                                                                                    : "Service Fabric") +
                                              ") is not supported"));
    case managed_identity_source::imds: {
      auto host = options.imds_endpoint;
      if (host.empty()) host = detail::env(wire::env_imds_host).value_or(std::string(wire::imds_default_host));
      while (!host.empty() && host.back() == '/') host.pop_back();
      config.endpoint = host + std::string(wire::imds_token_path);
      config.api_version = wire::imds_api_version;
      if (!options.client_id.empty()) config.id_param = wire::imds_client_id_param;
      if (!options.object_id.empty()) config.id_param = wire::imds_object_id_param;
      if (!options.resource_id.empty()) config.id_param = wire::imds_resource_id_param;
      break;
    }
    case managed_identity_source::app_service:
      config.endpoint = *detail::env(wire::env_identity_endpoint);
      config.api_version = wire::app_service_api_version;
      config.identity_header = secret_string(*detail::env(wire::env_identity_header));
      if (!options.client_id.empty()) config.id_param = wire::app_service_client_id_param;
      if (!options.object_id.empty()) config.id_param = wire::app_service_object_id_param;
      if (!options.resource_id.empty()) config.id_param = wire::app_service_resource_id_param;
      break;
    case managed_identity_source::azure_arc:
      if (ids > 0) {
        return unconfigured(errc::invalid_argument,
                            detail::invalid_setting(name, "client_id, object_id, resource_id",
                                                    "Azure Arc supports only the system-assigned identity",
                                                    "leave the user-assigned identity unset on an Arc-enabled server"));
      }
      config.endpoint = *detail::env(wire::env_identity_endpoint);
      config.api_version = wire::arc_api_version;
      break;
  }
  config.id_value = options.client_id + options.object_id + options.resource_id;
  if (!detail::split_url(config.endpoint)) {
    return unconfigured(errc::invalid_argument,
                        detail::invalid_setting(name, "managed identity endpoint",
                                                "'" + config.endpoint + "' is not an absolute http(s) URL",
                                                "check IDENTITY_ENDPOINT or AZURE_POD_IDENTITY_AUTHORITY_HOST"));
  }
  return std::make_shared<mi_source>(sender, std::move(cache), std::move(config));
}

}  // namespace

managed_identity_credential::managed_identity_credential(http::sender& sender, managed_identity_options options)
    : cached_token_credential(make_source(sender, options)), source_(detect_source()) {}

}  // namespace amlk8s::auth
