#include "local/ml/process.hpp"

#include <array>
#include <cerrno>
#include <csignal>
#include <system_error>

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace amlk8s::local::ml {

namespace {

// After the command's shell exits, its output pipe may stay open in a process that left its group;
// its log is not waited for longer than this.
constexpr auto output_grace = std::chrono::milliseconds(250);

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
  spawn_resources(const spawn_resources&) = delete;
  spawn_resources& operator=(const spawn_resources&) = delete;
};

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

void log_buffer::append(std::string_view text) {
  std::lock_guard lock(mutex_);
  if (truncated_ || text.empty()) return;
  if (text_.size() + text.size() <= limit_) {
    text_.append(text);
    return;
  }
  text_.append(text.substr(0, limit_ - text_.size()));
  text_ += "\n[amlk8s-local: the log was cut at " + std::to_string(limit_) + " bytes]\n";
  truncated_ = true;
}

std::string log_buffer::text() const {
  std::lock_guard lock(mutex_);
  return text_;
}

child_process::child_process(const spawn_request& request, std::shared_ptr<log_buffer> log) : log_(std::move(log)) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
  std::string shell = "/bin/sh";
  std::string dash_c = "-c";
  std::string command = request.command;
  std::vector<char*> argv{shell.data(), dash_c.data(), command.data(), nullptr};
  std::vector<std::string> env = request.environment;
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  const auto dir = request.working_dir.string();

  int spawn_error = 0;
  {
    spawn_resources res;
    posix_spawn_file_actions_addopen(&res.actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&res.actions, pipe_fds[1], 1);
    posix_spawn_file_actions_adddup2(&res.actions, pipe_fds[1], 2);
    posix_spawn_file_actions_addchdir_np(&res.actions, dir.c_str());
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    // The server's own descriptors (listening sockets among them) stay out of the job.
    posix_spawn_file_actions_addclosefrom_np(&res.actions, 3);
#endif
    sigset_t none;
    sigemptyset(&none);
    sigset_t all;
    sigfillset(&all);
    posix_spawnattr_setsigmask(&res.attr, &none);
    posix_spawnattr_setsigdefault(&res.attr, &all);
    posix_spawnattr_setpgroup(&res.attr, 0);
    posix_spawnattr_setflags(&res.attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    spawn_error = ::posix_spawn(&pid_, shell.c_str(), &res.actions, &res.attr, argv.data(), envp.data());
  }
  ::close(pipe_fds[1]);
  if (spawn_error != 0) {
    ::close(pipe_fds[0]);
    pid_ = -1;
    throw std::system_error(spawn_error, std::generic_category(), "cannot start /bin/sh in " + dir);
  }
  fd_ = pipe_fds[0];
  ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
}

child_process::~child_process() {
  if (pid_ > 0 && !reaped_) {
    ::kill(-pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  close_output();
}

void child_process::close_output() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void child_process::read_available() {
  std::array<char, 65536> buf{};
  while (fd_ >= 0) {
    const auto n = ::read(fd_, buf.data(), buf.size());
    if (n > 0) {
      log_->append(std::string_view(buf.data(), static_cast<std::size_t>(n)));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    close_output();  // end of output, or a read error
  }
}

void child_process::pump() {
  read_available();
  const auto now = std::chrono::steady_clock::now();
  if (pid_ > 0 && !reaped_) {
    siginfo_t info{};
    // Peek first: while the exited shell is a zombie its id still names its group, so what it left
    // running there can be killed without hitting a process that reused the id (a container ends
    // with its main process).
    if (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid_) {
      ::kill(-pid_, SIGKILL);
      int status = 0;
      pid_t r = 0;
      while ((r = ::waitpid(pid_, &status, 0)) < 0 && errno == EINTR) {
      }
      reaped_ = true;
      exit_code_ = r == pid_ ? exit_code_of(status) : -1;
      exited_at_ = now;
      read_available();
    } else if (kill_at_ && now >= *kill_at_) {
      kill();
      kill_at_.reset();
    }
  }
  if (reaped_ && !finished_ && (fd_ < 0 || now - exited_at_ >= output_grace)) {
    read_available();
    close_output();
    finished_ = true;
  }
}

void child_process::terminate(std::chrono::milliseconds grace) {
  if (pid_ <= 0 || reaped_) return;
  ::kill(-pid_, SIGTERM);
  if (!kill_at_) kill_at_ = std::chrono::steady_clock::now() + grace;
}

void child_process::kill() noexcept {
  if (pid_ > 0 && !reaped_) ::kill(-pid_, SIGKILL);
}

std::string find_interpreter(std::string_view name, std::string_view path) {
  std::string first_script;
  while (!path.empty()) {
    const auto colon = path.find(':');
    const auto dir = path.substr(0, colon);
    path = colon == std::string_view::npos ? std::string_view{} : path.substr(colon + 1);
    if (dir.empty() || dir.front() != '/') continue;
    const auto candidate = find_executable(name, dir);
    if (candidate.empty()) continue;
    char head[2] = {};
    if (const int fd = ::open(candidate.c_str(), O_RDONLY | O_CLOEXEC); fd >= 0) {
      [[maybe_unused]] const auto n = ::read(fd, head, sizeof head);
      ::close(fd);
    }
    if (head[0] != '#' || head[1] != '!') return candidate;
    if (first_script.empty()) first_script = candidate;
  }
  return first_script;
}

std::string find_executable(std::string_view name, std::string_view path) {
  while (!path.empty()) {
    const auto colon = path.find(':');
    const auto dir = path.substr(0, colon);
    path = colon == std::string_view::npos ? std::string_view{} : path.substr(colon + 1);
    if (dir.empty() || dir.front() != '/') continue;
    const std::string candidate = std::string(dir) + "/" + std::string(name);
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return {};
}

}  // namespace amlk8s::local::ml
