#include <amlk8s/http/pipeline.hpp>

#include <amlk8s/http/authentication_policy.hpp>
#include <amlk8s/http/request_id_policy.hpp>
#include <amlk8s/http/retry_policy.hpp>
#include <amlk8s/http/user_agent_policy.hpp>

#include <optional>

namespace amlk8s::http {

// Policies refer to the next one by reference, so they live here, on the heap, in the order they
// are built (transport side first) and are destroyed in reverse.
struct pipeline::impl {
  impl(sender& transport, pipeline_options opts, authorizer* auth,
       std::shared_ptr<sender> owned_transport = nullptr, std::shared_ptr<authorizer> owned_auth = nullptr)
      : options(std::move(opts)),
        keep_transport(std::move(owned_transport)),
        keep_auth(std::move(owned_auth)),
        logging(transport, options.logging),
        authentication(make_authentication(auth)),
        retry(authentication ? static_cast<sender&>(*authentication) : logging, options.retry, options.logging.sink),
        user_agent(retry, options.application_id),
        request_id(user_agent) {}

  std::optional<authentication_policy> make_authentication(authorizer* auth) {
    std::optional<authentication_policy> p;
    if (auth) p.emplace(logging, *auth, options.allow_credentials_over_http);
    return p;
  }

  pipeline_options options;
  std::shared_ptr<sender> keep_transport;
  std::shared_ptr<authorizer> keep_auth;
  logging_policy logging;
  std::optional<authentication_policy> authentication;
  retry_policy retry;
  user_agent_policy user_agent;
  request_id_policy request_id;
};

namespace {

sender& require(const std::shared_ptr<sender>& transport) {
  if (!transport) throw error(errc::invalid_argument, "pipeline needs a transport, got a null pointer");
  return *transport;
}

}  // namespace

pipeline::pipeline(sender& transport, pipeline_options options, authorizer* auth)
    : impl_(std::make_unique<impl>(transport, std::move(options), auth)) {}

pipeline::pipeline(std::shared_ptr<sender> transport, pipeline_options options, std::shared_ptr<authorizer> auth)
    : impl_(std::make_unique<impl>(require(transport), std::move(options), auth.get(), transport, auth)) {}

pipeline::pipeline(pipeline&&) noexcept = default;
pipeline& pipeline::operator=(pipeline&&) noexcept = default;
pipeline::~pipeline() = default;

const pipeline_options& pipeline::options() const noexcept { return impl_->options; }

boost::asio::any_io_executor pipeline::get_executor() { return impl_->request_id.get_executor(); }

void pipeline::async_send_erased(request req, diagnostics& diag, handler_type handler) {
  impl_->request_id.async_send_erased(std::move(req), diag, std::move(handler));
}

void pipeline::async_send_streaming_erased(request req, diagnostics& diag, body_sink sink, handler_type handler) {
  impl_->request_id.async_send_streaming_erased(std::move(req), diag, std::move(sink), std::move(handler));
}

}  // namespace amlk8s::http
