// The policy pipeline every protocol client sends through:
//   request id -> user agent -> retry -> authentication -> logging -> transport.
// Each policy is an http::sender decorating the next one; the pipeline is one too, so a client
// never knows whether it talks to a pipeline, a bare transport or a test fake.
#pragma once

#include <amlk8s/http/logging_policy.hpp>
#include <amlk8s/http/retry.hpp>
#include <amlk8s/http/sender.hpp>

#include <memory>
#include <string>

namespace amlk8s::http {

/// How a pipeline is put together: plain values with defaults.
struct pipeline_options {
  /// Appended to the User-Agent (at most 64 printable ASCII characters).
  std::string application_id;
  /// Retry behaviour; the defaults follow Azure's guidance plus 429.
  retry_options retry;
  /// Logging; off unless logging.sink is set. The sink also receives a line per retry.
  logging_options logging;
  /// Let credentials go over plain http:// to hosts that are not loopback (a trusted network only).
  bool allow_credentials_over_http = false;
};

/// The composed pipeline. Thread-safe: any number of operations may run at once. It must outlive
/// the operations it starts.
class pipeline final : public sender {
 public:
  /// Sends through `transport` and, when `auth` is given, with its credentials; neither is owned
  /// and both must outlive the pipeline. Throws amlk8s::error when `options` are invalid.
  explicit pipeline(sender& transport, pipeline_options options = {}, authorizer* auth = nullptr);
  /// The same, sharing ownership of the transport and the authorizer.
  explicit pipeline(std::shared_ptr<sender> transport, pipeline_options options = {},
                    std::shared_ptr<authorizer> auth = nullptr);
  pipeline(pipeline&&) noexcept;
  pipeline& operator=(pipeline&&) noexcept;
  ~pipeline() override;

  /// The options the pipeline was built with.
  const pipeline_options& options() const noexcept;

  /// The transport's executor.
  boost::asio::any_io_executor get_executor() override;
  void async_send_erased(request req, diagnostics& diag, handler_type handler) override;
  void async_send_streaming_erased(request req, diagnostics& diag, body_sink sink, handler_type handler) override;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace amlk8s::http
