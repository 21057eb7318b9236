// InstanceType custom resources in a cluster, over its Kubernetes API (contracts/kubernetes.md §1,
// §2.1, §2.5): apply as `kubectl apply` does it (client-side, with the last-applied annotation),
// get, list, delete, the virtual `defaultinstancetype` (§1.3), and whether the CRD is installed.
//
//   amlk8s::kube::client k8s(amlk8s::kube::kubeconfig::load_file(path).resolve());
//   amlk8s::model::instance_types_client types(k8s);
//   for (auto& t : amlk8s::model::instance_type::load_file("types.yaml")) types.apply(t);
//   auto resolved = types.resolve("defaultinstancetype");  // the CR, or the virtual default
//
// Async forms take any Asio completion token, complete on the kube client's executor and fill a
// caller-owned diagnostics that must outlive the operation (as kube::client). An instance type is
// validated (instance_type::validate) before any request: a bad one completes with
// errc::invalid_argument and diag.validation. Blocking forms throw amlk8s::error.
#pragma once

#include <amlk8s/core/error.hpp>
#include <amlk8s/kube/client.hpp>
#include <amlk8s/model/instance_type.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace amlk8s::model {

/// What an apply did, in kubectl's words.
enum class apply_action {
  created,     ///< there was no such object: POST
  configured,  ///< the object differed: a merge patch of the differences
  unchanged,   ///< nothing to change: no write
};

/// "created", "configured" or "unchanged".
std::string_view to_string(apply_action a) noexcept;

/// The outcome of one apply.
struct apply_result {
  apply_action action = apply_action::unchanged;
  /// The object as the server has it afterwards.
  instance_type applied;
};

/// Settings of an instance_types_client.
struct instance_types_options {
  /// Which virtual default resolve() and list_with_default() use when no CR named
  /// `defaultinstancetype` exists.
  default_profile profile = default_profile::current;
  /// Items per page when listing (0: the server decides).
  std::int64_t page_size = 0;
};

/// InstanceType objects in one cluster.
class instance_types_client {
 public:
  using apply_signature = void(error_code, apply_result);
  using type_signature = void(error_code, instance_type);
  using list_signature = void(error_code, std::vector<instance_type>);
  using delete_signature = void(error_code);
  using bool_signature = void(error_code, bool);

  /// A client sending through `k8s` (copied; copies share the transport).
  explicit instance_types_client(kube::client k8s, instance_types_options options = {});

  const kube::client& kube() const noexcept { return k8s_; }
  const instance_types_options& options() const noexcept { return options_; }

  /// Creates the object, or patches what differs from the live one (a JSON merge patch computed
  /// three ways from the last-applied annotation, the new configuration and the live object, as
  /// kubectl's client-side apply does); an unchanged object is not written.
  template <class CompletionToken>
  auto async_apply(instance_type type, diagnostics& diag, CompletionToken&& token) const {
    return boost::asio::async_initiate<CompletionToken, apply_signature>(
        [this, &diag](auto h, instance_type t) { apply_erased(std::move(t), diag, std::move(h)); }, token, std::move(type));
  }
  /// The CR named `name` (404 → errc::not_found; the virtual default is not returned: see resolve).
  template <class CompletionToken>
  auto async_get(std::string name, diagnostics& diag, CompletionToken&& token) const {
    return boost::asio::async_initiate<CompletionToken, type_signature>(
        [this, &diag](auto h, std::string n) { get_erased(std::move(n), diag, std::move(h)); }, token, std::move(name));
  }
  /// Every CR (all pages), as `kubectl get instancetypes` shows them.
  template <class CompletionToken>
  auto async_list(diagnostics& diag, CompletionToken&& token) const {
    return boost::asio::async_initiate<CompletionToken, list_signature>(
        [this, &diag](auto h) { list_erased(false, options_.profile, diag, std::move(h)); }, token);
  }
  /// Every CR plus the virtual default of `profile` when no CR is named `defaultinstancetype`, as
  /// the AzureML clients show them (§1.3).
  template <class CompletionToken>
  auto async_list_with_default(default_profile profile, diagnostics& diag, CompletionToken&& token) const {
    return boost::asio::async_initiate<CompletionToken, list_signature>(
        [this, &diag, profile](auto h) { list_erased(true, profile, diag, std::move(h)); }, token);
  }
  /// Deletes the CR named `name` (404 → errc::not_found).
  template <class CompletionToken>
  auto async_delete(std::string name, diagnostics& diag, CompletionToken&& token) const {
    return boost::asio::async_initiate<CompletionToken, delete_signature>(
        [this, &diag](auto h, std::string n) { delete_erased(std::move(n), diag, std::move(h)); }, token, std::move(name));
  }
  /// §1.3: the CR named `name` if there is one; otherwise the virtual default of `profile` when
  /// `name` is `defaultinstancetype` (or empty: a workload that names no type); otherwise errc::not_found.
  template <class CompletionToken>
  auto async_resolve(std::string name, default_profile profile, diagnostics& diag, CompletionToken&& token) const {
    return boost::asio::async_initiate<CompletionToken, type_signature>(
        [this, &diag, profile](auto h, std::string n) { resolve_erased(std::move(n), profile, diag, std::move(h)); }, token,
        std::move(name));
  }
  /// Whether the CRD `instancetypes.amlarc.azureml.com` exists (what setup scripts poll for).
  template <class CompletionToken>
  auto async_crd_installed(diagnostics& diag, CompletionToken&& token) const {
    return boost::asio::async_initiate<CompletionToken, bool_signature>(
        [this, &diag](auto h) { crd_installed_erased(diag, std::move(h)); }, token);
  }

  /// Blocking forms; throw amlk8s::error. They must not run on a thread that runs the kube
  /// client's executor.
  apply_result apply(const instance_type& type) const;
  instance_type get(std::string_view name) const;
  std::vector<instance_type> list() const;
  std::vector<instance_type> list_with_default() const;
  std::vector<instance_type> list_with_default(default_profile profile) const;
  void delete_(std::string_view name) const;
  instance_type resolve(std::string_view name = default_instance_type_name) const;
  instance_type resolve(std::string_view name, default_profile profile) const;
  bool crd_installed() const;

  // The type-erased operations behind the templates.
  void apply_erased(instance_type type, diagnostics& diag, boost::asio::any_completion_handler<apply_signature> h) const;
  void get_erased(std::string name, diagnostics& diag, boost::asio::any_completion_handler<type_signature> h) const;
  void list_erased(bool with_default, default_profile profile, diagnostics& diag,
                   boost::asio::any_completion_handler<list_signature> h) const;
  void delete_erased(std::string name, diagnostics& diag, boost::asio::any_completion_handler<delete_signature> h) const;
  void resolve_erased(std::string name, default_profile profile, diagnostics& diag,
                      boost::asio::any_completion_handler<type_signature> h) const;
  void crd_installed_erased(diagnostics& diag, boost::asio::any_completion_handler<bool_signature> h) const;

 private:
  kube::client k8s_;
  instance_types_options options_;
};

/// The merge patch client-side apply sends (contracts/kubernetes.md §2.1): changes and additions
/// from `live` to `desired`, plus null for every member `last_applied` had and `desired` has not.
/// Maps merge member by member; arrays and scalars are replaced whole. Empty: nothing to change.
boost::json::object three_way_merge_patch(const boost::json::value& last_applied, const boost::json::value& desired,
                                          const boost::json::value& live);

}  // namespace amlk8s::model
