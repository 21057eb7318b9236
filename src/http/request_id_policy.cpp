#include <amlk8s/http/request_id_policy.hpp>

#include <cstdint>
#include <random>

namespace amlk8s::http {

std::string new_client_request_id() {
  // One generator per thread: no lock, and ids from different threads do not collide because each
  // generator is seeded from the system's entropy source.
  thread_local std::mt19937_64 generator{[] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device(), device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }()};
  std::uint64_t hi = generator();
  std::uint64_t lo = generator();
  hi = (hi & ~std::uint64_t{0xf000}) | 0x4000;                 // version 4
  lo = (lo & ~(std::uint64_t{0xc} << 60)) | (std::uint64_t{0x8} << 60);  // RFC 4122 variant
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  auto put = [&](std::uint64_t v, int nibbles) {
    for (int i = nibbles - 1; i >= 0; --i) out += digits[(v >> (i * 4)) & 0xf];
  };
  put(hi >> 32, 8);
  out += '-';
  put(hi >> 16, 4);
  out += '-';
  put(hi, 4);
  out += '-';
  put(lo >> 48, 4);
  out += '-';
  put(lo, 12);
  return out;
}

namespace {

void set_request_id(request& req, diagnostics& diag) {
  constexpr std::string_view id_header = "x-ms-client-request-id";
  if (auto existing = req.headers.get(id_header); existing && !existing->empty()) {
    diag.client_request_id = std::string(*existing);
  } else {
    diag.client_request_id = new_client_request_id();
    req.headers.set(id_header, diag.client_request_id);
  }
  if (!req.headers.contains("x-ms-return-client-request-id")) req.headers.set("x-ms-return-client-request-id", "true");
}

}  // namespace

// Nothing to do after the response, so the caller's handler (with its executor and cancellation
// slot) goes straight to the next sender.
void request_id_policy::async_send_erased(request req, diagnostics& diag, handler_type handler) {
  set_request_id(req, diag);
  next_.async_send_erased(std::move(req), diag, std::move(handler));
}

void request_id_policy::async_send_streaming_erased(request req, diagnostics& diag, body_sink sink, handler_type handler) {
  set_request_id(req, diag);
  next_.async_send_streaming_erased(std::move(req), diag, std::move(sink), std::move(handler));
}

}  // namespace amlk8s::http
