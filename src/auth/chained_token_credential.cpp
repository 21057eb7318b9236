#include <amlk8s/auth/chained_token_credential.hpp>

#include "auth/completion.hpp"

#include <atomic>
#include <stdexcept>

namespace amlk8s::auth {
namespace {

// §4.5 chain semantics: "not configured" and "not available here" move on; anything else stops.
bool moves_on(error_code ec) {
  return ec == make_error_code(errc::invalid_argument) || ec == make_error_code(errc::precondition_failed);
}

}  // namespace

struct chained_token_credential::state {
  std::vector<std::shared_ptr<token_credential>> credentials;
  std::string name;
  std::atomic<int> winner{-1};
};

namespace {

struct chain_op : std::enable_shared_from_this<chain_op> {
  chain_op(std::shared_ptr<const void> keep, const std::vector<std::shared_ptr<token_credential>>& c, std::string_view n,
           std::atomic<int>& w, std::vector<std::string> s, diagnostics& d, token_handler h,
           boost::asio::any_io_executor ex)
      : keep_alive(std::move(keep)), credentials(c), name(n), winner(w), scopes(std::move(s)), diag(d),
        handler(std::move(h)), executor(std::move(ex)) {}

  std::shared_ptr<const void> keep_alive;
  const std::vector<std::shared_ptr<token_credential>>& credentials;
  std::string_view name;
  std::atomic<int>& winner;
  std::vector<std::string> scopes;
  diagnostics& diag;
  token_handler handler;
  boost::asio::any_io_executor executor;
  std::size_t index = 0;
  diagnostics sub;
  std::string reasons;

  void run_winner(std::size_t i) {
    index = i;
    credentials[i]->async_get_token_erased(scopes, sub, [self = shared_from_this()](error_code ec, access_token t) {
      self->diag = self->sub;
      detail::post_completion(self->executor, std::move(self->handler), ec, std::move(t));
    });
  }

  void next() {
    if (index == credentials.size()) {
      diag.clear();
      diag.client_message = std::string(name) + " could not get a token from any credential:" + reasons;
      detail::post_completion(executor, std::move(handler), make_error_code(errc::authentication_failed), access_token{});
      return;
    }
    sub.clear();
    credentials[index]->async_get_token_erased(scopes, sub, [self = shared_from_this()](error_code ec, access_token t) {
      self->on_result(ec, std::move(t));
    });
  }

  void on_result(error_code ec, access_token t) {
    std::string who(credentials[index]->name());
    if (!ec) {
      int expected = -1;
      winner.compare_exchange_strong(expected, static_cast<int>(index));
      diag.clear();
      detail::post_completion(executor, std::move(handler), error_code{}, std::move(t));
      return;
    }
    if (moves_on(ec)) {
      // One line per credential; its own text usually starts with its name already.
      auto why = sub.to_string();
      if (why.empty()) why = ec.message();
      reasons += "\n- " + (why.starts_with(who) ? why : who + ": " + why);
      ++index;
      next();
      return;
    }
    // An available credential failed: report its own diagnostics, and what was skipped before it.
    diag = sub;
    diag.client_message = std::string(name) + " stopped at " + who + ": " +
                          (sub.client_message.empty() ? ec.message() : sub.client_message) +
                          (reasons.empty() ? "" : "\nskipped before it:" + reasons + "\n");
    detail::post_completion(executor, std::move(handler), ec, access_token{});
  }
};

}  // namespace

chained_token_credential::chained_token_credential(std::vector<std::shared_ptr<token_credential>> credentials,
                                                   std::string name)
    : state_(std::make_shared<state>()) {
  if (credentials.empty()) throw amlk8s::error(errc::invalid_argument, "a credential chain needs at least one credential");
  for (const auto& c : credentials)
    if (!c) throw amlk8s::error(errc::invalid_argument, "a credential chain cannot hold a null credential");
  state_->credentials = std::move(credentials);
  state_->name = std::move(name);
}

chained_token_credential::~chained_token_credential() = default;

std::string_view chained_token_credential::name() const noexcept { return state_->name; }

boost::asio::any_io_executor chained_token_credential::get_executor() { return state_->credentials.front()->get_executor(); }

void chained_token_credential::async_get_token_erased(std::vector<std::string> scopes, diagnostics& diag,
                                                      handler_type handler) {
  diag.clear();
  auto op = std::make_shared<chain_op>(state_, state_->credentials, state_->name, state_->winner, std::move(scopes), diag,
                                       std::move(handler), get_executor());
  // §4.5: once a credential has given a token, it is used directly.
  if (int w = state_->winner.load(); w >= 0) {
    op->run_winner(static_cast<std::size_t>(w));
  } else {
    op->next();
  }
}

void chained_token_credential::invalidate(const std::vector<std::string>& scopes) {
  for (const auto& c : state_->credentials) c->invalidate(scopes);
}

const std::vector<std::shared_ptr<token_credential>>& chained_token_credential::credentials() const noexcept {
  return state_->credentials;
}

}  // namespace amlk8s::auth
