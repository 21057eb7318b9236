// The jobs client (contracts/aml-workspace-and-auth.md §2.1-2.4): references resolved as azure-ai-ml
// resolves them, the compute and instance type checked before the PUT, cancel, wait and log
// streaming, written as coroutines.
#include <amlk8s/model/job.hpp>

#include "model/coro.hpp"
#include "model/ml_common.hpp"

#include <amlk8s/core/azureml_reference.hpp>
#include <amlk8s/kube/resource.hpp>
#include <amlk8s/model/compute.hpp>
#include <amlk8s/model/fit.hpp>
#include <amlk8s/model/workload_labels.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include <random>

namespace amlk8s::model {

namespace json = boost::json;
namespace asio = boost::asio;
using detail::check;
using detail::use_tuple;

namespace {

// §2.1: azure-ai-ml names a job itself when the caller does not: two words and a random tail.
std::string generate_job_name() {
  static constexpr std::string_view adjectives[] = {"amber", "brave", "calm", "eager", "gentle", "lucid", "quick", "sunny"};
  static constexpr std::string_view nouns[] = {"river", "falcon", "maple", "comet", "harbor", "lantern", "meadow", "pebble"};
  static constexpr std::string_view alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device rd;
  std::mt19937_64 gen(rd());
  std::string name = std::string(adjectives[gen() % 8]) + "_" + std::string(nouns[gen() % 8]) + "_";
  for (int i = 0; i < 10; ++i) name += alphabet[gen() % alphabet.size()];
  return name;
}

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(d);
  auto op = timer.async_wait(use_tuple);
  co_await std::move(op);
}

// §2.4: the environmentId a job's environment stands for; inline environments are registered first.
asio::awaitable<std::string> resolve_environment(arm::client* arm, const resource_id& ws, const command_job& job,
                                                 diagnostics* diag) {
  if (job.environment_inline) {
    auto registering = detail::register_inline_environment(*arm, ws, *job.environment_inline, *diag);
    co_return co_await std::move(registering);
  }
  auto resolving = detail::resolve_asset(*arm, ws, job.environment, azureml_asset_type::environments, "environment", *diag);
  co_return co_await std::move(resolving);
}

asio::awaitable<command_job> create_coro(arm::client* arm, resource_id ws, command_job job, job_create_options options,
                                         diagnostics* diag) {
  if (auto issues = job.validate(); !issues.empty()) throw validation_error(std::move(issues));
  if (job.name.empty()) job.name = generate_job_name();
  const auto target = resolve_compute_target(job.compute, ws);
  if (options.check_compute) {
    auto reading = detail::ml_get(*arm, target.id.to_string(), *diag);
    json::value body;
    try {
      body = co_await std::move(reading);
    } catch (const amlk8s::error& e) {
      if (e.code() != errc::not_found) throw;
      diag->clear();
      throw detail::precondition({"compute", "compute '" + std::string(target.id.name()) + "' does not exist in the workspace",
                                  "attach the cluster first (computes_client::attach), or fix the name"});
    }
    auto compute = detail::read_or_throw<kubernetes_compute>(body, "compute", *diag, &kubernetes_compute::from_json);
    if (!http::iequals(compute.compute_type, "Kubernetes"))
      throw detail::precondition({"compute", "compute '" + compute.name + "' is a " + compute.compute_type + " compute",
                                  "use a Kubernetes compute"});
    if (!compute.succeeded())
      throw detail::precondition({"compute", "compute '" + compute.name + "' is " + compute.provisioning_state,
                                  "wait for the attach to succeed, or attach again"});
    auto checking = detail::check_instance_type(compute, job.instance_type, options.k8s, "resources.instance_type", *diag);
    co_await std::move(checking);
  }
  auto resolving = resolve_environment(arm, ws, job, diag);
  const auto environment_id = co_await std::move(resolving);
  auto resolving_code = detail::resolve_asset(*arm, ws, job.code, azureml_asset_type::codes, "code", *diag);
  const auto code_id = co_await std::move(resolving_code);
  arm::request req;
  req.method = http::verb::put;
  req.path = job_id(ws, job.name).to_string();
  req.body = job.to_json(target.id.to_string(), environment_id, code_id);
  auto sending = detail::ml_send(*arm, std::move(req), *diag);
  auto res = co_await std::move(sending);
  co_return detail::read_or_throw<command_job>(res.body, "job", *diag, &command_job::from_json);
}

asio::awaitable<command_job> get_coro(arm::client* arm, resource_id id, diagnostics* diag) {
  auto reading = detail::ml_get(*arm, id.to_string(), *diag);
  auto body = co_await std::move(reading);
  co_return detail::read_or_throw<command_job>(body, "job", *diag, &command_job::from_json);
}

// Polls until terminal, with back-off.
asio::awaitable<command_job> wait_coro(arm::client* arm, resource_id id, job_wait_options o, diagnostics* diag) {
  const auto start = std::chrono::steady_clock::now();
  auto delay = o.interval;
  std::string last;
  for (;;) {
    auto reading = get_coro(arm, id, diag);
    auto job = co_await std::move(reading);
    if (job.status != last) {
      last = job.status;
      if (o.on_status) o.on_status(job);
    }
    if (job.is_terminal()) co_return job;
    if (o.timeout.count() > 0 && std::chrono::steady_clock::now() - start >= o.timeout) {
      diagnostics d;
      d.client_message = "job '" + job.name + "' is still " + job.status + " after the wait's timeout";
      throw amlk8s::error(make_error_code(errc::timeout), std::move(d));
    }
    auto sleeping = sleep_for(delay);
    co_await std::move(sleeping);
    delay = std::min(o.max_interval, delay + delay / 2);
  }
}

asio::awaitable<command_job> cancel_coro(arm::client* arm, resource_id id, job_wait_options o, diagnostics* diag) {
  arm::request req;
  req.method = http::verb::post;
  req.path = id.to_string() + "/cancel";
  // §2.1: 200, or 202 with Location to poll until it is no longer 202.
  auto beginning = detail::ml_begin(*arm, std::move(req), *diag);
  auto poller = co_await std::move(beginning);
  if (!poller.done()) {
    auto waiting = detail::ml_wait(poller, *diag);
    co_await std::move(waiting);
  }
  auto waiting = wait_coro(arm, std::move(id), std::move(o), diag);
  co_return co_await std::move(waiting);
}

asio::awaitable<std::vector<command_job>> list_coro(arm::client* arm, resource_id ws, diagnostics* diag) {
  auto listing = detail::ml_list(*arm, ws.to_string() + "/jobs", *diag);
  auto items = co_await std::move(listing);
  std::vector<command_job> out;
  for (const auto& item : items) out.push_back(detail::read_or_throw<command_job>(item, "job", *diag, &command_job::from_json));
  co_return out;
}

// Reads the log of the job's first pod as it grows; a pod not there yet, or a container that has
// not started, reads as no text.
asio::awaitable<command_job> stream_coro(arm::client* arm, resource_id ws, std::string name, const kube::client* k8s,
                                         std::function<void(std::string_view)> on_text, job_wait_options o,
                                         diagnostics* diag) {
  const auto id = job_id(ws, name);
  auto reading = get_coro(arm, id, diag);
  auto job = co_await std::move(reading);
  std::string ns = "default";
  if (!job.compute_id.empty()) {
    auto computing = detail::ml_get(*arm, job.compute_id, *diag);
    auto body = co_await std::move(computing);
    ns = detail::read_or_throw<kubernetes_compute>(body, "compute", *diag, &kubernetes_compute::from_json).namespace_name;
  }
  const auto pod = workload_labels::job_pod_name(job.name, 0);
  kube::pod_log_options lo;
  lo.container = std::string(workload_labels::job_container);
  std::size_t seen = 0;
  auto delay = o.interval;
  for (;;) {
    const bool terminal = job.is_terminal();
    diagnostics log_diag;
    auto op = k8s->async_pod_log(ns, pod, lo, log_diag, use_tuple);
    auto [ec, text] = co_await std::move(op);
    if (!ec && text.is_string()) {
      const auto& s = text.as_string();
      if (s.size() > seen) {
        on_text(std::string_view(s).substr(seen));
        seen = s.size();
        delay = o.interval;
      }
    } else if (ec && ec != errc::not_found && ec != errc::service_error) {
      *diag = log_diag;
      check(ec, *diag);
    }
    if (terminal) co_return job;
    auto sleeping = sleep_for(delay);
    co_await std::move(sleeping);
    delay = std::min(o.max_interval, delay + delay / 2);
    auto again = get_coro(arm, id, diag);
    job = co_await std::move(again);
    if (job.status != "" && o.on_status) o.on_status(job);
  }
}

template <class T>
bool job_id_or_fail(const arm::client& arm, const resource_id& ws, std::string_view name, resource_id& id, diagnostics& diag,
                    detail::handler<T>& h) {
  try {
    if (name.empty()) throw validation_error({{"name", "the job name is empty", "pass the job's name"}});
    id = job_id(ws, name);
    return true;
  } catch (const amlk8s::error& e) {
    diag = e.diag();
    detail::complete_later(arm.get_executor(), std::move(h), e.code(), T{});
    return false;
  }
}

}  // namespace

