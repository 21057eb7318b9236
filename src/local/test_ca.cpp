#include <amlk8s/core/error.hpp>
#include <amlk8s/local/test_ca.hpp>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>

#include <fstream>

namespace amlk8s::local {
namespace {

struct free_key {
  void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
struct free_cert {
  void operator()(X509* p) const noexcept { X509_free(p); }
};
struct free_bio {
  void operator()(BIO* p) const noexcept { BIO_free(p); }
};
struct free_bn {
  void operator()(BIGNUM* p) const noexcept { BN_free(p); }
};
using key_ptr = std::unique_ptr<EVP_PKEY, free_key>;
using cert_ptr = std::unique_ptr<X509, free_cert>;

[[noreturn]] void fail(const std::string& what) {
  char buf[256] = "unknown OpenSSL error";
  if (auto code = ERR_get_error()) ERR_error_string_n(code, buf, sizeof buf);
  ERR_clear_error();
  throw error(errc::tls_error, "test CA: " + what + ": " + buf);
}

void check(int ok, const char* what) {
  if (ok <= 0) fail(what);
}

key_ptr new_key() {
  key_ptr key(EVP_EC_gen("P-256"));
  if (!key) fail("generating an EC P-256 key");
  return key;
}

bool is_ip(const std::string& name) {
  unsigned char buf[16];
  return inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (!ext) fail("building extension " + value);
  int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  check(ok, "adding an extension");
}

// A certificate for `key`, named `common_name`, valid from an hour ago (clock skew) for `validity`.
cert_ptr new_certificate(EVP_PKEY* key, const std::string& common_name, std::chrono::hours validity) {
  cert_ptr cert(X509_new());
  if (!cert) fail("allocating a certificate");
  check(X509_set_version(cert.get(), 2), "setting the version");
  std::unique_ptr<BIGNUM, free_bn> serial(BN_new());
  check(serial && BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY), "drawing a serial number");
  if (!BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get()))) fail("setting the serial number");
  if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600)) fail("setting notBefore");
  if (!X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(validity.count()) * 3600)) fail("setting notAfter");
  X509_NAME* name = X509_get_subject_name(cert.get());
  check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(common_name.c_str()),
                                   -1, -1, 0),
        "setting the subject");
  check(X509_set_pubkey(cert.get(), key), "setting the public key");
  return cert;
}

std::string to_pem(X509* cert) {
  std::unique_ptr<BIO, free_bio> bio(BIO_new(BIO_s_mem()));
  check(bio && PEM_write_bio_X509(bio.get(), cert), "encoding a certificate");
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

std::string to_pem(EVP_PKEY* key) {
  std::unique_ptr<BIO, free_bio> bio(BIO_new(BIO_s_mem()));
  check(bio && PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr), "encoding a key");
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

}  // namespace

struct test_ca::state {
  key_ptr key;
  cert_ptr cert;
  std::string pem;
  std::chrono::hours validity;
};

test_ca::test_ca(std::string common_name, std::chrono::hours validity) : state_(std::make_unique<state>()) {
  state_->validity = validity;
  state_->key = new_key();
  state_->cert = new_certificate(state_->key.get(), common_name, validity);
  X509* cert = state_->cert.get();
  check(X509_set_issuer_name(cert, X509_get_subject_name(cert)), "setting the issuer");
  add_extension(cert, cert, NID_basic_constraints, "critical,CA:TRUE");
  add_extension(cert, cert, NID_key_usage, "critical,keyCertSign,cRLSign");
  add_extension(cert, cert, NID_subject_key_identifier, "hash");
  check(X509_sign(cert, state_->key.get(), EVP_sha256()), "signing the CA certificate");
  state_->pem = to_pem(cert);
}

test_ca::~test_ca() = default;
test_ca::test_ca(test_ca&&) noexcept = default;
test_ca& test_ca::operator=(test_ca&&) noexcept = default;

const std::string& test_ca::certificate_pem() const noexcept { return state_->pem; }

void test_ca::write_certificate(const std::filesystem::path& path) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << state_->pem;
  out.close();
  if (!out) throw error(errc::invalid_argument, "test CA: cannot write the CA certificate to '" + path.string() + "'");
}

certified_key test_ca::issue_server_certificate(const std::vector<std::string>& names) const {
  if (names.empty()) throw error(errc::invalid_argument, "test CA: a server certificate needs at least one name");
  auto key = new_key();
  auto cert = new_certificate(key.get(), names.front(), state_->validity);
  X509* issuer = state_->cert.get();
  check(X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer)), "setting the issuer");
  std::string alt_names;
  for (const auto& name : names) {
    if (!alt_names.empty()) alt_names += ",";
    alt_names += (is_ip(name) ? "IP:" : "DNS:") + name;
  }
  add_extension(cert.get(), issuer, NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert.get(), issuer, NID_key_usage, "critical,digitalSignature,keyEncipherment");
  add_extension(cert.get(), issuer, NID_ext_key_usage, "serverAuth");
  add_extension(cert.get(), issuer, NID_subject_key_identifier, "hash");
  add_extension(cert.get(), issuer, NID_authority_key_identifier, "keyid:always");
  add_extension(cert.get(), issuer, NID_subject_alt_name, alt_names);
  check(X509_sign(cert.get(), state_->key.get(), EVP_sha256()), "signing the server certificate");
  return {to_pem(cert.get()) + state_->pem, to_pem(key.get())};
}

}  // namespace amlk8s::local
