// The serve loop of the local control plane (see local_serve.hpp).
#include "tools/local_serve.hpp"

#include <amlk8s/core/error.hpp>
#include <amlk8s/local/control_plane.hpp>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <ostream>
#include <sstream>
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

std::uint64_t seed_number(std::string_view flag, const char* text) {
  char* end = nullptr;
  const auto value = std::strtoull(text, &end, 10);
  if (end == text || *end != '\0' || text[0] == '-') {
    throw validation_error(
        {{std::string(flag), "'" + std::string(text) + "' is not a non-negative number", "pass a whole number"}});
  }
  return value;
}

double rate(std::string_view flag, const char* text) {
  char* end = nullptr;
  const double value = std::strtod(text, &end);
  if (end == text || *end != '\0' || !std::isfinite(value) || value < 0 || value > 1) {
    throw validation_error({{std::string(flag), "'" + std::string(text) + "' is not a fraction between 0 and 1",
                             "pass a number such as 0.2 (20% of the requests)"}});
  }
  return value;
}

local::fault_plan read_fault_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw validation_error({{"--faults", "'" + std::string(path) + "' cannot be read", "check the path and its permissions"}});
  }
  std::ostringstream text;
  text << in.rdbuf();
  return local::parse_fault_plan(text.str(), path);
}

// One line per request on standard error; stdout carries only the ready line. The target went
// through redact_url in the server, and headers and bodies never reach an entry.
void log_request(const local::request_log_entry& e) {
  static std::mutex mutex;
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.1fms", static_cast<double>(e.duration.count()) / 1000.0);
  std::string line = e.method + " " + e.target + " " + (e.status == 0 ? std::string("dropped") : std::to_string(e.status)) +
                     " " + duration + "\n";
  std::lock_guard lock(mutex);
  std::cerr << line << std::flush;
}

}  // namespace

void local_serve_usage(std::ostream& os, std::string_view program) {
  os << "usage: " << program
     << " [--port N] [--http] [--work-dir DIR] [--clusters FILE]\n"
        "         [--lro-delay MS] [--min-retry-after S] [--threads N] [--throttle] [--page-size N]\n"
        "         [--no-job-processes] [--job-run-time MS]\n"
        "         [--faults FILE | --fault-rate R] [--seed N] [--log-requests]\n"
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
        "  --faults FILE        a fault plan (YAML or JSON), see below\n"
        "  --fault-rate R       answer the fraction R of all requests 429 or 503 (half each), e.g. 0.2\n"
        "  --seed N             the seed of the fault draws (default 0; overrides the file's seed)\n"
        "  --log-requests       one line per request on standard error: method, path (secret query\n"
        "                       values redacted), status (or 'dropped'), duration\n"
        "\n"
        "When ready it prints one JSON line (arm_endpoint, authority_host, tenant_id, client_id,\n"
        "client_secret, subscription_id, ca_file, kubeconfig_dir) and serves until SIGINT or SIGTERM.\n"
        "\n"
        "A fault plan: the first rule whose path_prefix starts the request's path decides.\n"
        "  seed: 42\n"
        "  rules:\n"
        "    - path_prefix: /subscriptions/   # default: every path\n"
        "      latency_ms: 200                # added before answering\n"
        "      throttle_fraction: 0.1         # 429 with Retry-After\n"
        "      unavailable_fraction: 0.1      # 503 with Retry-After\n"
        "      server_error_fraction: 0.05    # 500\n"
        "      drop_fraction: 0.01            # connection closed without an answer\n"
        "      truncate_fraction: 0.01        # body cut short\n"
        "      retry_after_s: 2               # default 1\n"
        "      max_hits: 3                    # the rule stops after affecting 3 requests\n"
        "Fractions add up to at most 1; 'the next 3 requests get 503' is unavailable_fraction: 1\n"
        "with max_hits: 3. At run time, with 'Authorization: Bearer TOKEN' (a token from the token\n"
        "endpoint): PUT /_amlk8s/faults with a plan as JSON replaces it, GET returns it, DELETE\n"
        "clears it. Requests under /_amlk8s/ never get faults.\n";
}

int local_serve(std::span<char* const> args, std::string_view program, std::ostream& out) {
  local::control_plane_options options;
  std::optional<local::fault_plan> file_plan;
  std::optional<double> fault_rate;
  std::optional<std::uint64_t> seed;
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
    } else if (flag == "--faults") {
      file_plan = read_fault_file(value());
    } else if (flag == "--fault-rate") {
      fault_rate = rate(flag, value());
    } else if (flag == "--seed") {
      seed = seed_number(flag, value());
    } else if (flag == "--log-requests") {
      options.on_request = log_request;
    } else if (flag == "--help" || flag == "-h") {
      local_serve_usage(out, program);
      return 0;
    } else {
      throw validation_error({{std::string(flag), "is not a flag of " + std::string(program),
                               "see '" + std::string(program) + " --help' for the flags"}});
    }
  }

  if (file_plan && fault_rate) {
    throw validation_error({{"--fault-rate", "cannot be combined with --faults",
                             "put the rates in the --faults file, or drop --faults"}});
  }
  if (fault_rate) options.faults = local::mixed_fault_plan(*fault_rate, seed.value_or(0));
  if (file_plan) {
    options.faults = std::move(*file_plan);
    if (seed) options.faults.seed = *seed;
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
