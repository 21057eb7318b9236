// amlk8s-local: runs the local control plane from the shell.
//
//   amlk8s-local serve [--port N] [--http] [--work-dir DIR] [--clusters FILE] [--lro-delay MS]
//                      [--min-retry-after S] [--threads N] [--throttle] [--page-size N]
//                      [--no-job-processes] [--job-run-time MS]
//
// When ready it prints one JSON line (arm_endpoint, authority_host, tenant_id, client_id,
// client_secret, subscription_id, ca_file, kubeconfig_dir) and serves until SIGINT or SIGTERM.
#include <amlk8s/core/error.hpp>
#include <amlk8s/local/control_plane.hpp>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

namespace {

int usage(std::ostream& os, int code) {
  os << "usage: amlk8s-local serve [--port N] [--http] [--work-dir DIR] [--clusters FILE]\n"
        "                          [--lro-delay MS] [--min-retry-after S] [--threads N]\n"
        "                          [--throttle] [--page-size N] [--no-job-processes]\n"
        "                          [--job-run-time MS]\n"
        "\n"
        "  --no-job-processes  command jobs do not run their command as a local process; each\n"
        "                      completes after --job-run-time milliseconds (default 10000) instead\n";
  return code;
}

long number(std::string_view flag, const char* text) {
  char* end = nullptr;
  long value = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || value < 0) {
    throw amlk8s::validation_error(
        {{std::string(flag), "'" + std::string(text) + "' is not a non-negative number", "pass a whole number"}});
  }
  return value;
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 2 || std::string_view(argv[1]) != "serve") {
    if (argc >= 2 && (std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h")) {
      return usage(std::cout, 0);
    }
    return usage(std::cerr, 2);
  }
  amlk8s::local::control_plane_options options;
  for (int i = 2; i < argc; ++i) {
    std::string_view flag = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) {
        throw amlk8s::validation_error({{std::string(flag), "needs a value", "write " + std::string(flag) + " VALUE"}});
      }
      return argv[++i];
    };
    if (flag == "--port") {
      options.port = static_cast<std::uint16_t>(number(flag, value()));
    } else if (flag == "--http") {
      options.https = false;
    } else if (flag == "--work-dir") {
      options.work_dir = value();
    } else if (flag == "--clusters") {
      options.world_file = value();
    } else if (flag == "--lro-delay") {
      options.lro_delay = std::chrono::milliseconds(number(flag, value()));
    } else if (flag == "--min-retry-after") {
      options.min_retry_after = std::chrono::seconds(number(flag, value()));
    } else if (flag == "--threads") {
      options.threads = static_cast<std::size_t>(std::max(1L, number(flag, value())));
    } else if (flag == "--throttle") {
      options.throttle = true;
    } else if (flag == "--page-size") {
      options.page_size = static_cast<std::size_t>(number(flag, value()));
    } else if (flag == "--no-job-processes") {
      options.run_job_processes = false;
    } else if (flag == "--job-run-time") {
      options.simulated_job_run_time = std::chrono::milliseconds(number(flag, value()));
    } else if (flag == "--help" || flag == "-h") {
      return usage(std::cout, 0);
    } else {
      std::cerr << "amlk8s-local: unknown option '" << flag << "'\n";
      return usage(std::cerr, 2);
    }
  }

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  // Blocked before any server thread starts, so that only sigwait below sees them.
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  amlk8s::local::control_plane plane(options);
  std::cout << plane.endpoints().to_json() << std::endl;

  int received = 0;
  sigwait(&signals, &received);
  plane.stop();
  return 0;
} catch (const amlk8s::error& e) {
  std::cerr << "amlk8s-local: " << e.what() << "\n";
  return e.condition() == amlk8s::errc::invalid_argument ? 2 : 1;
} catch (const std::exception& e) {
  std::cerr << "amlk8s-local: " << e.what() << "\n";
  return 1;
}
