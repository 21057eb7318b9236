// Fit analysis over a cluster's Kubernetes API: list nodes and pods (all namespaces), then run the
// sans-I/O analysis (fit.cpp). Written as a coroutine, as azureml_client.cpp.
#include <amlk8s/model/fit.hpp>

#include "arm/blocking.hpp"

#include "model/coro.hpp"

namespace amlk8s::model {
namespace {

namespace asio = boost::asio;
using detail::spawn;
using detail::use_tuple;

asio::awaitable<std::vector<node_view>> nodes_coro(const kube::client* k8s, diagnostics* diag) {
  auto op1 = k8s->async_list(kube::resources::nodes, "", {}, *diag, use_tuple);
  auto [ec1, nodes] = co_await std::move(op1);
  if (ec1) throw error(ec1, *diag);
  auto op2 = k8s->async_list(kube::resources::pods, kube::all_namespaces, {}, *diag, use_tuple);
  auto [ec2, pods] = co_await std::move(op2);
  if (ec2) throw error(ec2, *diag);
  co_return node_views(nodes.items, pods.items);
}

asio::awaitable<fit_table> analyze_coro(const kube::client* k8s, std::vector<instance_type> types, fit_options options,
                                        diagnostics* diag) {
  auto reading = nodes_coro(k8s, diag);
  auto nodes = co_await std::move(reading);
  co_return analyze_cluster(types, nodes, options);
}

}  // namespace

fit_analyzer::fit_analyzer(const kube::client& k8s, fit_options options) : k8s_(&k8s), options_(std::move(options)) {}

void fit_analyzer::async_nodes_erased(diagnostics& diag, asio::any_completion_handler<nodes_signature> handler) const {
  spawn<std::vector<node_view>>(k8s_->get_executor(), diag, nodes_coro(k8s_, &diag), std::move(handler));
}

void fit_analyzer::async_analyze_erased(std::vector<instance_type> types, diagnostics& diag,
                                        asio::any_completion_handler<table_signature> handler) const {
  spawn<fit_table>(k8s_->get_executor(), diag, analyze_coro(k8s_, std::move(types), options_, &diag), std::move(handler));
}

std::vector<node_view> fit_analyzer::nodes() const {
  diagnostics diag;
  auto [ec, r] = arm::detail::run_blocking<std::vector<node_view>>([&](auto h) { async_nodes_erased(diag, std::move(h)); });
  throw_on_error(ec, diag);
  return std::move(r);
}

fit_table fit_analyzer::analyze(const std::vector<instance_type>& types) const {
  diagnostics diag;
  auto [ec, r] = arm::detail::run_blocking<fit_table>([&](auto h) { async_analyze_erased(types, diag, std::move(h)); });
  throw_on_error(ec, diag);
  return std::move(r);
}

type_fit fit_analyzer::analyze(const instance_type& type) const {
  auto table = analyze(std::vector<instance_type>{type});
  return std::move(table.types.front());
}

}  // namespace amlk8s::model
