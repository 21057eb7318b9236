// The fallback of sender::async_send_streaming_erased for senders that cannot stream: the whole
// response is collected, then handed to the sink in one piece.
#include <amlk8s/http/sender.hpp>

#include "detail/completion.hpp"

#include <memory>

namespace amlk8s::http {

void sender::async_send_streaming_erased(request req, diagnostics& diag, body_sink sink, handler_type handler) {
  auto completion = std::make_shared<detail::send_completion>(std::move(handler), get_executor());
  async_send_erased(std::move(req), diag,
                    completion->step([completion, sink = std::move(sink)](error_code ec, response res) {
                      if (!ec) {
                        std::string body = std::move(res.body);
                        res.body.clear();
                        if (sink) {
                          sink(res, {});
                          if (!body.empty()) sink(res, body);
                        }
                      }
                      completion->complete(ec, std::move(res));
                    }));
  completion->initiated();
}

}  // namespace amlk8s::http
