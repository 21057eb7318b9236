#include <amlk8s/arm/poller.hpp>

#include "arm/blocking.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>

namespace amlk8s::arm {

namespace asio = boost::asio;
namespace json = boost::json;
using std::chrono::milliseconds;

struct poller::state {
  state(client c, lro_machine m, poller_options o)
      : cl(std::move(c)),
        machine(std::move(m)),
        options(std::move(o)),
        delay_timer(cl.get_executor()),
        deadline_timer(cl.get_executor()) {}

  client cl;
  lro_machine machine;
  poller_options options;
  diagnostics diag;
  std::chrono::steady_clock::time_point created = std::chrono::steady_clock::now();
  asio::steady_timer delay_timer;
  asio::steady_timer deadline_timer;
  // Every request and timer wait of a running operation is bound to this signal, so that both the
  // caller's cancellation and the deadline can stop whichever of them is in flight.
  asio::cancellation_signal inner;
  bool busy = false;
  bool timed_out = false;
  std::uint64_t generation = 0;  // tells a stale deadline handler from the current one
};

namespace {

milliseconds elapsed_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - t);
}

// async_wait (Once = false) and async_poll_once (Once = true).
template <bool Once>
struct wait_op {
  explicit wait_op(std::shared_ptr<poller::state> s) : st(std::move(s)) {}

  std::shared_ptr<poller::state> st;
  bool started = false;
  bool completing = false;  // a completion was posted from the initiating call
  bool release = true;      // whether finishing ends this poller's busy state (not when it was busy)
  error_code final_ec;

  template <class Self>
  void operator()(Self& self) {
    if (completing) return finish(self, final_ec);
    if (started) return;
    started = true;
    if (st->busy) {
      // Another wait of this poller is running; its diagnostics must not be disturbed.
      return post_finish(self, make_error_code(errc::invalid_argument), false);
    }
    // Polls are GETs: stopping at any point leaves nothing half done, so every cancellation type is fine.
    self.reset_cancellation_state(asio::enable_total_cancellation());
    st->busy = true;
    st->timed_out = false;
    ++st->generation;
    st->diag.clear();
    st->machine.timing() = st->options.timing;

    const lro_action& next = st->machine.pending();
    if (next.kind == lro_action_kind::done) return post_finish(self, {}, true);
    if (next.kind == lro_action_kind::failed) {
      st->diag = next.diag;
      return post_finish(self, next.error, true);
    }
    if (!Once && st->options.timeout > milliseconds(0)) {
      st->deadline_timer.expires_after(st->options.timeout);
      st->deadline_timer.async_wait([s = st, gen = st->generation](error_code ec) {
        if (ec || s->generation != gen || !s->busy) return;
        s->timed_out = true;
        s->inner.emit(asio::cancellation_type::terminal);
      });
    }
    step(self);
  }

  // The delay timer fired (or was cancelled).
  template <class Self>
  void operator()(Self& self, error_code ec) {
    if (stopped(self)) return;
    if (ec) return finish(self, ec);
    send(self);
  }

  // A poll or final GET was answered.
  template <class Self>
  void operator()(Self& self, error_code ec, response res) {
    if (stopped(self)) return;
    if (res.status == 0 || (ec && res.ok())) {
      // No HTTP answer, or a 2xx that is not JSON: the client has filled the diagnostics.
      return finish(self, ec ? ec : make_error_code(errc::protocol_error));
    }
    lro_action action = st->machine.resume(res);
    report_progress();
    if (action.kind == lro_action_kind::failed) {
      // For an HTTP error the client's diagnostics are the fuller ones (they keep non-JSON text);
      // for a Failed/Canceled operation they are empty and the machine's hold the service's error.
      if (st->diag.empty()) st->diag = std::move(action.diag);
      return finish(self, action.error);
    }
    if (Once || action.kind == lro_action_kind::done) return finish(self, {});
    step(self);
  }

  template <class Self>
  void step(Self& self) {
    const lro_action& next = st->machine.pending();
    if (!Once && next.kind == lro_action_kind::poll && next.delay > milliseconds(0)) {
      asio::steady_timer& timer = st->delay_timer;
      timer.expires_after(next.delay);
      timer.async_wait(bound(self));
      return;
    }
    send(self);
  }

  template <class Self>
  void send(Self& self) {
    request r;
    r.method = http::verb::get;
    r.path = st->machine.pending().url;
    r.verbatim = true;
    // Take what the call needs before `self` (which owns st) is moved into it.
    const client& cl = st->cl;
    diagnostics& diag = st->diag;
    cl.async_send_erased(std::move(r), diag, bound(self));
  }

  // Binds the next inner operation to st->inner, and forwards the caller's cancellation to it.
  // (The composed operation clears its own slot on every step, so the forwarder is set each time.)
  template <class Self>
  auto bound(Self& self) {
    auto slot = self.get_cancellation_state().slot();
    if (slot.is_connected()) slot.assign([s = st](asio::cancellation_type type) { s->inner.emit(type); });
    auto inner_slot = st->inner.slot();
    return asio::bind_cancellation_slot(inner_slot, std::move(self));
  }

