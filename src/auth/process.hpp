// Running a program (no shell) asynchronously with a timeout: what the Azure CLI credential needs.
#pragma once

#include <amlk8s/core/error.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace amlk8s::auth::detail {

/// What a finished (or killed) program left behind.
struct process_result {
  int exit_status = -1;  ///< exit code; -1 when it was killed by a signal
  bool timed_out = false;
  std::string out;  ///< standard output (at most 1 MiB kept)
  std::string err;  ///< standard error (at most 64 KiB kept)
};

using process_handler = boost::asio::any_completion_handler<void(error_code, process_result)>;

/// Starts `program` (an absolute path) with `args` through posix_spawn, standard input from /dev/null,
/// in a process group of its own so that a timeout kills it and its children. Completes when it has
/// exited and its output is read; errc::transport_error when it cannot be started.
void async_run_process(boost::asio::any_io_executor executor, std::string program, std::vector<std::string> args,
                       std::chrono::milliseconds timeout, process_handler handler);

/// The same, with `extra_env` ("NAME=value" entries) added to this process's environment; an entry
/// replaces a variable of the same name (Kubernetes exec credential plugins get their `env` this way).
void async_run_process(boost::asio::any_io_executor executor, std::string program, std::vector<std::string> args,
                       std::vector<std::string> extra_env, std::chrono::milliseconds timeout, process_handler handler);

/// The first executable `name` in an absolute folder of PATH (relative entries are skipped, so that
/// the current folder never supplies the program); empty when there is none.
std::string find_on_path(std::string_view name);

}  // namespace amlk8s::auth::detail
