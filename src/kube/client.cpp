#include <amlk8s/kube/client.hpp>

#include "arm/blocking.hpp"
#include "kube/wire.hpp"

#include <amlk8s/core/redact.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <atomic>
#include <future>

namespace amlk8s::kube {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

std::string percent_encode(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

void append_query(std::string& url, std::string_view name, std::string_view value) {
  url += url.find('?') == std::string::npos ? '?' : '&';
  url += name;
  url += '=';
  url += percent_encode(value);
}

error_code reject(diagnostics& diag, std::string field, std::string message, std::string fix) {
  diag.client_message = field + ": " + message;
  diag.validation.push_back({std::move(field), std::move(message), std::move(fix)});
  return make_error_code(errc::invalid_argument);
}

std::string shorten(std::string text, std::size_t limit) {
  if (text.size() > limit) text = text.substr(0, limit) + "...";
  return text;
}

// Fills `diag` from a non-2xx answer, reading the metav1.Status body (§2.6).
error_code read_status(const http::response& res, diagnostics& diag) {
  diag.http_status = res.status;
  if (auto id = res.headers.get(wire::audit_id_header)) diag.request_id = std::string(*id);
  boost::system::error_code ec;
  auto body = json::parse(res.body, ec);
  if (!ec && body.is_object()) {
    const auto& o = body.as_object();
    auto text = [](const json::object& obj, std::string_view key) {
      auto it = obj.find(key);
      return it != obj.end() && it->value().is_string() ? std::string(it->value().as_string()) : std::string();
    };
    diag.service_code = redact_text(text(o, wire::status_reason));
    diag.service_message = redact_text(text(o, wire::status_message));
    if (auto d = o.find(wire::status_details); d != o.end() && d->value().is_object()) {
      if (auto c = d->value().as_object().find(wire::status_causes); c != d->value().as_object().end() && c->value().is_array()) {
        for (const auto& cause : c->value().as_array()) {
          if (!cause.is_object()) continue;
          const auto& co = cause.as_object();
          diag.details.push_back({redact_text(text(co, wire::status_cause_reason)), redact_text(text(co, wire::status_cause_message)),
                                  redact_text(text(co, wire::status_cause_field))});
        }
      }
    }
  } else if (!res.body.empty()) {
    diag.service_message = shorten(redact_text(res.body), 300);
  }
  errc code = errc_from_http_status(res.status);
  if (code == errc::ok) {
    diag.client_message = "unexpected HTTP " + std::to_string(res.status) + " from the Kubernetes API";
    code = errc::protocol_error;
  }
  return make_error_code(code);
}

// The answer of one request: JSON for 2xx (null when empty), the Status for the rest.
error_code read_answer(error_code ec, const http::response& res, json::value& out, diagnostics& diag) {
  if (ec) return ec;  // the pipeline filled diag
  if (res.status < 200 || res.status >= 300) return read_status(res, diag);
  if (res.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    out = nullptr;
    return {};
  }
  boost::system::error_code parse_ec;
  out = json::parse(res.body, parse_ec);
  if (parse_ec) {
    diag.http_status = res.status;
    diag.client_message = "the Kubernetes API answered HTTP " + std::to_string(res.status) +
                          " with a body that is not JSON: " + shorten(redact_text(res.body), 200);
    return make_error_code(errc::protocol_error);
  }
  return {};
}

// One list page (§2.7) into an object_list; false when the body is not a list.
bool read_list(json::value body, object_list& out) {
  if (!body.is_object()) return false;
  auto& o = body.as_object();
  auto items = o.find(wire::items);
  if (items != o.end() && items->value().is_array()) {
    for (auto& item : items->value().as_array()) out.items.push_back(std::move(item));
  } else if (items != o.end() && !items->value().is_null()) {
    return false;
  }
  out.resource_version.clear();
  out.continue_token.clear();
  out.remaining_item_count.reset();
  if (auto m = o.find(wire::metadata); m != o.end() && m->value().is_object()) {
    const auto& meta = m->value().as_object();
    if (auto rv = meta.find(wire::resource_version); rv != meta.end() && rv->value().is_string())
      out.resource_version = rv->value().as_string();
    if (auto c = meta.find(wire::continue_); c != meta.end() && c->value().is_string())
      out.continue_token = c->value().as_string();
    if (auto r = meta.find("remainingItemCount"); r != meta.end() && r->value().is_int64())
      out.remaining_item_count = r->value().as_int64();
  }
  return true;
}

// Sends one request and completes with its JSON answer.
struct object_op {
  http::sender* sender;
  http::request req;
  diagnostics* diag;
  error_code early;
  bool posted = false;
  bool text = false;  // a 2xx body is text (pods/log), completed as a JSON string

  template <class Self>
  void operator()(Self& self) {
    if (early) {
      if (!posted) {  // never complete from inside the initiating call
        posted = true;
        auto ex = sender->get_executor();
        asio::post(ex, std::move(self));
        return;
      }
      self.complete(early, json::value{});
      return;
    }
    http::sender& s = *sender;
    diagnostics& d = *diag;
    http::async_send(s, std::move(req), d, std::move(self));
  }

  template <class Self>
  void operator()(Self& self, error_code ec, http::response res) {
    json::value out;
    if (!ec && text && res.status >= 200 && res.status < 300) {
      self.complete(error_code{}, json::value(json::string(res.body)));
      return;
    }
    auto result = read_answer(ec, res, out, *diag);
    self.complete(result, std::move(out));
  }
};

// Sends list requests, following metadata.continue when `all_pages` is set.
struct list_op {
  http::sender* sender;
  std::string url;  // without limit/continue
  list_options options;
  bool all_pages;
  diagnostics* diag;
  error_code early;
  object_list result{};
  bool posted = false;

  http::request page_request() const {
    http::request r;
    r.method = http::verb::get;
    r.url = url;
    if (options.limit > 0) append_query(r.url, wire::limit, std::to_string(options.limit));
    if (!options.continue_token.empty()) append_query(r.url, wire::continue_, options.continue_token);
    r.headers.set("Accept", std::string(wire::json_content_type));
    return r;
  }

  template <class Self>
  void operator()(Self& self) {
    if (early) {
      if (!posted) {
        posted = true;
        auto ex = sender->get_executor();
        asio::post(ex, std::move(self));
        return;
      }
      self.complete(early, object_list{});
      return;
    }
    http::sender& s = *sender;
    diagnostics& d = *diag;
    http::async_send(s, page_request(), d, std::move(self));
  }

  template <class Self>
  void operator()(Self& self, error_code ec, http::response res) {
    json::value body;
    if (auto failed = read_answer(ec, res, body, *diag)) {
      self.complete(failed, object_list{});
      return;
    }
    if (!read_list(std::move(body), result)) {
      diag->http_status = res.status;
      diag->client_message = "the Kubernetes API answered a list request with something that is not a list";
      self.complete(make_error_code(errc::protocol_error), object_list{});
      return;
    }
    if (all_pages && !result.continue_token.empty()) {
      options.continue_token = result.continue_token;
      http::sender& s = *sender;
      diagnostics& d = *diag;
      http::async_send(s, page_request(), d, std::move(self));
      return;
    }
    self.complete(error_code{}, std::move(result));
  }
};

// Turns the body of a watch into events as it arrives: one WatchEvent JSON object per line (§2.7).
// The sink and the completion share it; both run on the transport's I/O, one after the other.
struct watch_decoder {
  static constexpr std::size_t max_error_body = 64 * 1024;

  watch_event_handler on_event;
  diagnostics* diag;
  int status = 0;
  std::string partial;     // the start of a line whose end has not arrived
  std::string error_body;  // the body of a non-2xx answer (a Status)
  std::string last_rv;
  error_code failure;      // an ERROR event, or a line that is not a WatchEvent
  bool stopped = false;    // nothing after an ERROR event or a bad line is delivered

  void feed(const http::response& head, std::string_view data) {
    status = head.status;
    if (status < 200 || status >= 300) {
      if (error_body.size() < max_error_body) error_body.append(data.substr(0, max_error_body - error_body.size()));
      return;
    }
    if (stopped || data.empty()) return;
    partial.append(data);
    std::size_t start = 0;
    for (auto nl = partial.find('\n'); nl != std::string::npos && !stopped; nl = partial.find('\n', start)) {
      line(std::string_view(partial).substr(start, nl - start));
      start = nl + 1;
    }
    partial.erase(0, start);
  }

  // What is left when the body ends: a last line without its newline.
  void end() {
    if (!stopped && status >= 200 && status < 300 && !partial.empty()) line(partial);
    partial.clear();
  }

  void bad_line(std::string why) {
    failure = make_error_code(errc::protocol_error);
    diag->http_status = status;
    diag->client_message = "the Kubernetes API sent a watch event that " + why;
    stopped = true;
  }

  void line(std::string_view text) {
    while (!text.empty() && (text.back() == '\r' || text.back() == ' ')) text.remove_suffix(1);
    if (text.find_first_not_of(" \t") == std::string_view::npos) return;
    boost::system::error_code parse_ec;
    auto v = json::parse(text, parse_ec);
    if (parse_ec || !v.is_object()) return bad_line("is not JSON: " + shorten(redact_text(std::string(text)), 200));
    auto& o = v.as_object();
    auto t = o.find(wire::event_type);
    auto obj = o.find(wire::event_object);
    if (t == o.end() || !t->value().is_string() || obj == o.end() || !obj->value().is_object())
      return bad_line("has no type or object");
    std::string_view type = t->value().as_string();
    watch_event e;
    if (type == wire::event_added) e.type = watch_event_type::added;
    else if (type == wire::event_modified) e.type = watch_event_type::modified;
    else if (type == wire::event_deleted) e.type = watch_event_type::deleted;
    else if (type == wire::event_bookmark) e.type = watch_event_type::bookmark;
    else if (type == wire::event_error) e.type = watch_event_type::error;
    else return bad_line("has the unknown type '" + shorten(redact_text(std::string(type)), 40) + "'");
    e.object = std::move(obj->value().as_object());
    if (e.type == watch_event_type::error) {
      // §2.7: the Status of an ERROR event, as for a non-2xx answer (410 Expired: list again).
      int code = 500;
      if (auto c = e.object.find(wire::status_code); c != e.object.end() && c->value().is_int64())
        code = static_cast<int>(c->value().as_int64());
      http::response as_answer;
      as_answer.status = code;
      as_answer.body = json::serialize(e.object);
      failure = read_status(as_answer, *diag);
      stopped = true;
    } else if (auto m = e.object.find(wire::metadata); m != e.object.end() && m->value().is_object()) {
      const auto& meta = m->value().as_object();
      if (auto rv = meta.find(wire::resource_version); rv != meta.end() && rv->value().is_string())
        last_rv = rv->value().as_string();
    }
    if (on_event) on_event(std::move(e));
  }
};

// Sends the watch request and completes when its stream ends.
struct watch_op {
  http::sender* sender;
  http::request req;
  diagnostics* diag;
  std::shared_ptr<watch_decoder> decoder;
  error_code early;
  bool posted = false;

  template <class Self>
  void operator()(Self& self) {
    if (early) {
      if (!posted) {  // never complete from inside the initiating call
        posted = true;
        auto ex = sender->get_executor();
        asio::post(ex, std::move(self));
        return;
      }
      self.complete(early, std::string());
      return;
    }
    http::sender& s = *sender;
    diagnostics& d = *diag;
    http::async_send_streaming(s, std::move(req), d,
                               [dec = decoder](const http::response& head, std::string_view data) { dec->feed(head, data); },
                               std::move(self));
  }

  template <class Self>
  void operator()(Self& self, error_code ec, http::response head) {
    auto& dec = *decoder;
    if (!ec) dec.end();
    if (dec.failure) {
      self.complete(dec.failure, std::move(dec.last_rv));
      return;
    }
    if (ec) {
      self.complete(ec, std::move(dec.last_rv));  // the pipeline filled diag
      return;
    }
    if (head.status < 200 || head.status >= 300) {
      head.body = std::move(dec.error_body);
      self.complete(read_status(head, *diag), std::string());
      return;
    }
    self.complete(error_code{}, std::move(dec.last_rv));
  }
};

http::client_options transport_options(const cluster_config& c, http::client_options o) {
  if (c.insecure_skip_tls_verify && !c.ca_pem.empty())
    throw validation_error({{"cluster.insecure-skip-tls-verify", "specifying a root certificates file with the insecure flag is not allowed",
                             "remove insecure-skip-tls-verify, or remove certificate-authority(-data)"}});
  if (!c.ca_pem.empty()) o.ca_pem = c.ca_pem;
  if (c.insecure_skip_tls_verify) o.verify_peer = false;
  if (!c.tls_server_name.empty()) o.tls_server_name = c.tls_server_name;
  if (!c.client_certificate_pem.empty()) {
    o.client_certificate_pem = c.client_certificate_pem;
    o.client_key_pem = c.client_key_pem;
  }
  if (!c.proxy_url.empty()) {
    // The transport tunnels through http:// proxies only; socks5 and TLS-to-proxy are not supported.
    if (!c.proxy_url.starts_with("http://"))
      throw validation_error({{"cluster.proxy-url", "'" + redact_url(c.proxy_url) + "' is not supported: only http:// proxies are",
                               "use an http:// proxy, or remove proxy-url"}});
    o.proxy = http::proxy_settings{c.proxy_url, c.proxy_url, {}};
  }
  // A kubeconfig may name a plain-http server (kubectl sends no credentials to it then, §3.2).
  if (c.server.starts_with("http://")) o.allow_insecure_http = true;
  return o;
}

}  // namespace

struct client::state {
  cluster_config config;
  std::shared_ptr<http::sender> transport;
  std::shared_ptr<credential_authorizer> auth;
  std::unique_ptr<http::pipeline> pipeline;

