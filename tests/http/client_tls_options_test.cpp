// http::client_options for mutual TLS and a TLS server name other than the URL's host (what
// kubeconfig `client-certificate-data`/`client-key-data` and `tls-server-name` need).
#include <amlk8s/http/client.hpp>
#include <amlk8s/local/http_server.hpp>
#include <amlk8s/local/test_ca.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <thread>

namespace {

namespace asio = boost::asio;
using namespace amlk8s;

// A P-256 key and a self-signed certificate with the given common name.
struct tls_options_cert {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;

  explicit tls_options_cert(const char* cn) {
    key = EVP_EC_gen("P-256");
    cert = X509_new();
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 11);
    X509_gmtime_adj(X509_getm_notBefore(cert), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    auto* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509_sign(cert, key, EVP_sha256());
  }
  ~tls_options_cert() {
    X509_free(cert);
    EVP_PKEY_free(key);
  }
  tls_options_cert(const tls_options_cert&) = delete;
  tls_options_cert& operator=(const tls_options_cert&) = delete;

  std::string cert_pem() const {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(bio, cert);
    return take(bio);
  }
  std::string key_pem() const {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    return take(bio);
  }
  static std::string take(BIO* bio) {
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<std::size_t>(len));
    BIO_free(bio);
    return out;
  }
};

// A one-connection HTTPS server that demands a client certificate trusted by `client_ca_pem` and
// answers with the certificate's common name.
class mtls_server {
 public:
  mtls_server(const local::test_ca& ca, const std::string& client_ca_pem)
      : ctx_(asio::ssl::context::tls_server), acceptor_(ioc_, {asio::ip::make_address("127.0.0.1"), 0}) {
    auto leaf = ca.issue_server_certificate({"127.0.0.1"});
    ctx_.use_certificate_chain(asio::buffer(leaf.certificate_chain_pem));
    ctx_.use_private_key(asio::buffer(leaf.private_key_pem), asio::ssl::context::pem);
    ctx_.add_certificate_authority(asio::buffer(client_ca_pem));
    ctx_.set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
    thread_ = std::thread([this] { serve(); });
  }
  ~mtls_server() { thread_.join(); }

  std::string url() const { return "https://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()); }

 private:
  void serve() {
    asio::ssl::stream<asio::ip::tcp::socket> stream(ioc_, ctx_);
    error_code ec;
    acceptor_.accept(stream.next_layer(), ec);
    if (ec) return;
    stream.handshake(asio::ssl::stream_base::server, ec);
    if (ec) return;  // the client sent no acceptable certificate
    asio::streambuf buf;
    asio::read_until(stream, buf, "\r\n\r\n", ec);
    std::string cn = "?";
    if (X509* peer = SSL_get1_peer_certificate(stream.native_handle())) {
      char text[256] = {};
      X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName, text, sizeof text);
      cn = text;
      X509_free(peer);
    }
    std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(cn.size()) + "\r\nConnection: close\r\n\r\n" + cn;
    asio::write(stream, asio::buffer(reply), ec);
    stream.shutdown(ec);
  }

  asio::io_context ioc_;
  asio::ssl::context ctx_;
  asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
};

TEST(HttpClientTlsOptions, PresentsTheClientCertificate) {
  local::test_ca ca;
  tls_options_cert alice("alice");
  mtls_server server(ca, alice.cert_pem());

  http::client_options o;
  o.ca_pem = ca.certificate_pem();
  o.client_certificate_pem = alice.cert_pem();
  o.client_key_pem = secret_string(alice.key_pem());
  http::client client(o);
  http::request req;
  req.url = server.url() + "/whoami";
  auto res = client.send(req);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "alice");
}

TEST(HttpClientTlsOptions, WithoutTheClientCertificateTheHandshakeFails) {
  local::test_ca ca;
  tls_options_cert alice("alice");
  mtls_server server(ca, alice.cert_pem());

  http::client_options o;
  o.ca_pem = ca.certificate_pem();
  http::client client(o);
  http::request req;
  req.url = server.url() + "/whoami";
  error_code ec;
  diagnostics diag;
  client.send(req, ec, diag);
  EXPECT_TRUE(ec == errc::tls_error || ec == errc::transport_error) << ec.message() << " " << diag.to_string();
}

TEST(HttpClientTlsOptions, RejectsACertificateWithoutItsKeyOrWithAnotherKey) {
  tls_options_cert alice("alice");
  tls_options_cert bob("bob");
  auto condition_of = [](const http::client_options& o) {
    try {
      http::client c(o);
    } catch (const error& e) {
      // The message names the option and never carries the key.
      EXPECT_NE(std::string(e.what()).find("client_"), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).find("PRIVATE KEY"), std::string::npos) << e.what();
      return e.condition();
    }
    return errc::ok;
  };
  http::client_options only_cert;
  only_cert.client_certificate_pem = alice.cert_pem();
  EXPECT_EQ(condition_of(only_cert), errc::invalid_argument);

  http::client_options only_key;
  only_key.client_key_pem = secret_string(alice.key_pem());
  EXPECT_EQ(condition_of(only_key), errc::invalid_argument);

  http::client_options mismatch;
  mismatch.client_certificate_pem = alice.cert_pem();
  mismatch.client_key_pem = secret_string(bob.key_pem());
  EXPECT_EQ(condition_of(mismatch), errc::invalid_argument);

  http::client_options garbage;
  garbage.client_certificate_pem = "not a certificate";
  garbage.client_key_pem = secret_string(alice.key_pem());
  EXPECT_EQ(condition_of(garbage), errc::invalid_argument);
}

TEST(HttpClientTlsOptions, TlsServerNameReplacesTheUrlHostForSniAndVerification) {
  local::test_ca ca;
  local::server_options so;
  so.tls = ca.issue_server_certificate({"kube.internal"});
  std::string seen_sni;
  std::mutex m;
  local::http_server server(std::move(so), local::synchronous([&](const local::server_request& r) {
                              std::lock_guard lock(m);
                              seen_sni = r.server_name;
                              http::response res;
                              res.status = 200;
                              return res;
                            }));
  http::request req;
  req.url = server.url() + "/version";

  // The certificate is not valid for 127.0.0.1.
  http::client_options plain;
  plain.ca_pem = ca.certificate_pem();
  http::client without(plain);
  error_code ec;
  diagnostics diag;
  without.send(req, ec, diag);
  EXPECT_EQ(ec, errc::tls_error) << diag.to_string();

  http::client_options named = plain;
  named.tls_server_name = "kube.internal";
  http::client with(named);
  EXPECT_EQ(with.send(req).status, 200);
  std::lock_guard lock(m);
  EXPECT_EQ(seen_sni, "kube.internal");
}

}  // namespace