jobs_client::jobs_client(arm::client& arm, resource_id workspace) : arm_(&arm), workspace_(std::move(workspace)) {
  require_workspace_id(workspace_);
}

void jobs_client::async_create_erased(command_job job, job_create_options options, diagnostics& diag,
                                      detail::handler<command_job> h) const {
  diag.clear();
  detail::spawn(arm_->get_executor(), diag, create_coro(arm_, workspace_, std::move(job), options, &diag), std::move(h));
}

command_job jobs_client::create(const command_job& job, const job_create_options& options) const {
  return detail::block<command_job>([&](diagnostics& d, auto h) { async_create_erased(job, options, d, std::move(h)); });
}

void jobs_client::async_get_erased(std::string name, diagnostics& diag, detail::handler<command_job> h) const {
  diag.clear();
  resource_id id;
  if (!job_id_or_fail(*arm_, workspace_, name, id, diag, h)) return;
  detail::spawn(arm_->get_executor(), diag, get_coro(arm_, std::move(id), &diag), std::move(h));
}

command_job jobs_client::get(std::string_view name) const {
  return detail::block<command_job>([&](diagnostics& d, auto h) { async_get_erased(std::string(name), d, std::move(h)); });
}

void jobs_client::async_list_erased(diagnostics& diag, detail::handler<std::vector<command_job>> h) const {
  diag.clear();
  detail::spawn(arm_->get_executor(), diag, list_coro(arm_, workspace_, &diag), std::move(h));
}