  void build(client_options options) {
    while (config.server.size() > 1 && config.server.back() == '/') config.server.pop_back();
    if (config.ns.empty()) config.ns = std::string(wire::default_namespace);
    // §3.2: credentials are attached only over TLS.
    bool tls = config.server.starts_with("https://");
    if (tls && config.auth != auth_kind::none)
      auth = std::make_shared<credential_authorizer>(transport->get_executor(), config, options.credentials);
    pipeline = std::make_unique<http::pipeline>(transport, std::move(options.pipeline), auth);
  }

  std::string resolve_ns(std::string_view ns) const {
    if (ns == all_namespaces) return {};
    return ns.empty() ? config.ns : std::string(ns);
  }

  error_code object_url(const resource& r, std::string_view ns, std::string_view name, std::string& url,
                        diagnostics& diag) const {
    if (name.empty()) return reject(diag, "name", "is empty", "pass the object's metadata.name");
    if (r.namespaced && ns == all_namespaces)
      return reject(diag, "namespace", "'*' (all namespaces) only applies to lists", "name the object's namespace");
    url = config.server + r.object_path(resolve_ns(ns), name);
    return {};
  }

  void send(http::request req, error_code early, diagnostics& diag, handler_type handler) {
    req.headers.set("Accept", std::string(wire::json_content_type));
    asio::async_compose<handler_type, signature>(object_op{pipeline.get(), std::move(req), &diag, early}, handler,
                                                 pipeline->get_executor());
  }

