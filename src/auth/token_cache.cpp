#include <amlk8s/auth/token_cache.hpp>

#include "auth/completion.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>

#include <optional>
#include <vector>

namespace amlk8s::auth {

namespace asio = boost::asio;

struct token_cache::waiter {
  diagnostics* diag;
  token_handler handler;
  asio::any_io_executor executor;
  // Keeps the handler's execution context busy while it waits for somebody else's renewal.
  asio::any_completion_executor work;
};

struct token_cache::entry {
  std::optional<access_token> token;
  bool refreshing = false;
  std::chrono::system_clock::time_point retry_not_before{};
  std::vector<waiter> waiters;
  diagnostics fetch_diag;  // written only by the one running fetch
};

std::shared_ptr<token_cache> token_cache::create(token_cache_options options) {
  return std::make_shared<token_cache>(passkey{}, std::move(options));
}

token_cache::token_cache(passkey, token_cache_options options) : options_(std::move(options)) {}

token_cache::~token_cache() = default;

std::chrono::system_clock::time_point token_cache::now() const {
  return options_.clock ? options_.clock() : std::chrono::system_clock::now();
}

std::uint64_t token_cache::new_owner() {
  std::lock_guard lock(mutex_);
  return next_owner_++;
}

void token_cache::async_get_erased(std::uint64_t owner, std::string key, fetch_function fetch,
                                   asio::any_io_executor executor, diagnostics& diag, token_handler handler) {
  const auto now = this->now();
  std::shared_ptr<entry> e;
  std::optional<access_token> fresh;
  bool start = false;
  {
    std::lock_guard lock(mutex_);
    auto& slot = entries_[{owner, std::move(key)}];
    if (!slot) slot = std::make_shared<entry>();
    e = slot;
    if (e->token) {
      auto renew_at = e->token->expires_on - options_.refresh_offset;
      if (e->token->refresh_on && *e->token->refresh_on < renew_at) renew_at = *e->token->refresh_on;
      // Inside the renewal window a recent failure is not retried at once: the old token still works.
      bool backing_off = now < e->token->expires_on && now < e->retry_not_before && !e->refreshing;
      if (now < renew_at || backing_off) fresh = e->token;
    }
    if (!fresh) {
      auto ex = asio::get_associated_executor(handler, executor);
      e->waiters.push_back(
          {&diag, std::move(handler), executor, asio::prefer(ex, asio::execution::outstanding_work.tracked)});
      if (!e->refreshing) {
        e->refreshing = true;
        start = true;
      }
    }
  }
  if (fresh) {
    detail::post_completion(executor, std::move(handler), error_code{}, std::move(*fresh));
    return;
  }
  if (start) {
    e->fetch_diag.clear();
    fetch(e->fetch_diag, [self = shared_from_this(), e](error_code ec, access_token token) {
      self->complete_fetch(e, ec, std::move(token));
    });
  }
}

void token_cache::complete_fetch(std::shared_ptr<entry> e, error_code ec, access_token token) {
  const auto now = this->now();
  std::vector<waiter> waiters;
  std::optional<access_token> result;
  diagnostics failure;
  {
    std::lock_guard lock(mutex_);
    e->refreshing = false;
    if (!ec) {
      e->token = std::move(token);
      e->retry_not_before = {};
      result = e->token;
    } else if (e->token && now < e->token->expires_on) {
      e->retry_not_before = now + options_.failed_refresh_delay;
      result = e->token;
    } else {
      failure = e->fetch_diag;
    }
    waiters.swap(e->waiters);
  }
  for (auto& w : waiters) {
    if (result) {
      asio::post(w.executor, asio::bind_executor(w.work, [h = std::move(w.handler), t = *result]() mutable {
                   std::move(h)(error_code{}, std::move(t));
                 }));
    } else {
      *w.diag = failure;
      asio::post(w.executor, asio::bind_executor(w.work, [h = std::move(w.handler), ec]() mutable {
                   std::move(h)(ec, access_token{});
                 }));
    }
  }
}

void token_cache::invalidate(std::uint64_t owner, const std::string& key) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find({owner, key});
  if (it != entries_.end()) {
    it->second->token.reset();
    it->second->retry_not_before = {};
  }
}

void token_cache::erase_owner(std::uint64_t owner) {
  std::lock_guard lock(mutex_);
  auto it = entries_.lower_bound({owner, std::string()});
  while (it != entries_.end() && it->first.first == owner) it = entries_.erase(it);
}

std::size_t token_cache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace amlk8s::auth
