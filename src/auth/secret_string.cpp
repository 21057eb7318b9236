#include <amlk8s/auth/secret_string.hpp>

#include <openssl/crypto.h>

#include <ostream>

namespace amlk8s::auth {
namespace {

// Overwrites the whole buffer, spare capacity included, in a way the optimiser may not drop.
void wipe(std::string& s) noexcept {
  s.resize(s.capacity());
  OPENSSL_cleanse(s.data(), s.size());
  s.clear();
}

}  // namespace

secret_string::secret_string(secret_string&& other) noexcept : value_(std::move(other.value_)) { wipe(other.value_); }

secret_string& secret_string::operator=(const secret_string& other) {
  if (this != &other) {
    wipe(value_);
    value_ = other.value_;
  }
  return *this;
}

secret_string& secret_string::operator=(secret_string&& other) noexcept {
  if (this != &other) {
    wipe(value_);
    value_ = std::move(other.value_);
    wipe(other.value_);
  }
  return *this;
}

secret_string::~secret_string() { wipe(value_); }

std::ostream& operator<<(std::ostream& os, const secret_string&) { return os << "<redacted>"; }

}  // namespace amlk8s::auth
