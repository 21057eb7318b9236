// The serve loop of the local control plane (see local_serve.hpp).
#include "tools/local_serve.hpp"

#include <amlk8s/core/error.hpp>
#include <amlk8s/local/control_plane.hpp>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <ostream>
#include <string>

namespace amlk8s::tools {

namespace {

long number(std::string_view flag, const char* text) {
  char* end = nullptr;
  long value = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || value < 0) {
    throw validation_error(
        {{std::string(flag), "'" + std::string(text) + "' is not a non-negative number", "pass a whole number"}});
  }
  return value;
}

}  // namespace

void local_serve_usage(std::ostream& os, std::string_view program) {
  os << "usage: " << program
     << " [--port N] [--http] [--work-dir DIR] [--clusters FILE]\n"
        "         [--lro-delay MS] [--min-retry-after S] [--threads N] [--throttle] [--page-size N]\n"
        "         [--no-job-processes] [--job-run-time MS]\n"
        "\n"
        "  --port N             loopback port to listen on (default: a free one)\n"
        "  --http               serve plain HTTP instead of HTTPS with a generated CA\n"
        "  --work-dir DIR       where ca.pem and the kubeconfig files go (default: a new temp folder)\n"
        "  --clusters FILE      a world file (YAML or JSON) declaring clusters and workspaces\n"
        "  --lro-delay MS       how long long-running ARM operations stay in progress (default 0)\n"
        "  --min-retry-after S  the least Retry-After sent while an operation runs (default 1)\n"
        "  --threads N          server threads (default 2)\n"
        "  --throttle           ARM's per-subscription throttle\n"
        "  --page-size N        items per ARM list page (default 100)\n"
        "  --no-job-processes   command jobs do not run their command as a local process; each\n"
        "                       completes after --job-run-time milliseconds (default 10000) instead\n"
        "  --job-run-time MS    how long a job runs with --no-job-processes\n"
        "\n"
        "When ready it prints one JSON line (arm_endpoint, authority_host, tenant_id, client_id,\n"
        "client_secret, subscription_id, ca_file, kubeconfig_dir) and serves until SIGINT or SIGTERM.\n";
}

int local_serve(std::span<char* const> args, std::string_view program, std::ostream& out) {
  local::control_plane_options options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view flag = args[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= args.size()) {
        throw validation_error({{std::string(flag), "needs a value", "write " + std::string(flag) + " VALUE"}});
      }
      return args[++i];
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
      local_serve_usage(out, program);
      return 0;
    } else {
      throw validation_error({{std::string(flag), "is not a flag of " + std::string(program),
                               "see '" + std::string(program) + " --help' for the flags"}});
    }
  }

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  // Blocked before any server thread starts, so that only sigwait below sees them.
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  local::control_plane plane(options);
  out << plane.endpoints().to_json() << std::endl;

  int received = 0;
  sigwait(&signals, &received);
  plane.stop();
  return 0;
}

}  // namespace amlk8s::tools
