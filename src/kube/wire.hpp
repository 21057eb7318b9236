// Every wire detail of the kube layer in one place, each with the contract section it comes from
// (/work/shared/design/contracts/kubernetes.md, "§" below).
#pragma once

#include <string_view>

namespace amlk8s::kube::wire {

// §3.1 kubeconfig field names (exact).
inline constexpr std::string_view clusters = "clusters";
inline constexpr std::string_view users = "users";
inline constexpr std::string_view contexts = "contexts";
inline constexpr std::string_view current_context = "current-context";
inline constexpr std::string_view name = "name";
inline constexpr std::string_view cluster = "cluster";
inline constexpr std::string_view user = "user";
inline constexpr std::string_view context = "context";
inline constexpr std::string_view server = "server";
inline constexpr std::string_view certificate_authority = "certificate-authority";
inline constexpr std::string_view certificate_authority_data = "certificate-authority-data";
inline constexpr std::string_view insecure_skip_tls_verify = "insecure-skip-tls-verify";
inline constexpr std::string_view tls_server_name = "tls-server-name";
inline constexpr std::string_view proxy_url = "proxy-url";
inline constexpr std::string_view client_certificate = "client-certificate";
inline constexpr std::string_view client_certificate_data = "client-certificate-data";
inline constexpr std::string_view client_key = "client-key";
inline constexpr std::string_view client_key_data = "client-key-data";
inline constexpr std::string_view token = "token";
inline constexpr std::string_view token_file = "tokenFile";
inline constexpr std::string_view username = "username";
inline constexpr std::string_view password = "password";
inline constexpr std::string_view auth_provider = "auth-provider";
inline constexpr std::string_view exec = "exec";
inline constexpr std::string_view namespace_ = "namespace";
inline constexpr std::string_view default_namespace = "default";
// §3.1 loading: KUBECONFIG is a ':'-separated list; the fallback is ~/.kube/config.
inline constexpr std::string_view kubeconfig_env = "KUBECONFIG";
inline constexpr char kubeconfig_separator = ':';

// §3.3 exec plugin configuration and the ExecCredential exchange.
inline constexpr std::string_view exec_api_version = "apiVersion";
inline constexpr std::string_view exec_command = "command";
inline constexpr std::string_view exec_args = "args";
inline constexpr std::string_view exec_env = "env";
inline constexpr std::string_view exec_env_name = "name";
inline constexpr std::string_view exec_env_value = "value";
inline constexpr std::string_view exec_install_hint = "installHint";
inline constexpr std::string_view exec_provide_cluster_info = "provideClusterInfo";
inline constexpr std::string_view exec_interactive_mode = "interactiveMode";
inline constexpr std::string_view exec_v1 = "client.authentication.k8s.io/v1";
inline constexpr std::string_view exec_v1beta1 = "client.authentication.k8s.io/v1beta1";
inline constexpr std::string_view exec_info_env = "KUBERNETES_EXEC_INFO";
inline constexpr std::string_view exec_credential_kind = "ExecCredential";
inline constexpr std::string_view exec_status_token = "token";
inline constexpr std::string_view exec_status_client_certificate_data = "clientCertificateData";
inline constexpr std::string_view exec_status_client_key_data = "clientKeyData";
inline constexpr std::string_view exec_status_expiration = "expirationTimestamp";

// §3.4 in-cluster configuration.
inline constexpr std::string_view service_host_env = "KUBERNETES_SERVICE_HOST";
inline constexpr std::string_view service_port_env = "KUBERNETES_SERVICE_PORT";

// §2.5 patch and delete bodies; §2.2 /version.
inline constexpr std::string_view merge_patch_content_type = "application/merge-patch+json";
inline constexpr std::string_view json_content_type = "application/json";
inline constexpr std::string_view propagation_policy = "propagationPolicy";
inline constexpr std::string_view version_path = "/version";

// §2.6 metav1.Status.
inline constexpr std::string_view status_kind = "Status";
inline constexpr std::string_view status_reason = "reason";
inline constexpr std::string_view status_message = "message";
inline constexpr std::string_view status_details = "details";
inline constexpr std::string_view status_causes = "causes";
inline constexpr std::string_view status_cause_reason = "reason";
inline constexpr std::string_view status_cause_message = "message";
inline constexpr std::string_view status_cause_field = "field";
// The request id a Kubernetes API server sends back (diagnostics::request_id).
inline constexpr std::string_view audit_id_header = "Audit-Id";

// §2.7 list options and the list body.
inline constexpr std::string_view label_selector = "labelSelector";
inline constexpr std::string_view field_selector = "fieldSelector";
inline constexpr std::string_view limit = "limit";
inline constexpr std::string_view continue_ = "continue";
inline constexpr std::string_view resource_version = "resourceVersion";
inline constexpr std::string_view items = "items";
inline constexpr std::string_view metadata = "metadata";

// §2.7 watch: `?watch=true` and its parameters; the body is one WatchEvent JSON object per line.
inline constexpr std::string_view watch = "watch";
inline constexpr std::string_view timeout_seconds = "timeoutSeconds";
inline constexpr std::string_view allow_watch_bookmarks = "allowWatchBookmarks";
inline constexpr std::string_view event_type = "type";
inline constexpr std::string_view event_object = "object";
inline constexpr std::string_view event_added = "ADDED";
inline constexpr std::string_view event_modified = "MODIFIED";
inline constexpr std::string_view event_deleted = "DELETED";
inline constexpr std::string_view event_bookmark = "BOOKMARK";
inline constexpr std::string_view event_error = "ERROR";
// The `code` of the Status an ERROR event carries (410: the resourceVersion is too old).
inline constexpr std::string_view status_code = "code";

}  // namespace amlk8s::kube::wire