  static http::request with_body(http::verb method, std::string url, const json::value& body, std::string_view content_type) {
    http::request req;
    req.method = method;
    req.url = std::move(url);
    req.body = json::serialize(body);
    req.headers.set("Content-Type", std::string(content_type));
    return req;
  }
};

client::client(cluster_config config, client_options options) : state_(std::make_shared<state>()) {
  state_->config = std::move(config);
  state_->transport = std::make_shared<http::client>(transport_options(state_->config, std::move(options.http)));
  state_->build(std::move(options));
}

client::client(boost::asio::any_io_executor executor, cluster_config config, client_options options)
    : state_(std::make_shared<state>()) {
  state_->config = std::move(config);
  state_->transport =
      std::make_shared<http::client>(std::move(executor), transport_options(state_->config, std::move(options.http)));
  state_->build(std::move(options));
}

client::client(std::shared_ptr<http::sender> transport, cluster_config config, client_options options)
    : state_(std::make_shared<state>()) {
  if (!transport) throw error(errc::invalid_argument, "kube::client: the transport is null");
  state_->config = std::move(config);
  state_->transport = std::move(transport);
  state_->build(std::move(options));
}

const cluster_config& client::config() const noexcept { return state_->config; }

boost::asio::any_io_executor client::get_executor() const { return state_->pipeline->get_executor(); }

std::string resource::api_version() const { return group.empty() ? version : group + "/" + version; }

std::string resource::collection_path(std::string_view ns) const {
  std::string p = group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
  if (namespaced && !ns.empty()) p += "/namespaces/" + percent_encode(ns);
  return p + "/" + plural;
}

std::string resource::object_path(std::string_view ns, std::string_view name) const {
  return collection_path(ns) + "/" + percent_encode(name);
}

void client::get_erased(const resource& r, std::string_view ns, std::string_view name, diagnostics& diag,
                        handler_type h) const {
  diag.clear();
  http::request req;
  auto early = state_->object_url(r, ns, name, req.url, diag);
  state_->send(std::move(req), early, diag, std::move(h));
}

void client::list_erased(const resource& r, std::string_view ns, list_options options, bool all_pages,
                         diagnostics& diag, list_handler_type h) const {
  diag.clear();
  error_code early;
  std::string url = state_->config.server + r.collection_path(state_->resolve_ns(ns));
  if (options.limit < 0) early = reject(diag, "limit", "is negative", "pass 0 (no limit) or a page size");
  if (!options.label_selector.empty()) append_query(url, wire::label_selector, options.label_selector);
  if (!options.field_selector.empty()) append_query(url, wire::field_selector, options.field_selector);
  if (!options.resource_version.empty()) append_query(url, wire::resource_version, options.resource_version);
  list_op op{state_->pipeline.get(), std::move(url), std::move(options), all_pages, &diag, early};
  asio::async_compose<list_handler_type, list_signature>(std::move(op), h, state_->pipeline->get_executor());
}

void client::create_erased(const resource& r, std::string_view ns, boost::json::value object, diagnostics& diag,
                           handler_type h) const {
  diag.clear();
  error_code early;
  if (!object.is_object())
    early = reject(diag, "object", "is not a JSON object", "pass the object with apiVersion, kind and metadata");
  auto req = state::with_body(http::verb::post, state_->config.server + r.collection_path(state_->resolve_ns(ns)), object,
                              wire::json_content_type);
  if (r.namespaced && ns == all_namespaces)
    early = reject(diag, "namespace", "'*' (all namespaces) only applies to lists", "name the namespace to create in");
  state_->send(std::move(req), early, diag, std::move(h));
}

void client::replace_erased(const resource& r, std::string_view ns, std::string_view name, boost::json::value object,
                            diagnostics& diag, handler_type h) const {
  diag.clear();
  std::string url;
  auto early = state_->object_url(r, ns, name, url, diag);
  if (!early && !object.is_object())
    early = reject(diag, "object", "is not a JSON object", "pass the whole object, with metadata.resourceVersion");
  state_->send(state::with_body(http::verb::put, std::move(url), object, wire::json_content_type), early, diag, std::move(h));
}

void client::merge_patch_erased(const resource& r, std::string_view ns, std::string_view name, boost::json::value patch,
                                diagnostics& diag, handler_type h) const {
  diag.clear();
  std::string url;
  auto early = state_->object_url(r, ns, name, url, diag);
  if (!early && !patch.is_object())
    early = reject(diag, "patch", "is not a JSON object", "pass a JSON merge patch such as {\"metadata\":{\"labels\":{...}}}");
  // §2.5: a merge patch is not idempotent in general, but sending it twice gives the same result.
  auto req = state::with_body(http::verb::patch, std::move(url), patch, wire::merge_patch_content_type);
  req.safe_to_retry = true;
  state_->send(std::move(req), early, diag, std::move(h));
}

void client::delete_erased(const resource& r, std::string_view ns, std::string_view name, propagation policy,
                           diagnostics& diag, handler_type h) const {
  diag.clear();
  std::string url;
  auto early = state_->object_url(r, ns, name, url, diag);
  http::request req;
  req.method = http::verb::delete_;
  req.url = std::move(url);
  if (policy != propagation::server_default) {
    // §2.5: DeleteOptions, as kubectl sends it.
    json::object body;
    body[wire::propagation_policy] = policy == propagation::orphan       ? "Orphan"
                                     : policy == propagation::foreground ? "Foreground"
                                                                         : "Background";
    req.body = json::serialize(body);
    req.headers.set("Content-Type", std::string(wire::json_content_type));
  }
  state_->send(std::move(req), early, diag, std::move(h));
}

void client::pod_log_erased(std::string_view ns, std::string_view pod, const pod_log_options& options, diagnostics& diag,
                            handler_type h) const {
  diag.clear();
  http::request req;
  auto early = state_->object_url(resources::pods, ns, pod, req.url, diag);
  req.url += "/log";
  // §2.9: pods/log takes container, tailLines, limitBytes and previous as query parameters.
  if (!options.container.empty()) append_query(req.url, "container", options.container);
  if (options.tail_lines) append_query(req.url, "tailLines", std::to_string(*options.tail_lines));
  if (options.limit_bytes) append_query(req.url, "limitBytes", std::to_string(*options.limit_bytes));
  if (options.previous) append_query(req.url, "previous", "true");
  req.headers.set("Accept", "*/*");
  object_op op{state_->pipeline.get(), std::move(req), &diag, early};
  op.text = true;
  asio::async_compose<handler_type, signature>(std::move(op), h, state_->pipeline->get_executor());
}

std::string client::pod_log(std::string_view ns, std::string_view pod, const pod_log_options& options) const {
  diagnostics diag;
  auto [ec, value] = arm::detail::run_blocking<json::value>(
      [&](auto handler) { pod_log_erased(ns, pod, options, diag, std::move(handler)); });
  throw_on_error(ec, diag);
  return value.is_string() ? std::string(value.as_string()) : std::string();
}

void client::watch_erased(const resource& r, std::string_view ns, watch_options options, watch_event_handler on_event,
                          diagnostics& diag, watch_handler_type h) const {
  diag.clear();
  error_code early;
  http::request req;
  req.url = state_->config.server + r.collection_path(state_->resolve_ns(ns));
  append_query(req.url, wire::watch, "true");
  if (!options.label_selector.empty()) append_query(req.url, wire::label_selector, options.label_selector);
  if (!options.field_selector.empty()) append_query(req.url, wire::field_selector, options.field_selector);
  if (!options.resource_version.empty()) append_query(req.url, wire::resource_version, options.resource_version);
  if (options.timeout_seconds) {
    if (*options.timeout_seconds <= 0)
      early = reject(diag, "timeout_seconds", "must be positive (got " + std::to_string(*options.timeout_seconds) + ")",
                     "leave it unset to let the server choose, or pass a number of seconds");
    append_query(req.url, wire::timeout_seconds, std::to_string(*options.timeout_seconds));
  }
  if (options.allow_bookmarks) append_query(req.url, wire::allow_watch_bookmarks, "true");
  req.headers.set("Accept", std::string(wire::json_content_type));
  auto decoder = std::make_shared<watch_decoder>();
  decoder->on_event = std::move(on_event);
  decoder->diag = &diag;
  watch_op op{state_->pipeline.get(), std::move(req), &diag, std::move(decoder), early};
  asio::async_compose<watch_handler_type, watch_signature>(std::move(op), h, state_->pipeline->get_executor());
}

std::string_view to_string(watch_event_type t) noexcept {
  switch (t) {
    case watch_event_type::added: return wire::event_added;
    case watch_event_type::modified: return wire::event_modified;
    case watch_event_type::deleted: return wire::event_deleted;
    case watch_event_type::bookmark: return wire::event_bookmark;
    case watch_event_type::error: return wire::event_error;
  }
  return wire::event_error;
}

bool is_expired(const diagnostics& diag) noexcept { return diag.http_status == 410; }

void client::version_erased(diagnostics& diag, handler_type h) const {
  diag.clear();
  http::request req;
  req.url = state_->config.server + std::string(wire::version_path);
  state_->send(std::move(req), {}, diag, std::move(h));
}

namespace {

template <class Start>
json::value blocking(Start&& start) {
  diagnostics diag;
  auto [ec, value] = arm::detail::run_blocking<json::value>([&](auto handler) { start(diag, std::move(handler)); });
  throw_on_error(ec, diag);
  return std::move(value);
}

}  // namespace

json::value client::get(const resource& r, std::string_view ns, std::string_view name) const {
  return blocking([&](diagnostics& d, auto h) { get_erased(r, ns, name, d, std::move(h)); });
}

object_list client::list(const resource& r, std::string_view ns, list_options options) const {
  diagnostics diag;
  auto [ec, value] = arm::detail::run_blocking<object_list>(
      [&](auto handler) { list_erased(r, ns, std::move(options), true, diag, std::move(handler)); });
  throw_on_error(ec, diag);
  return std::move(value);
}

object_list client::list_page(const resource& r, std::string_view ns, list_options options) const {
  diagnostics diag;
  auto [ec, value] = arm::detail::run_blocking<object_list>(
      [&](auto handler) { list_erased(r, ns, std::move(options), false, diag, std::move(handler)); });
  throw_on_error(ec, diag);
  return std::move(value);
}

json::value client::create(const resource& r, std::string_view ns, json::value object) const {
  return blocking([&](diagnostics& d, auto h) { create_erased(r, ns, std::move(object), d, std::move(h)); });
}

json::value client::replace(const resource& r, std::string_view ns, std::string_view name, json::value object) const {
  return blocking([&](diagnostics& d, auto h) { replace_erased(r, ns, name, std::move(object), d, std::move(h)); });
}

json::value client::merge_patch(const resource& r, std::string_view ns, std::string_view name, json::value patch) const {
  return blocking([&](diagnostics& d, auto h) { merge_patch_erased(r, ns, name, std::move(patch), d, std::move(h)); });
}

json::value client::delete_(const resource& r, std::string_view ns, std::string_view name, propagation policy) const {
  return blocking([&](diagnostics& d, auto h) { delete_erased(r, ns, name, policy, d, std::move(h)); });
}

json::value client::version() const {
  return blocking([&](diagnostics& d, auto h) { version_erased(d, std::move(h)); });
}

std::string client::watch(const resource& r, std::string_view ns, watch_options options, watch_event_handler on_event,
                          std::stop_token stop) const {
  // The cancellation is emitted on the transport's executor, where the operation runs, and only
  // while it has not completed (the slot is cleared then).
  struct cancel_state {
    asio::cancellation_signal signal;
    std::atomic<bool> done{false};
  };
  auto cancel = std::make_shared<cancel_state>();
  diagnostics diag;
  std::promise<std::pair<error_code, std::string>> promise;
  auto result = promise.get_future();
  watch_erased(r, ns, std::move(options), std::move(on_event), diag,
               asio::bind_cancellation_slot(cancel->signal.slot(), [&promise, cancel](error_code ec, std::string rv) {
                 cancel->done = true;
                 promise.set_value({ec, std::move(rv)});
               }));
  std::stop_callback on_stop(stop, [ex = get_executor(), cancel] {
    asio::post(ex, [cancel] {
      if (!cancel->done) cancel->signal.emit(asio::cancellation_type::terminal);
    });
  });
  auto [ec, rv] = result.get();
  throw_on_error(ec, diag);
  return std::move(rv);
}

}  // namespace amlk8s::kube