std::vector<command_job> jobs_client::list() const {
  return detail::block<std::vector<command_job>>([&](diagnostics& d, auto h) { async_list_erased(d, std::move(h)); });
}

void jobs_client::async_cancel_erased(std::string name, job_wait_options options, diagnostics& diag,
                                      detail::handler<command_job> h) const {
  diag.clear();
  resource_id id;
  if (!job_id_or_fail(*arm_, workspace_, name, id, diag, h)) return;
  detail::spawn(arm_->get_executor(), diag, cancel_coro(arm_, std::move(id), std::move(options), &diag), std::move(h));
}

command_job jobs_client::cancel(std::string_view name, const job_wait_options& options) const {
  return detail::block<command_job>(
      [&](diagnostics& d, auto h) { async_cancel_erased(std::string(name), options, d, std::move(h)); });
}

void jobs_client::async_wait_erased(std::string name, job_wait_options options, diagnostics& diag,
                                    detail::handler<command_job> h) const {
  diag.clear();
  resource_id id;
  if (!job_id_or_fail(*arm_, workspace_, name, id, diag, h)) return;
  detail::spawn(arm_->get_executor(), diag, wait_coro(arm_, std::move(id), std::move(options), &diag), std::move(h));
}

command_job jobs_client::wait(std::string_view name, const job_wait_options& options) const {
  return detail::block<command_job>(
      [&](diagnostics& d, auto h) { async_wait_erased(std::string(name), options, d, std::move(h)); });
}

void jobs_client::async_stream_logs_erased(std::string name, const kube::client& k8s,
                                           std::function<void(std::string_view)> on_text, job_wait_options options,
                                           diagnostics& diag, detail::handler<command_job> h) const {
  diag.clear();
  resource_id id;
  if (!job_id_or_fail(*arm_, workspace_, name, id, diag, h)) return;
  detail::spawn(arm_->get_executor(), diag,
                stream_coro(arm_, workspace_, std::move(name), &k8s, std::move(on_text), std::move(options), &diag),
                std::move(h));
}

command_job jobs_client::stream_logs(std::string_view name, const kube::client& k8s,
                                     std::function<void(std::string_view)> on_text, const job_wait_options& options) const {
  return detail::block<command_job>([&](diagnostics& d, auto h) {
    async_stream_logs_erased(std::string(name), k8s, std::move(on_text), options, d, std::move(h));
  });
}

}  // namespace amlk8s::model
