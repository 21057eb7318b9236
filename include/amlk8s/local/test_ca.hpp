// A certificate authority made at runtime, so that the local control plane and the tests serve real,
// verifiable HTTPS on loopback without any certificate checked into the tree.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace amlk8s::local {

/// A certificate chain and its private key, PEM encoded.
struct certified_key {
  std::string certificate_chain_pem;  ///< the leaf certificate, then the CA certificate
  std::string private_key_pem;        ///< PKCS#8; a secret: never log it
};

/// A throwaway certificate authority: EC P-256 keys, SHA-256 signatures, valid from an hour ago.
/// Its private key stays in memory and is never written anywhere.
class test_ca {
 public:
  /// Generates a new CA key and self-signed certificate. Throws amlk8s::error on OpenSSL failure.
  explicit test_ca(std::string common_name = "amlk8s local CA",
                   std::chrono::hours validity = std::chrono::hours(24 * 30));
  ~test_ca();
  test_ca(test_ca&&) noexcept;
  test_ca& operator=(test_ca&&) noexcept;

  /// The CA certificate, PEM encoded (what clients trust).
  const std::string& certificate_pem() const noexcept;

  /// Writes the CA certificate to `path` (creating or replacing the file) for clients that take a CA file.
  void write_certificate(const std::filesystem::path& path) const;

  /// Issues a server certificate valid for `names`: host names become DNS names, IP literals IP
  /// addresses, in the subject alternative name. The first name is also the subject's common name.
  certified_key issue_server_certificate(const std::vector<std::string>& names = {"localhost", "127.0.0.1", "::1"}) const;

 private:
  struct state;
  std::unique_ptr<state> state_;
};

}  // namespace amlk8s::local
