#include "http/tls.hpp"

#include <amlk8s/http/client.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ssl/context.hpp>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>

namespace amlk8s::http::detail {

namespace {

// The client certificate and key for mutual TLS. The messages name the option, never its content.
void configure_client_certificate(boost::asio::ssl::context& ctx, const client_options& options) {
  bool has_cert = !options.client_certificate_pem.empty();
  bool has_key = !options.client_key_pem.empty();
  if (!has_cert && !has_key) return;
  if (has_cert != has_key)
    throw error(errc::invalid_argument, has_cert ? "client_options.client_certificate_pem is set without client_options.client_key_pem: set both"
                                                 : "client_options.client_key_pem is set without client_options.client_certificate_pem: set both");
  error_code ec;
  ctx.use_certificate_chain(boost::asio::buffer(options.client_certificate_pem), ec);
  if (ec)
    throw error(errc::invalid_argument, "client_options.client_certificate_pem: not a PEM certificate: " + ec.message());
  const auto& key = options.client_key_pem.reveal();
  ctx.use_private_key(boost::asio::buffer(key), boost::asio::ssl::context::pem, ec);
  if (ec) throw error(errc::invalid_argument, "client_options.client_key_pem: not a PEM private key: " + ec.message());
  if (SSL_CTX_check_private_key(ctx.native_handle()) != 1)
    throw error(errc::invalid_argument,
                "client_options.client_key_pem does not belong to the certificate in client_options.client_certificate_pem");
}

}  // namespace

void configure_client_context(boost::asio::ssl::context& ctx, const client_options& options) {
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  configure_client_certificate(ctx, options);
  if (!options.verify_peer) {
    ctx.set_verify_mode(boost::asio::ssl::verify_none);
    return;
  }
  ctx.set_verify_mode(boost::asio::ssl::verify_peer);
  error_code ec;
  if (!options.ca_file.empty()) {
    ctx.load_verify_file(options.ca_file, ec);
    if (ec)
      throw error(errc::invalid_argument,
                  "client_options.ca_file: cannot load CA certificates from '" + options.ca_file + "': " + ec.message());
  }
  if (!options.ca_pem.empty()) {
    ctx.add_certificate_authority(boost::asio::buffer(options.ca_pem), ec);
    if (ec)
      throw error(errc::invalid_argument, "client_options.ca_pem: not a PEM CA certificate: " + ec.message());
  }
  if (options.ca_file.empty() && options.ca_pem.empty()) {
    ctx.set_default_verify_paths(ec);
    if (ec) throw error(errc::tls_error, "cannot load the system's CA certificates: " + ec.message());
  }
}

bool is_ip_literal(const std::string& host) noexcept {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

void prepare_client_connection(ssl_st* ssl, const std::string& url_host, bool verify, const std::string& server_name) {
  const std::string& host = server_name.empty() ? url_host : server_name;
  bool ip = is_ip_literal(host);
  // RFC 6066 forbids IP literals in SNI.
  if (!ip) SSL_set_tlsext_host_name(ssl, host.c_str());
  if (!verify) return;
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (ip)
    X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
  else
    X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
}

std::string describe_handshake_failure(ssl_st* ssl, error_code ec, std::string_view host_port) {
  std::string text = "TLS handshake with " + std::string(host_port) + " failed: ";
  long result = ssl ? SSL_get_verify_result(ssl) : X509_V_OK;
  if (result == X509_V_OK) return text + ec.message();
  std::string reason = X509_verify_cert_error_string(result);
  switch (result) {
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      return text + "the server's certificate is not valid for the host name in the URL (" + reason + ")";
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
      return text + "the server's certificate was not issued by a trusted certificate authority (" + reason +
             "); pass the CA with client_options::ca_file or client_options::ca_pem";
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return text + "the server's certificate is outside its validity period (" + reason + ")";
    default:
      return text + "certificate verification failed (" + reason + ")";
  }
}

}  // namespace amlk8s::http::detail
