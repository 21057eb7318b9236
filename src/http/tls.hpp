// TLS set-up for client connections (private to the transport): the OpenSSL calls live in tls.cpp,
// so the file that drives the connections needs no OpenSSL header of its own.
#pragma once

#include <amlk8s/core/error.hpp>

#include <string>
#include <string_view>

struct ssl_st;

namespace boost::asio::ssl {
class context;
}

namespace amlk8s::http {
struct client_options;
}

namespace amlk8s::http::detail {

/// Sets up a client TLS context: TLS 1.2 or later, peer verification against `ca_file`/`ca_pem` or
/// the system's roots, and the client certificate and key when given. Throws amlk8s::error
/// (errc::invalid_argument) when the CA, the certificate or the key cannot be loaded.
void configure_client_context(boost::asio::ssl::context& ctx, const client_options& options);

/// Prepares one connection: SNI for host names, and the host name or IP address the peer's
/// certificate must match when `verify` is set. A non-empty `server_name` stands in for `host` in both.
void prepare_client_connection(ssl_st* ssl, const std::string& host, bool verify, const std::string& server_name = {});

/// Explains a failed handshake: the verification reason when the certificate was rejected
/// (wrong host name, unknown CA, expired), else the low-level error.
std::string describe_handshake_failure(ssl_st* ssl, error_code ec, std::string_view host_port);

/// True when `host` is an IPv4 or IPv6 literal.
bool is_ip_literal(const std::string& host) noexcept;

}  // namespace amlk8s::http::detail
