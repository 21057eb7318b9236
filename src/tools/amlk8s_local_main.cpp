// amlk8s-local: runs the local control plane from the shell.
//
//   amlk8s-local serve [--port N] [--http] [--work-dir DIR] [--clusters FILE] [--lro-delay MS]
//                      [--min-retry-after S] [--threads N] [--throttle] [--page-size N]
//                      [--no-job-processes] [--job-run-time MS] [--faults FILE | --fault-rate R]
//                      [--seed N] [--log-requests]
//
// When ready it prints one JSON line (arm_endpoint, authority_host, tenant_id, client_id,
// client_secret, subscription_id, ca_file, kubeconfig_dir) and serves until SIGINT or SIGTERM.
// The serve loop itself is shared with `amlk8s local serve` (tools/local_serve.cpp).
#include "tools/local_serve.hpp"

#include <amlk8s/core/error.hpp>

#include <iostream>
#include <span>
#include <string_view>

int main(int argc, char** argv) try {
  constexpr std::string_view program = "amlk8s-local serve";
  if (argc < 2 || std::string_view(argv[1]) != "serve") {
    const bool help = argc >= 2 && (std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h");
    amlk8s::tools::local_serve_usage(help ? std::cout : std::cerr, program);
    return help ? 0 : 2;
  }
  return amlk8s::tools::local_serve(std::span<char* const>(argv + 2, static_cast<std::size_t>(argc - 2)), program,
                                    std::cout);
} catch (const amlk8s::error& e) {
  const auto text = e.diag().to_string();
  std::cerr << "amlk8s-local: " << (text.empty() ? e.code().message() : text) << "\n";
  return e.condition() == amlk8s::errc::invalid_argument ? 2 : 1;
} catch (const std::exception& e) {
  std::cerr << "amlk8s-local: " << e.what() << "\n";
  return 1;
}