  template <class Self>
  bool stopped(Self& self) {
    if (st->timed_out) {
      st->diag.clear();
      st->diag.client_message = "stopped waiting for the long-running operation after " +
                                std::to_string(st->options.timeout.count()) + " ms (last status '" +
                                st->machine.status() +
                                "'); it may still be running: wait again, or keep the resume token";
      finish(self, make_error_code(errc::timeout));
      return true;
    }
    if (self.get_cancellation_state().cancelled() != asio::cancellation_type::none) {
      st->diag.clear();
      st->diag.client_message = "waiting for the long-running operation was cancelled (last status '" +
                                st->machine.status() + "'); it goes on at the service";
      finish(self, make_error_code(errc::cancelled));
      return true;
    }
    return false;
  }

  void report_progress() {
    if (!st->options.on_progress) return;
    try {
      st->options.on_progress(st->machine.status(), elapsed_since(st->created));
    } catch (...) {
      // A display callback must not be able to abandon the operation halfway.
    }
  }

  template <class Self>
  void post_finish(Self& self, error_code ec, bool owns_poller) {
    completing = true;
    final_ec = ec;
    if (!owns_poller) release = false;
    auto ex = st->cl.get_executor();
    asio::post(ex, std::move(self));
  }

  template <class Self>
  void finish(Self& self, error_code ec) {
    if (release) {
      st->busy = false;
      ++st->generation;
      st->deadline_timer.cancel();
    }
    if constexpr (Once) {
      self.complete(ec);
    } else {
      json::value result = ec ? json::value() : st->machine.result();
      self.complete(ec, std::move(result));
    }
  }
};

struct begin_op {
  client cl;
  request req;
  diagnostics* diag;
  bool sent = false;

  template <class Self>
  void operator()(Self& self) {
    if (sent) return;
    sent = true;
    // Copies, because `self` owns this object and is moved into the call; the poller needs the first
    // request's method and URL afterwards.
    client c = cl;
    request copy = req;
    diagnostics& d = *diag;
    c.async_send_erased(std::move(copy), d, std::move(self));
  }

  template <class Self>
  void operator()(Self& self, error_code ec, response res) {
    if (res.status == 0 || (ec && res.ok())) return self.complete(ec, poller{});
    poller p(cl, req, std::move(res));
    self.complete(ec, std::move(p));
  }
};

}  // namespace

poller::poller(client c, const request& initial_request, response initial)
    : poller(c, initial_request, std::move(initial), c.options().polling) {}

poller::poller(client c, const request& initial_request, response initial, poller_options options) {
  std::string url = c.url_for(initial_request);
  lro_machine machine(initial_request.method, std::move(url), options.timing);
  lro_action first = machine.start(initial);
  st_ = std::make_shared<state>(std::move(c), std::move(machine), std::move(options));
  if (first.kind == lro_action_kind::failed) st_->diag = std::move(first.diag);
}

poller poller::from_resume_token(client c, std::string_view token) {
  auto options = c.options().polling;
  return from_resume_token(std::move(c), token, std::move(options));
}

poller poller::from_resume_token(client c, std::string_view token, poller_options options) {
  lro_machine machine;
  diagnostics diag;
  throw_on_error(lro_machine::from_resume_token(token, machine, diag, options.timing), diag);
  poller p;
  p.st_ = std::make_shared<state>(std::move(c), std::move(machine), std::move(options));
  return p;
}

bool poller::done() const noexcept { return !st_ || st_->machine.done(); }

bool poller::succeeded() const noexcept { return st_ && st_->machine.succeeded(); }

std::string poller::status() const { return st_ ? st_->machine.status() : std::string(); }

const json::value& poller::result() const {
  static const json::value null_value;
  return st_ ? st_->machine.result() : null_value;
}

std::string poller::resume_token() const { return st_ ? st_->machine.resume_token() : std::string(); }

const diagnostics& poller::diag() const {
  static const diagnostics empty;
  return st_ ? st_->diag : empty;
}

poller_options& poller::options() {
  if (!st_) throw error(errc::invalid_argument, "empty arm::poller");
  return st_->options;
}

void poller::async_wait_erased(asio::any_completion_handler<wait_signature> handler) {
  if (!st_) throw error(errc::invalid_argument, "async_wait on an empty arm::poller");
  asio::async_compose<asio::any_completion_handler<wait_signature>, wait_signature>(wait_op<false>(st_), handler,
                                                                                     st_->cl.get_executor());
}

void poller::async_poll_once_erased(asio::any_completion_handler<poll_signature> handler) {
  if (!st_) throw error(errc::invalid_argument, "async_poll_once on an empty arm::poller");
  asio::async_compose<asio::any_completion_handler<poll_signature>, poll_signature>(wait_op<true>(st_), handler,
                                                                                    st_->cl.get_executor());
}

json::value poller::wait() {
  auto [ec, result] =
      detail::run_blocking<json::value>([this](auto handler) { async_wait_erased(std::move(handler)); });
  throw_on_error(ec, diag());
  return std::move(result);
}

void poller::poll_once() {
  auto [ec] = detail::run_blocking<>([this](auto handler) { async_poll_once_erased(std::move(handler)); });
  throw_on_error(ec, diag());
}

void async_begin_erased(const client& c, request req, diagnostics& diag,
                        asio::any_completion_handler<begin_signature> handler) {
  asio::async_compose<asio::any_completion_handler<begin_signature>, begin_signature>(
      begin_op{c, std::move(req), &diag}, handler, c.get_executor());
}

poller begin(const client& c, request req) {
  diagnostics diag;
  auto [ec, p] = detail::run_blocking<poller>(
      [&](auto handler) { async_begin_erased(c, std::move(req), diag, std::move(handler)); });
  throw_on_error(ec, diag);
  return std::move(p);
}

}  // namespace amlk8s::arm
