// Test helpers for the auth layer: a scripted http::sender, environment and temp-folder guards, and a
// way to run one token request to completion.
#pragma once

#include <amlk8s/auth/token_credential.hpp>
#include <amlk8s/http/sender.hpp>

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace amlk8s::auth_test {

namespace asio = boost::asio;

/// One scripted answer: a response, or a transport failure.
struct answer {
  http::response response;
  error_code error;
};

/// An HTTP response with a JSON body.
inline http::response json_response(int status, std::string body,
                                    std::vector<std::pair<std::string, std::string>> headers = {}) {
  http::response r;
  r.status = status;
  r.body = std::move(body);
  r.headers.set("Content-Type", "application/json");
  for (auto& [k, v] : headers) r.headers.add(k, v);
  return r;
}

/// A scripted http::sender: records every request, answers from a queue (then from `fallback`), and
/// can hold answers back until release() so that tests control the order of events. Held requests
/// honour Asio cancellation.
class fake_sender final : public http::sender {
 public:
  explicit fake_sender(asio::io_context& ioc) : ioc_(ioc) {}

  void push(http::response r) {
    std::lock_guard lock(mutex_);
    queue_.push_back({std::move(r), {}});
  }
  void push_error(errc e) {
    std::lock_guard lock(mutex_);
    queue_.push_back({{}, make_error_code(e)});
  }
  void set_fallback(std::function<answer(const http::request&)> f) {
    std::lock_guard lock(mutex_);
    fallback_ = std::move(f);
  }
  void hold(bool on) {
    std::lock_guard lock(mutex_);
    hold_ = on;
  }
  /// Answers every held request.
  void release() {
    std::vector<std::shared_ptr<pending>> ps;
    {
      std::lock_guard lock(mutex_);
      hold_ = false;
      ps.swap(pending_);
    }
    for (auto& p : ps) finish(p, p->ans);
  }
  std::vector<http::request> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::size_t count() const {
    std::lock_guard lock(mutex_);
    return requests_.size();
  }

  asio::any_io_executor get_executor() override { return ioc_.get_executor(); }

  void async_send_erased(http::request req, diagnostics& diag, handler_type handler) override {
    answer ans;
    auto slot = asio::get_associated_cancellation_slot(handler);
    // Boost 1.81's any_completion_handler move assignment recurses: construct, never assign.
    auto p = std::make_shared<pending>(std::move(handler));
    bool held = false;
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(req);
      if (!queue_.empty()) {
        ans = std::move(queue_.front());
        queue_.pop_front();
      } else if (fallback_) {
        ans = fallback_(req);
      } else {
        ans.error = make_error_code(errc::transport_error);
      }
      p->diag = &diag;
      p->ans = ans;
      held = hold_;
      if (held) {
        pending_.push_back(p);
        if (slot.is_connected()) {
          p->slot = slot;
          slot.assign([this, p](asio::cancellation_type) {
            {
              std::lock_guard l(mutex_);
              std::erase(pending_, p);
            }
            p->slot = {};  // cannot clear a slot from inside its own handler
            finish(p, answer{{}, make_error_code(errc::cancelled)});
          });
        }
      }
    }
    if (!held) finish(p, ans);
  }

 private:
  struct pending {
    explicit pending(handler_type h) : handler(std::move(h)) {}
    diagnostics* diag = nullptr;
    handler_type handler;
    answer ans;
    asio::cancellation_slot slot;
    std::atomic<bool> done{false};
  };

  void finish(const std::shared_ptr<pending>& p, answer ans) {
    if (p->done.exchange(true)) return;
    if (p->slot.is_connected()) p->slot.clear();
    if (ans.error) p->diag->client_message = "fake transport: " + ans.error.message();
    asio::post(ioc_, [p, ans = std::move(ans)]() mutable { std::move(p->handler)(ans.error, std::move(ans.response)); });
  }

  asio::io_context& ioc_;
  mutable std::mutex mutex_;
  std::deque<answer> queue_;
  std::function<answer(const http::request&)> fallback_;
  std::vector<http::request> requests_;
  std::vector<std::shared_ptr<pending>> pending_;
  bool hold_ = false;
};

/// Sets (or, with nullopt, unsets) environment variables and puts them back on destruction.
class env_guard {
 public:
  env_guard(std::initializer_list<std::pair<std::string, std::optional<std::string>>> vars) {
    for (auto& [name, value] : vars) set(name, value);
  }
  void set(const std::string& name, const std::optional<std::string>& value) {
    const char* old = std::getenv(name.c_str());
    saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
    if (value) ::setenv(name.c_str(), value->c_str(), 1);
    else ::unsetenv(name.c_str());
  }
  ~env_guard() {
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
      if (it->second) ::setenv(it->first.c_str(), it->second->c_str(), 1);
      else ::unsetenv(it->first.c_str());
    }
  }
  env_guard(const env_guard&) = delete;
  env_guard& operator=(const env_guard&) = delete;

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

