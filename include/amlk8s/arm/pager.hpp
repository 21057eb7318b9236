// Reading an ARM list page by page (contracts/arm-extensions.md §1.5, §1.9; aml-workspace-and-auth.md
// §1.8): `{"value": [...], "nextLink": "<absolute URL>"}`. The first request is built by the client
// (api-version and all); every later one GETs `nextLink` verbatim, never re-encoded and never given
// an api-version again. A null, missing or empty nextLink ends the list. A nextLink already visited
// (a service bug seen in the wild) ends it with errc::protocol_error instead of looping forever,
// as does going past `max_pages`.
//
// Pages are fetched lazily, one per async_next_page; async_all collects every item. A pager owns its
// diagnostics (diag()). One operation at a time per pager, started from the thread (or strand) that
// runs the client's executor; copies share one state.
#pragma once

#include <amlk8s/arm/client.hpp>
#include <amlk8s/arm/message.hpp>
#include <amlk8s/core/error.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/json/array.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <utility>

namespace amlk8s::arm {

/// How a list is read.
struct pager_options {
  /// The member holding the items.
  std::string items_key = "value";
  /// The member holding the next page's URL.
  std::string next_link_key = "nextLink";
  /// A guard against services that never stop: more pages than this is errc::protocol_error.
  std::size_t max_pages = 10000;
};

/// One page of a list.
struct page {
  /// The items of this page.
  boost::json::array items{};
  /// The next page's URL; empty on the last page.
  std::string next_link{};
  /// The raw answer (status, headers, throttle); its body keeps every member but the items.
  response raw{};
};

/// Reads one ARM list.
class pager {
 public:
  /// Completion of async_next_page.
  using page_signature = void(error_code, page);
  /// Completion of async_all: every item read, also those read before a failure.
  using all_signature = void(error_code, boost::json::array);

  /// An empty pager (valid() is false).
  pager() = default;
  /// A pager whose first page is `first` (usually a GET of a collection path).
  pager(client c, request first, pager_options options = {});
  /// A pager whose first page is a GET of `path`.
  pager(client c, std::string path, pager_options options = {});

  /// False for a default-constructed pager.
  bool valid() const noexcept { return st_ != nullptr; }
  /// True once the last page has been read (or the list failed for good).
  bool done() const noexcept;
  /// How many pages were read so far.
  std::size_t pages_read() const noexcept;
  /// What went wrong in the last operation; empty after success.
  const diagnostics& diag() const;

  /// Reads the next page; when done() already, completes at once with an empty page.
  template <class CompletionToken>
  auto async_next_page(CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, page_signature>(
        [this](auto handler) { async_next_page_erased(std::move(handler)); }, token);
  }
  /// Reads every remaining page and completes with all their items, in order.
  template <class CompletionToken>
  auto async_all(CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, all_signature>(
        [this](auto handler) { async_all_erased(std::move(handler)); }, token);
  }

  /// Blocking next page; throws amlk8s::error with diag(). Needs the sender's executor run elsewhere.
  page next_page();
  /// Blocking read of every remaining item.
  boost::json::array all();

  /// The type-erased operation behind async_next_page.
  void async_next_page_erased(boost::asio::any_completion_handler<page_signature> handler);
  /// The type-erased operation behind async_all.
  void async_all_erased(boost::asio::any_completion_handler<all_signature> handler);

  struct state;  ///< shared by copies and by operations in flight (defined in src/arm/pager.cpp)

 private:
  std::shared_ptr<state> st_;
};

}  // namespace amlk8s::arm
