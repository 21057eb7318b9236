// Every wire detail of the auth layer, in one place. Each group names the section of
// contracts/aml-workspace-and-auth.md it comes from; change a value here only with the contract.
#pragma once

#include <chrono>
#include <string_view>

namespace amlk8s::auth::wire {

using namespace std::string_view_literals;

// §4 "Resource vs scope": managed-identity sources and the CLI want a resource, which is the single
// scope with exactly this suffix stripped.
inline constexpr auto default_scope_suffix = "/.default"sv;

// §4.1 Entra v2 token endpoint: POST {authority}/{tenant}/oauth2/v2.0/token; ADFS uses /oauth2/token.
inline constexpr auto default_authority_host = "https://login.microsoftonline.com/"sv;
inline constexpr auto token_path_v2 = "/oauth2/v2.0/token"sv;
inline constexpr auto token_path_adfs = "/oauth2/token"sv;
inline constexpr auto adfs_tenant = "adfs"sv;
inline constexpr auto form_content_type = "application/x-www-form-urlencoded"sv;
inline constexpr auto json_content_type = "application/json"sv;
inline constexpr auto grant_client_credentials = "client_credentials"sv;
inline constexpr auto jwt_bearer_assertion_type = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"sv;

// §4.1 form fields of the client-credentials grant, in the order they are sent.
inline constexpr auto form_grant_type = "grant_type"sv;
inline constexpr auto form_client_assertion_type = "client_assertion_type"sv;
inline constexpr auto form_client_id = "client_id"sv;
inline constexpr auto form_client_secret = "client_secret"sv;
inline constexpr auto form_client_assertion = "client_assertion"sv;
inline constexpr auto form_scope = "scope"sv;

// §4.1, §4.2 token answer fields; numbers may arrive as strings.
inline constexpr auto answer_access_token = "access_token"sv;
inline constexpr auto answer_expires_in = "expires_in"sv;
inline constexpr auto answer_expires_on = "expires_on"sv;
inline constexpr auto answer_refresh_in = "refresh_in"sv;

// §4.1 error answers {error, error_description, trace_id, correlation_id} (managed-identity endpoints
// may send {error: {code, message}}), and the request id headers.
inline constexpr auto error_field = "error"sv;
inline constexpr auto error_description_field = "error_description"sv;
inline constexpr auto error_trace_id_field = "trace_id"sv;
inline constexpr auto error_correlation_id_field = "correlation_id"sv;
inline constexpr auto request_id_header = "x-ms-request-id"sv;
inline constexpr auto correlation_id_header = "x-ms-correlation-request-id"sv;

// §4.1 client assertion JWT: RS256 signed, valid for 10 minutes from now.
inline constexpr auto assertion_algorithm = "RS256"sv;
inline constexpr auto assertion_lifetime = std::chrono::minutes(10);

// §4.1 environment credential and authority variables; §4.3 workload identity variables.
inline constexpr auto env_authority_host = "AZURE_AUTHORITY_HOST"sv;
inline constexpr auto env_tenant_id = "AZURE_TENANT_ID"sv;
inline constexpr auto env_client_id = "AZURE_CLIENT_ID"sv;
inline constexpr auto env_client_secret = "AZURE_CLIENT_SECRET"sv;
inline constexpr auto env_client_certificate_path = "AZURE_CLIENT_CERTIFICATE_PATH"sv;
inline constexpr auto env_client_certificate_password = "AZURE_CLIENT_CERTIFICATE_PASSWORD"sv;
inline constexpr auto env_client_send_certificate_chain = "AZURE_CLIENT_SEND_CERTIFICATE_CHAIN"sv;
inline constexpr auto env_federated_token_file = "AZURE_FEDERATED_TOKEN_FILE"sv;

// §4.2 IMDS: GET {host}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=..., Metadata: true;
// user-assigned ids as client_id | object_id | msi_res_id. Host override from the environment.
inline constexpr auto query_api_version = "api-version"sv;
inline constexpr auto query_resource = "resource"sv;
inline constexpr auto imds_default_host = "http://169.254.169.254"sv;
inline constexpr auto imds_token_path = "/metadata/identity/oauth2/token"sv;
inline constexpr auto imds_api_version = "2018-02-01"sv;
inline constexpr auto env_imds_host = "AZURE_POD_IDENTITY_AUTHORITY_HOST"sv;
inline constexpr auto imds_client_id_param = "client_id"sv;
inline constexpr auto imds_object_id_param = "object_id"sv;
inline constexpr auto imds_resource_id_param = "msi_res_id"sv;
inline constexpr auto metadata_header = "Metadata"sv;

// §4.2 IMDS retries: 5 retries on 404, 410, 429 and 5xx from 800 ms doubling, capped at 60 s; 410
// starts at 3 s so that five doublings cover at least 70 s; 400 means "no such identity": no retry.
// Inside a credential chain the first request is a probe: 1 s, no retries.
inline constexpr int imds_max_retries = 5;
inline constexpr auto imds_initial_delay = std::chrono::milliseconds(800);
inline constexpr auto imds_gone_initial_delay = std::chrono::milliseconds(3000);
inline constexpr auto imds_max_delay = std::chrono::milliseconds(60000);
inline constexpr auto imds_gone_min_total = std::chrono::seconds(70);
inline constexpr auto imds_probe_timeout = std::chrono::milliseconds(1000);
inline constexpr auto retry_after_ms_header = "retry-after-ms"sv;
inline constexpr auto x_ms_retry_after_ms_header = "x-ms-retry-after-ms"sv;
inline constexpr auto retry_after_header = "Retry-After"sv;

// §4.3 App Service / Functions 2019-08-01: GET {IDENTITY_ENDPOINT}?api-version=2019-08-01&resource=...
// with X-IDENTITY-HEADER; user-assigned ids as client_id | principal_id | mi_res_id.
inline constexpr auto env_identity_endpoint = "IDENTITY_ENDPOINT"sv;
inline constexpr auto env_identity_header = "IDENTITY_HEADER"sv;
inline constexpr auto env_identity_server_thumbprint = "IDENTITY_SERVER_THUMBPRINT"sv;
inline constexpr auto env_msi_endpoint = "MSI_ENDPOINT"sv;
inline constexpr auto app_service_api_version = "2019-08-01"sv;
inline constexpr auto app_service_identity_header = "X-IDENTITY-HEADER"sv;
inline constexpr auto app_service_client_id_param = "client_id"sv;
inline constexpr auto app_service_object_id_param = "principal_id"sv;
inline constexpr auto app_service_resource_id_param = "mi_res_id"sv;

// §4.3 Azure Arc: IDENTITY_ENDPOINT and IMDS_ENDPOINT set; GET with Metadata: true answers 401 with
// "WWW-Authenticate: Basic realm=<path>"; the path must be a .key file of at most 4096 bytes in the
// agent's token folder; the GET is repeated with "Authorization: Basic <file contents>".
inline constexpr auto env_imds_endpoint = "IMDS_ENDPOINT"sv;
inline constexpr auto arc_api_version = "2019-11-01"sv;
inline constexpr auto arc_challenge_header = "WWW-Authenticate"sv;
inline constexpr auto arc_key_directory_linux = "/var/opt/azcmagent/tokens"sv;
inline constexpr auto arc_key_extension = ".key"sv;
inline constexpr std::size_t arc_key_max_size = 4096;
inline constexpr auto arc_authorization_prefix = "Basic "sv;

// §4.4 Azure CLI: az account get-access-token --output json --resource <resource> [--tenant <id>];
// 13 s timeout; scope characters alnum plus ".-:/_", tenant characters alnum plus ".-"; error text
// truncated to 250 characters; "az login" in the error means the credential is unavailable.
inline constexpr auto cli_program = "az"sv;
inline constexpr std::string_view cli_arguments[] = {"account", "get-access-token", "--output", "json"};
inline constexpr auto cli_resource_flag = "--resource"sv;
inline constexpr auto cli_tenant_flag = "--tenant"sv;
inline constexpr auto cli_access_token = "accessToken"sv;
inline constexpr auto cli_expires_on = "expires_on"sv;
inline constexpr auto cli_expires_on_local = "expiresOn"sv;
inline constexpr auto cli_timeout = std::chrono::seconds(13);
inline constexpr auto cli_scope_extra_chars = ".-:/_"sv;
inline constexpr auto cli_tenant_extra_chars = ".-"sv;
inline constexpr std::size_t cli_message_limit = 250;
inline constexpr auto cli_not_logged_in_marker = "az login"sv;

// §4.5 DefaultAzureCredential: order Environment → WorkloadIdentity → ManagedIdentity → AzureCli;
// AZURE_TOKEN_CREDENTIALS = dev (all) | prod (no AzureCli) | one credential name.
inline constexpr auto env_token_credentials = "AZURE_TOKEN_CREDENTIALS"sv;
inline constexpr auto environment_credential_name = "EnvironmentCredential"sv;
inline constexpr auto workload_identity_credential_name = "WorkloadIdentityCredential"sv;
inline constexpr auto managed_identity_credential_name = "ManagedIdentityCredential"sv;
inline constexpr auto azure_cli_credential_name = "AzureCliCredential"sv;

// §4.6 caching: refresh 5 minutes before expiry, 30 s between failed refreshes while the old token is
// valid; tokens living 2 h or more are refreshed at half-life unless the service sent refresh_in.
inline constexpr auto refresh_offset = std::chrono::seconds(300);
inline constexpr auto failed_refresh_delay = std::chrono::seconds(30);
inline constexpr auto half_life_threshold = std::chrono::hours(2);

}  // namespace amlk8s::auth::wire