/// Every variable any credential reads, unset.
inline env_guard clean_auth_env() {
  return env_guard{{"AZURE_TENANT_ID", std::nullopt},
                   {"AZURE_CLIENT_ID", std::nullopt},
                   {"AZURE_CLIENT_SECRET", std::nullopt},
                   {"AZURE_CLIENT_CERTIFICATE_PATH", std::nullopt},
                   {"AZURE_CLIENT_CERTIFICATE_PASSWORD", std::nullopt},
                   {"AZURE_CLIENT_SEND_CERTIFICATE_CHAIN", std::nullopt},
                   {"AZURE_FEDERATED_TOKEN_FILE", std::nullopt},
                   {"AZURE_AUTHORITY_HOST", std::nullopt},
                   {"AZURE_POD_IDENTITY_AUTHORITY_HOST", std::nullopt},
                   {"AZURE_TOKEN_CREDENTIALS", std::nullopt},
                   {"IDENTITY_ENDPOINT", std::nullopt},
                   {"IDENTITY_HEADER", std::nullopt},
                   {"IDENTITY_SERVER_THUMBPRINT", std::nullopt},
                   {"IMDS_ENDPOINT", std::nullopt},
                   {"MSI_ENDPOINT", std::nullopt},
                   {"MSI_SECRET", std::nullopt}};
}

/// A fresh folder under the system temp folder, removed with everything in it on destruction.
class temp_dir {
 public:
  temp_dir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("amlk8s-auth-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path write(const std::string& name, const std::string& content) const {
    auto p = path_ / name;
    std::ofstream(p, std::ios::binary | std::ios::trunc) << content;
    return p;
  }

 private:
  std::filesystem::path path_;
};

/// A clock the test moves by hand.
struct fake_clock {
  std::shared_ptr<std::atomic<std::int64_t>> seconds = std::make_shared<std::atomic<std::int64_t>>(1'800'000'000);
  std::function<std::chrono::system_clock::time_point()> fn() const {
    return [s = seconds] { return std::chrono::system_clock::time_point(std::chrono::seconds(s->load())); };
  }
  std::chrono::system_clock::time_point now() const { return fn()(); }
  void advance(std::chrono::seconds d) { *seconds += d.count(); }
};

/// The outcome of one token request.
struct token_result {
  error_code ec;
  auth::access_token token;
  diagnostics diag;
  bool completed = false;
};

/// Runs one get_token on `ioc` until it completes.
inline token_result get_token(auth::token_credential& cred, asio::io_context& ioc,
                              std::vector<std::string> scopes = {"https://management.azure.com/.default"}) {
  auto r = std::make_shared<token_result>();
  cred.async_get_token(std::move(scopes), r->diag, [r](error_code ec, auth::access_token t) {
    r->ec = ec;
    r->token = std::move(t);
    r->completed = true;
  });
  ioc.restart();
  ioc.run();
  EXPECT_TRUE(r->completed);
  return *r;
}

/// A form body decoded into its fields, in order.
inline std::vector<std::pair<std::string, std::string>> parse_form(const std::string& body) {
  auto decode = [](std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '%' && i + 2 < s.size()) {
        out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
        i += 2;
      } else {
        out += s[i] == '+' ? ' ' : s[i];
      }
    }
    return out;
  };
  std::vector<std::pair<std::string, std::string>> fields;
  std::string_view rest = body;
  while (!rest.empty()) {
    auto amp = rest.find('&');
    auto part = rest.substr(0, amp);
    auto eq = part.find('=');
    fields.emplace_back(decode(part.substr(0, eq)), eq == std::string_view::npos ? "" : decode(part.substr(eq + 1)));
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
  }
  return fields;
}

/// The value of one form field, or nullopt.
inline std::optional<std::string> form_field(const std::string& body, std::string_view name) {
  for (auto& [k, v] : parse_form(body))
    if (k == name) return v;
  return std::nullopt;
}

/// A valid Entra v2 answer.
inline http::response entra_token(std::string token = "tok-1", int expires_in = 3599) {
  return json_response(200, R"({"token_type":"Bearer","expires_in":)" + std::to_string(expires_in) +
                                R"(,"ext_expires_in":3599,"access_token":")" + token + "\"}");
}

}  // namespace amlk8s::auth_test
