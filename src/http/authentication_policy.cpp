#include <amlk8s/http/authentication_policy.hpp>

#include "detail/completion.hpp"

#include <amlk8s/core/redact.hpp>
#include <amlk8s/http/retry.hpp>

#include <memory>
#include <optional>

namespace amlk8s::http {
namespace {

bool is_ipv4_loopback(std::string_view host) noexcept {
  // Four dotted decimal octets, the first 127.
  int parts = 0;
  int first = -1;
  while (true) {
    auto dot = host.find('.');
    auto part = host.substr(0, dot);
    if (part.empty() || part.size() > 3) return false;
    int value = 0;
    for (char c : part) {
      if (c < '0' || c > '9') return false;
      value = value * 10 + (c - '0');
    }
    if (value > 255) return false;
    if (first < 0) first = value;
    ++parts;
    if (dot == std::string_view::npos) break;
    host.remove_prefix(dot + 1);
  }
  return parts == 4 && first == 127;
}

class auth_op : public std::enable_shared_from_this<auth_op> {
 public:
  auth_op(sender& next, authorizer& auth, request req, diagnostics& diag, sender::handler_type handler,
          std::optional<body_sink> sink = std::nullopt)
      : next_(next),
        auth_(auth),
        req_(std::move(req)),
        diag_(diag),
        completion_(std::move(handler), next.get_executor()),
        sink_(std::move(sink)) {}

  void start() {
    authorize();
    completion_.initiated();
  }

  void fail_insecure() {
    diag_.client_message = "refused to send credentials over plain http";
    diag_.validation.push_back({"url",
                                "'" + redact_url(req_.url) +
                                    "' is plain http to a host that is not loopback: credentials would travel in clear text",
                                "use https://, or set pipeline_options.allow_credentials_over_http for a trusted network"});
    completion_.complete(errc::invalid_argument, {});
    completion_.initiated();
  }

 private:
  void authorize() {
    auth_.async_authorization(req_, diag_, completion_.step([self = shared_from_this()](error_code ec, std::string value) {
      self->on_authorization(ec, std::move(value));
    }));
  }

  void on_authorization(error_code ec, std::string value) {
    if (ec) {
      completion_.complete(ec, {});
      return;
    }
    // The value goes into a header verbatim: a line break would let it forge other headers.
    if (value.find_first_of("\r\n") != std::string::npos || value.find('\0') != std::string::npos) {
      diag_.client_message = "the credential supplied an Authorization value with line breaks; it was not sent";
      completion_.complete(errc::authentication_failed, {});
      return;
    }
    req_.headers.set("Authorization", std::move(value));
    bool may_reauthorize = !reauthorized_ && is_safe_to_resend(req_);
    // Keep the request only when it may be needed again.
    request to_send;
    if (may_reauthorize) {
      to_send = req_;
    } else {
      to_send = std::move(req_);
    }
    auto done = completion_.step([self = shared_from_this(), may_reauthorize](error_code send_ec, response resp) {
      self->on_response(send_ec, std::move(resp), may_reauthorize);
    });
    if (!sink_) {
      next_.async_send_erased(std::move(to_send), diag_, std::move(done));
      return;
    }
    // A 401 that will be retried with a fresh credential is not the answer: its body stays here.
    next_.async_send_streaming_erased(std::move(to_send), diag_,
                                      [sink = *sink_, may_reauthorize](const response& head, std::string_view data) {
                                        if (may_reauthorize && head.status == 401) return;
                                        if (sink) sink(head, data);
                                      },
                                      std::move(done));
  }

  void on_response(error_code ec, response resp, bool may_reauthorize) {
    if (!ec && resp.status == 401 && may_reauthorize) {
      reauthorized_ = true;
      auth_.invalidate();
      diag_.client_message.clear();
      authorize();
      return;
    }
    completion_.complete(ec, std::move(resp));
  }

  sender& next_;
  authorizer& auth_;
  request req_;
  diagnostics& diag_;
  detail::send_completion completion_;
  std::optional<body_sink> sink_;  // set for a streamed request
  bool reauthorized_ = false;
};

void start_auth_op(const std::shared_ptr<auth_op>& op, bool insecure) {
  if (insecure) {
    op->fail_insecure();
  } else {
    op->start();
  }
}

}  // namespace

bool is_plain_http_to_remote_host(std::string_view url) noexcept {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos || !iequals(url.substr(0, scheme_end), "http")) return false;
  auto authority = url.substr(scheme_end + 3);
  authority = authority.substr(0, std::min(authority.find_first_of("/?#"), authority.size()));
  if (auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  std::string_view host;
  if (authority.starts_with('[')) {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return true;
    host = authority.substr(1, close - 1);
    return !(host == "::1" || iequals(host, "0:0:0:0:0:0:0:1"));
  }
  host = authority.substr(0, authority.find(':'));
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  return !(iequals(host, "localhost") || is_ipv4_loopback(host));
}

void authentication_policy::async_send_erased(request req, diagnostics& diag, handler_type handler) {
  bool insecure = !allow_credentials_over_http_ && is_plain_http_to_remote_host(req.url);
  start_auth_op(std::make_shared<auth_op>(next_, auth_, std::move(req), diag, std::move(handler)), insecure);
}

void authentication_policy::async_send_streaming_erased(request req, diagnostics& diag, body_sink sink, handler_type handler) {
  bool insecure = !allow_credentials_over_http_ && is_plain_http_to_remote_host(req.url);
  start_auth_op(std::make_shared<auth_op>(next_, auth_, std::move(req), diag, std::move(handler), std::move(sink)), insecure);
}

}  // namespace amlk8s::http
