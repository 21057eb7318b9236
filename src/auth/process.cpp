#include "auth/process.hpp"

#include "auth/encoding.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace amlk8s::auth::detail {
namespace {

namespace asio = boost::asio;

constexpr std::size_t out_limit = 1 << 20;
constexpr std::size_t err_limit = 64 << 10;
// After the program exits, output still held open by a straggling grandchild is not waited for longer.
constexpr auto exit_grace = std::chrono::milliseconds(250);

struct spawn_resources {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  spawn_resources() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~spawn_resources() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
};

struct process_op : std::enable_shared_from_this<process_op> {
  process_op(asio::any_io_executor ex, process_handler h)
      : strand(asio::make_strand(ex)), out(strand), err(strand), deadline(strand), poll(strand), handler(std::move(h)) {}

  asio::strand<asio::any_io_executor> strand;
  asio::posix::stream_descriptor out;
  asio::posix::stream_descriptor err;
  asio::steady_timer deadline;
  asio::steady_timer poll;
  process_handler handler;
  process_result result;
  pid_t pid = -1;
  int open_pipes = 2;
  bool exited = false;
  bool finished = false;
  std::chrono::steady_clock::time_point exit_time{};
  std::chrono::milliseconds poll_interval{5};
  std::array<char, 4096> out_buf{};
  std::array<char, 4096> err_buf{};

  void read(asio::posix::stream_descriptor& d, std::array<char, 4096>& buf, std::string& into, std::size_t limit) {
    d.async_read_some(asio::buffer(buf), [self = shared_from_this(), &d, &buf, &into, limit](error_code ec, std::size_t n) {
      if (self->finished) return;
      if (n > 0 && into.size() < limit) into.append(buf.data(), std::min(n, limit - into.size()));
      if (ec) {
        --self->open_pipes;
        self->maybe_finish();
        return;
      }
      self->read(d, buf, into, limit);
    });
  }

  void reap() {
    if (exited || pid <= 0) return;
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD)) {
      exited = true;
      exit_time = std::chrono::steady_clock::now();
      if (r == pid) result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
  }

  void watch() {
    reap();
    if (maybe_finish()) return;
    poll.expires_after(poll_interval);
    poll_interval = std::min(poll_interval * 2, std::chrono::milliseconds(50));
    poll.async_wait([self = shared_from_this()](error_code ec) {
      if (!ec && !self->finished) self->watch();
    });
  }

  bool maybe_finish() {
    if (finished || !exited) return finished;
    if (open_pipes > 0 && std::chrono::steady_clock::now() - exit_time < exit_grace) return false;
    finished = true;
    deadline.cancel();
    poll.cancel();
    error_code ignored;
    out.close(ignored);
    err.close(ignored);
    auto h = std::move(handler);
    std::move(h)(error_code{}, std::move(result));
    return true;
  }

  void on_deadline() {
    if (finished || exited) return;
    result.timed_out = true;
    ::kill(-pid, SIGKILL);  // its own process group: the program and whatever it started
  }
};

}  // namespace

std::string find_on_path(std::string_view name) {
  auto path = env("PATH");
  if (!path) return {};
  std::string_view rest = *path;
  while (!rest.empty()) {
    auto colon = rest.find(':');
    auto dir = rest.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
    if (dir.empty() || dir.front() != '/') continue;
    std::string candidate = std::string(dir) + "/" + std::string(name);
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return {};
}

void async_run_process(asio::any_io_executor executor, std::string program, std::vector<std::string> args,
                       std::chrono::milliseconds timeout, process_handler handler) {
  async_run_process(std::move(executor), std::move(program), std::move(args), {}, timeout, std::move(handler));
}

void async_run_process(asio::any_io_executor executor, std::string program, std::vector<std::string> args,
                       std::vector<std::string> extra_env, std::chrono::milliseconds timeout, process_handler handler) {
  // The child's environment: ours, less the names `extra_env` sets, then `extra_env`.
  std::vector<char*> envp;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    auto name = entry.substr(0, entry.find('=') + 1);
    bool replaced = false;
    for (const auto& x : extra_env) replaced = replaced || std::string_view(x).starts_with(name);
    if (!replaced) envp.push_back(*e);
  }
  for (auto& x : extra_env) envp.push_back(x.data());
  envp.push_back(nullptr);

  auto op = std::make_shared<process_op>(executor, std::move(handler));
  auto fail = [&](std::string what, int err_no) {
    process_result r;
    r.err = what + ": " + std::strerror(err_no);
    auto h = std::move(op->handler);
    asio::dispatch(op->strand, [h = std::move(h), r = std::move(r)]() mutable {
      std::move(h)(make_error_code(errc::transport_error), std::move(r));
    });
  };

  int out_pipe[2];
  int err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return fail("pipe", errno);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    int e = errno;
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return fail("pipe", e);
  }

  std::vector<char*> argv;
  argv.push_back(program.data());
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int spawn_error = 0;
  {
    spawn_resources res;
    posix_spawn_file_actions_addopen(&res.actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&res.actions, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&res.actions, err_pipe[1], 2);
    sigset_t none;
    sigemptyset(&none);
    sigset_t all;
    sigfillset(&all);
    posix_spawnattr_setsigmask(&res.attr, &none);
    posix_spawnattr_setsigdefault(&res.attr, &all);
    posix_spawnattr_setpgroup(&res.attr, 0);
    posix_spawnattr_setflags(&res.attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    spawn_error = ::posix_spawn(&op->pid, program.c_str(), &res.actions, &res.attr, argv.data(), envp.data());
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (spawn_error != 0) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    return fail("cannot start " + program, spawn_error);
  }
  op->out.assign(out_pipe[0]);
  op->err.assign(err_pipe[0]);
  asio::dispatch(op->strand, [op, timeout] {
    op->deadline.expires_after(timeout);
    op->deadline.async_wait([op](error_code ec) {
      if (!ec) op->on_deadline();
    });
    op->read(op->out, op->out_buf, op->result.out, out_limit);
    op->read(op->err, op->err_buf, op->result.err, err_limit);
    op->watch();
  });
}

}  // namespace amlk8s::auth::detail
