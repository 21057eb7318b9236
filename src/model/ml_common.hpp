// Private helpers of the workspace clients (computes, jobs, online endpoints): blocking forms,
// precondition errors, and awaitable ARM reads that throw. Include after model/coro.hpp.
#pragma once

#include "arm/blocking.hpp"
#include "model/coro.hpp"
#include "model/wire.hpp"

#include <amlk8s/arm/client.hpp>
#include <amlk8s/arm/pager.hpp>
#include <amlk8s/arm/poller.hpp>
#include <amlk8s/core/azureml_reference.hpp>
#include <amlk8s/kube/client.hpp>
#include <amlk8s/kube/resource.hpp>
#include <amlk8s/model/compute.hpp>
#include <amlk8s/model/detail/initiate.hpp>
#include <amlk8s/model/fit.hpp>
#include <amlk8s/model/job.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <utility>

namespace amlk8s::model::detail {

/// A check before the operation found the target unfit: errc::precondition_failed with the issue
/// (field and fix) in diagnostics::validation.
inline amlk8s::error precondition(validation_issue issue) {
  diagnostics d;
  d.client_message = issue.message;
  d.validation.push_back(std::move(issue));
  return amlk8s::error(make_error_code(errc::precondition_failed), std::move(d));
}

/// Runs `start(diag, handler)` and waits; throws amlk8s::error on failure.
template <class T, class Start>
T block(Start&& start) {
  diagnostics diag;
  auto [ec, value] = arm::detail::run_blocking<T>([&](auto h) { start(diag, handler<T>(std::move(h))); });
  throw_on_error(ec, diag);
  return std::move(value);
}

/// read_body that throws its protocol error.
template <class T, class Read>
T read_or_throw(const boost::json::value& body, std::string_view what, diagnostics& diag, Read&& read) {
  T out;
  check(read_body(body, what, diag, out, std::forward<Read>(read)), diag);
  return out;
}

/// Sends `req` and returns the response; throws on any error (its diagnostics in `diag`).
inline boost::asio::awaitable<arm::response> ml_send(arm::client& arm, arm::request req, diagnostics& diag) {
  auto op = arm.async_send(std::move(req), diag, use_tuple);
  auto [ec, res] = co_await std::move(op);
  check(ec, diag);
  co_return std::move(res);
}

/// GET `path`; the body.
inline boost::asio::awaitable<boost::json::value> ml_get(arm::client& arm, std::string path, diagnostics& diag) {
  arm::request req;
  req.path = std::move(path);
  auto sending = ml_send(arm, std::move(req), diag);
  auto res = co_await std::move(sending);
  co_return std::move(res.body);
}

/// Every item of the collection at `path`, following nextLink (contracts/aml-workspace-and-auth.md §1.8).
inline boost::asio::awaitable<boost::json::array> ml_list(arm::client& arm, std::string path, diagnostics& diag) {
  arm::pager pages(arm, std::move(path));
  auto op = pages.async_all(use_tuple);
  auto [ec, items] = co_await std::move(op);
  diag = pages.diag();
  check(ec, diag);
  co_return std::move(items);
}

/// Begins a long-running operation; throws when the first request fails.
inline boost::asio::awaitable<arm::poller> ml_begin(arm::client& arm, arm::request req, diagnostics& diag) {
  auto op = arm::async_begin(arm, std::move(req), diag, use_tuple);
  auto [ec, poller] = co_await std::move(op);
  check(ec, diag);
  co_return std::move(poller);
}

/// Waits for a poller; throws errc::operation_failed with the service's error when it failed.
inline boost::asio::awaitable<boost::json::value> ml_wait(arm::poller poller, diagnostics& diag) {
  auto op = poller.async_wait(use_tuple);
  auto [ec, body] = co_await std::move(op);
  if (ec) diag = poller.diag();
  check(ec, diag);
  co_return std::move(body);
}

/// What a REST field that takes an asset id gets for `ref_text` (contracts/aml-workspace-and-auth.md
/// §2.4): an ARM id as it is, `azureml:<name>@latest` resolved through the container's
/// latestVersion (azure-ai-ml's _get_latest_version_from_container), other references mapped.
/// `field` names the input in a precondition error.
inline boost::asio::awaitable<std::string> resolve_asset(arm::client& arm, const resource_id& ws, std::string ref_text,
                                                         azureml_asset_type type, std::string field, diagnostics& diag) {
  if (ref_text.empty() || ref_text.starts_with("/subscriptions/")) co_return ref_text;
  const auto ref = azureml_reference::parse(ref_text);
  if (ref.kind() == azureml_reference::form::name_label && ref.label() == "latest") {
    auto reading = ml_get(arm, ref.container_id(ws, type).to_string(), diag);
    auto body = co_await std::move(reading);
    std::string latest;
    if (const auto* p = body.is_object() ? body.as_object().if_contains("properties") : nullptr; p && p->is_object())
      if (const auto* v = p->as_object().if_contains("latestVersion"); v && v->is_string()) latest = v->as_string();
    if (latest.empty())
      throw precondition({field, "'" + std::string(ref.name()) + "' has no latest version",
                          "register a version, or name one: azureml:" + std::string(ref.name()) + ":<version>"});
    co_return asset_version_id(ws, type, ref.name(), latest).to_string();
  }
  co_return ref.to_asset_id(ws, type);
}

/// §2.4: registers an inline environment as a `CliV2AnonymousEnvironment` version (PUT, synchronous)
/// and returns its id.
inline boost::asio::awaitable<std::string> register_inline_environment(arm::client& arm, const resource_id& ws,
                                                                       inline_environment env, diagnostics& diag) {
  const auto id = asset_version_id(ws, azureml_asset_type::environments, "CliV2AnonymousEnvironment",
                                   anonymous_environment_version(env));
  arm::request req;
  req.method = http::verb::put;
  req.path = id.to_string();
  req.body = anonymous_environment_body(env);
  auto sending = ml_send(arm, std::move(req), diag);
  co_await std::move(sending);
  co_return id.to_string();
}

/// The instance type `name` of `compute` (a precondition error listing the compute's types when it
/// has none of that name); given the cluster's API, it must also fit some node of the idle cluster
/// (otherwise the workload could never be scheduled), else the scheduler's message.
inline boost::asio::awaitable<void> check_instance_type(const kubernetes_compute& compute, std::string name,
                                                        const kube::client* k8s, std::string field, diagnostics& diag) {
  auto type = compute.find_instance_type(name);
  if (!type) {
    std::string known;
    for (const auto& [n, t] : compute.instance_types) known += (known.empty() ? "" : ", ") + n;
    throw precondition({field,
                        "instance type '" + name + "' does not exist on compute '" + compute.name +
                            "' (it has: " + (known.empty() ? std::string("none") : known) + ")",
                        "create it on the cluster (kubectl apply -f, or instance_types_client::apply) or "
                        "pick one of those"});
  }
  if (k8s == nullptr) co_return;
  auto op = k8s->async_list(kube::resources::nodes, "", {}, diag, use_tuple);
  auto [ec, nodes] = co_await std::move(op);
  check(ec, diag);
  const auto fit = analyze(*type, node_views(nodes.items, boost::json::array{}));
  if (!fit.fits())
    throw precondition({field,
                        "instance type '" + type->name + "' fits no node of the cluster, even an idle one: " +
                            fit.scheduler_message(false),
                        "pick an instance type the nodes can hold, or add nodes that match it"});
}

}  // namespace amlk8s::model::detail
