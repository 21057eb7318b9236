#include "auth/client_assertion.hpp"

#include "auth/encoding.hpp"
#include "auth/wire.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <cstdio>
#include <vector>

namespace amlk8s::auth::detail {
namespace {

struct bio_free {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct x509_free {
  void operator()(X509* x) const { X509_free(x); }
};
struct pkey_free {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct md_ctx_free {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

using x509_ptr = std::unique_ptr<X509, x509_free>;

std::vector<unsigned char> der_of(X509* cert) {
  int len = i2d_X509(cert, nullptr);
  if (len <= 0) return {};
  std::vector<unsigned char> der(static_cast<std::size_t>(len));
  unsigned char* p = der.data();
  i2d_X509(cert, &p);
  return der;
}

int password_cb(char* buf, int size, int, void* user) {
  const auto* pw = static_cast<const secret_string*>(user);
  if (pw == nullptr || pw->empty() || static_cast<int>(pw->reveal().size()) > size) return 0;
  std::copy(pw->reveal().begin(), pw->reveal().end(), buf);
  return static_cast<int>(pw->reveal().size());
}

std::string b64url(std::string_view text) {
  return base64url({reinterpret_cast<const unsigned char*>(text.data()), text.size()});
}

}  // namespace

struct assertion_signer::keys {
  std::unique_ptr<EVP_PKEY, pkey_free> key;
  x509_ptr cert;
};

assertion_signer::assertion_signer(std::unique_ptr<keys> k) : keys_(std::move(k)) {}
assertion_signer::~assertion_signer() = default;

std::unique_ptr<assertion_signer> assertion_signer::load(const secret_string& pem, const secret_string& password,
                                                         std::string& why) {
  auto k = std::make_unique<keys>();
  std::vector<x509_ptr> certs;
  {
    std::unique_ptr<BIO, bio_free> bio(BIO_new_mem_buf(pem.reveal().data(), static_cast<int>(pem.reveal().size())));
    if (!bio) {
      why = "out of memory";
      return nullptr;
    }
    while (X509* c = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) certs.emplace_back(c);
  }
  ERR_clear_error();
  {
    std::unique_ptr<BIO, bio_free> bio(BIO_new_mem_buf(pem.reveal().data(), static_cast<int>(pem.reveal().size())));
    k->key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, password_cb,
                                         const_cast<void*>(static_cast<const void*>(&password))));
  }
  ERR_clear_error();
  if (certs.empty()) {
    why = "the PEM holds no certificate";
    return nullptr;
  }
  if (!k->key) {
    why = password.empty() ? "the PEM holds no readable private key (is it encrypted? then give its password)"
                           : "the PEM holds no private key that the password opens";
    return nullptr;
  }
  if (!EVP_PKEY_is_a(k->key.get(), "RSA")) {
    why = "the private key is not an RSA key (RS256 needs RSA)";
    return nullptr;
  }
  std::vector<x509_ptr> chain;
  for (auto& c : certs) {
    if (!k->cert && X509_check_private_key(c.get(), k->key.get()) == 1) {
      k->cert = std::move(c);
    } else {
      chain.push_back(std::move(c));
    }
  }
  ERR_clear_error();
  if (!k->cert) {
    why = "no certificate in the PEM matches its private key";
    return nullptr;
  }
  std::unique_ptr<assertion_signer> signer(new assertion_signer(std::move(k)));
  auto der = der_of(signer->keys_->cert.get());
  unsigned char sha1[20];
  unsigned int sha1_len = 0;
  EVP_Digest(der.data(), der.size(), sha1, &sha1_len, EVP_sha1(), nullptr);
  signer->x5t_ = base64url({sha1, sha1_len});
  static constexpr char hex[] = "0123456789ABCDEF";
  for (unsigned i = 0; i < sha1_len; ++i) {
    signer->thumbprint_hex_ += hex[sha1[i] >> 4];
    signer->thumbprint_hex_ += hex[sha1[i] & 15];
  }
  // x5c: the leaf first, then the rest of the chain, standard base64 of DER.
  boost::json::array x5c;
  x5c.emplace_back(base64(der));
  for (auto& c : chain) x5c.emplace_back(base64(der_of(c.get())));
  signer->chain_b64_ = boost::json::serialize(x5c);
  return signer;
}

secret_string assertion_signer::make_assertion(std::string_view audience, std::string_view client_id,
                                               std::chrono::system_clock::time_point now, bool send_chain) const {
  boost::json::object header;
  header["alg"] = wire::assertion_algorithm;
  header["typ"] = "JWT";
  header["x5t"] = x5t_;
  header["kid"] = thumbprint_hex_;
  if (send_chain) header["x5c"] = boost::json::parse(chain_b64_);
  const auto nbf = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const auto exp = std::chrono::duration_cast<std::chrono::seconds>((now + wire::assertion_lifetime).time_since_epoch()).count();
  boost::json::object claims;
  claims["aud"] = audience;
  claims["iss"] = client_id;
  claims["sub"] = client_id;
  claims["jti"] = random_guid();
  claims["nbf"] = nbf;
  claims["exp"] = exp;
  std::string signing_input = b64url(boost::json::serialize(header)) + "." + b64url(boost::json::serialize(claims));

  std::unique_ptr<EVP_MD_CTX, md_ctx_free> ctx(EVP_MD_CTX_new());
  std::size_t sig_len = 0;
  std::vector<unsigned char> sig;
  bool ok = ctx && EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, keys_->key.get()) == 1 &&
            EVP_DigestSign(ctx.get(), nullptr, &sig_len, reinterpret_cast<const unsigned char*>(signing_input.data()),
                           signing_input.size()) == 1;
  if (ok) {
    sig.resize(sig_len);
    ok = EVP_DigestSign(ctx.get(), sig.data(), &sig_len, reinterpret_cast<const unsigned char*>(signing_input.data()),
                        signing_input.size()) == 1;
    sig.resize(sig_len);
  }
  ERR_clear_error();
  if (!ok) return {};
  return secret_string(signing_input + "." + base64url(sig));
}

std::string random_guid() {
  unsigned char b[16] = {};
  if (RAND_bytes(b, sizeof b) != 1) ERR_clear_error();
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  char out[37];
  std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return out;
}

}  // namespace amlk8s::auth::detail
