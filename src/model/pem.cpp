#include "model/pem.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace amlk8s::model::pem {
namespace {

struct bio_free {
  void operator()(BIO* b) const noexcept { BIO_free(b); }
};
struct x509_free {
  void operator()(X509* x) const noexcept { X509_free(x); }
};
struct pkey_free {
  void operator()(EVP_PKEY* k) const noexcept { EVP_PKEY_free(k); }
};

std::unique_ptr<BIO, bio_free> memory_bio(std::string_view text) {
  return std::unique_ptr<BIO, bio_free>(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

std::unique_ptr<X509, x509_free> read_certificate(std::string_view text) {
  auto bio = memory_bio(text);
  if (!bio) return nullptr;
  std::unique_ptr<X509, x509_free> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  return cert;
}

// A password callback that refuses: an encrypted key then fails to load instead of prompting.
int no_passphrase(char*, int, int, void* asked) {
  *static_cast<bool*>(asked) = true;
  return 0;
}

std::unique_ptr<EVP_PKEY, pkey_free> read_key(std::string_view text, bool& asked_for_passphrase) {
  auto bio = memory_bio(text);
  if (!bio) return nullptr;
  std::unique_ptr<EVP_PKEY, pkey_free> key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, &asked_for_passphrase));
  ERR_clear_error();
  return key;
}

}  // namespace

std::optional<std::string> certificate_problem(std::string_view text) {
  if (text.find("-----BEGIN CERTIFICATE-----") == std::string_view::npos)
    return "it holds no PEM certificate (no '-----BEGIN CERTIFICATE-----' block)";
  if (!read_certificate(text)) return "its certificate block does not parse as X.509";
  return std::nullopt;
}

std::optional<std::string> private_key_problem(std::string_view text) {
  if (text.find("-----BEGIN") == std::string_view::npos || text.find("PRIVATE KEY-----") == std::string_view::npos)
    return "it holds no PEM private key (no '-----BEGIN ... PRIVATE KEY-----' block)";
  const bool encrypted_header = text.find("ENCRYPTED") != std::string_view::npos;
  bool asked = false;
  auto key = read_key(text, asked);
  if (!key && (asked || encrypted_header)) return "the private key is protected by a passphrase, which is not supported";
  if (!key) return "its private key block does not parse";
  return std::nullopt;
}

bool key_matches_certificate(std::string_view certificate_pem, std::string_view key_pem) {
  auto cert = read_certificate(certificate_pem);
  bool asked = false;
  auto key = read_key(key_pem, asked);
  if (!cert || !key) return false;
  const bool ok = X509_check_private_key(cert.get(), key.get()) == 1;
  ERR_clear_error();
  return ok;
}

bool certificate_covers_host(std::string_view certificate_pem, std::string_view host) {
  auto cert = read_certificate(certificate_pem);
  if (!cert) return false;
  const bool ok = X509_check_host(cert.get(), host.data(), host.size(), 0, nullptr) == 1;
  ERR_clear_error();
  return ok;
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

}  // namespace amlk8s::model::pem
