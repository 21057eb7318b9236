#include <amlk8s/model/session.hpp>

#include <amlk8s/auth/bearer_authorizer.hpp>
#include <amlk8s/auth/client_secret_credential.hpp>
#include <amlk8s/auth/default_azure_credential.hpp>
#include <amlk8s/http/client.hpp>
#include <amlk8s/http/pipeline.hpp>
#include <amlk8s/kube/kubeconfig.hpp>

#include <boost/json/parse.hpp>

namespace amlk8s::model {

namespace {

// ARM's token scope (contracts/aml-workspace-and-auth.md §4).
constexpr std::string_view arm_scope = "https://management.azure.com/.default";

http::client_options transport_options(const session_options& o) {
  http::client_options t;
  t.ca_file = o.ca_file;
  return t;
}

std::shared_ptr<auth::token_credential> make_credential(http::sender& sender, const session_options& o) {
  if (!o.tenant_id.empty() && !o.client_id.empty() && !o.client_secret.empty()) {
    auth::client_secret_options co;
    co.authority_host = o.authority_host;
    return std::make_shared<auth::client_secret_credential>(sender, o.tenant_id, o.client_id, o.client_secret, co);
  }
  auth::default_azure_credential_options dopts;
  dopts.authority_host = o.authority_host;
  return std::make_shared<auth::default_azure_credential>(sender, dopts);
}

arm::client_options arm_options(const session_options& o) {
  arm::client_options a;
  a.endpoint = o.arm_endpoint;
  a.polling.timing.default_delay = o.poll_delay;
  a.polling.timing.max_delay = o.max_poll_delay;
  return a;
}

}  // namespace

struct session::state {
  explicit state(session_options o)
      : options(std::move(o)),
        transport(transport_options(options)),
        token_pipeline(transport),
        credential(make_credential(token_pipeline, options)),
        authorizer(credential, {std::string(arm_scope)}),
        arm_pipeline(transport, {}, &authorizer),
        arm(arm_pipeline, arm_options(options)),
        azureml(arm),
        extensions(arm),
        clusters(arm),
        providers(arm) {}

  session_options options;
  http::client transport;
  http::pipeline token_pipeline;
  std::shared_ptr<auth::token_credential> credential;
  auth::bearer_authorizer authorizer;
  http::pipeline arm_pipeline;
  arm::client arm;
  azureml_client azureml;
  extensions_client extensions;
  clusters_client clusters;
  providers_client providers;
};

session::session(session_options options) : st_(std::make_unique<state>(std::move(options))) {}
session::~session() = default;

std::unique_ptr<session> session::from_endpoints_json(std::string_view json_line) {
  boost::system::error_code ec;
  auto doc = boost::json::parse(json_line, ec);
  if (ec || !doc.is_object())
    throw validation_error({{"endpoints", "the text is not the JSON object `amlk8s-local serve` prints",
                             "pass the one line the server printed when it became ready"}});
  const auto& o = doc.as_object();
  auto text = [&](std::string_view key, bool required) -> std::string {
    const auto* v = o.if_contains(key);
    if (v != nullptr && v->is_string()) return std::string(v->as_string());
    if (required && (v == nullptr || !v->is_null()))
      throw validation_error({{"endpoints." + std::string(key), "the member is missing or not a string",
                               "pass the line `amlk8s-local serve` printed, unchanged"}});
    return {};
  };
  session_options s;
  s.arm_endpoint = text("arm_endpoint", true);
  s.authority_host = text("authority_host", true);
  s.tenant_id = text("tenant_id", true);
  s.client_id = text("client_id", true);
  s.client_secret = secret_string(text("client_secret", true));
  s.subscription_id = text("subscription_id", true);
  s.ca_file = text("ca_file", false);
  // The local control plane completes operations in milliseconds and sends Retry-After itself.
  s.poll_delay = std::chrono::milliseconds(50);
  s.max_poll_delay = std::chrono::milliseconds(1000);
  return std::make_unique<session>(std::move(s));
}

const session_options& session::options() const noexcept { return st_->options; }
const std::string& session::subscription_id() const noexcept { return st_->options.subscription_id; }
std::shared_ptr<auth::token_credential> session::credential() const { return st_->credential; }
arm::client& session::arm() noexcept { return st_->arm; }
const azureml_client& session::azureml() const noexcept { return st_->azureml; }
const extensions_client& session::extensions() const noexcept { return st_->extensions; }
const clusters_client& session::clusters() const noexcept { return st_->clusters; }
const providers_client& session::providers() const noexcept { return st_->providers; }

workspace_client session::workspace(const resource_id& id) {
  // Scoring requests carry the endpoint's key, never the ARM token: they go through the pipeline
  // without the ARM authorizer.
  return workspace_client(st_->arm, st_->token_pipeline, id);
}

workspace_client session::workspace(std::string_view resource_group, std::string_view name) {
  if (st_->options.subscription_id.empty())
    throw validation_error({{"subscription_id", "the session has no default subscription",
                             "set session_options::subscription_id, or pass the workspace's full id"}});
  return workspace(workspace_id(st_->options.subscription_id, resource_group, name));
}

kube::client session::kube_from_kubeconfig(const std::filesystem::path& kubeconfig, std::string_view context) const {
  kube::kubeconfig_overrides o;
  o.context = std::string(context);
  // On the session's I/O thread: a client with a thread of its own would be one more thread per
  // cluster, and one that can end up destroyed from its own last completion.
  return kube::client(st_->transport.get_executor(), kube::kubeconfig::load_file(kubeconfig).resolve(o));
}

}  // namespace amlk8s::model
