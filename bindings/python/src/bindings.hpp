// Declarations shared by the binding files of amlk8s._core.
#pragma once

#include <amlk8s/arm/poller.hpp>
#include <amlk8s/core/error.hpp>

#include <boost/json/value.hpp>

#include <pybind11/pybind11.h>

#include <functional>
#include <optional>
#include <string>

namespace amlk8s::python {

/// The diagnostics as a dict, in the shape amlk8s/errors.py expects.
pybind11::dict to_python(const diagnostics& d);

/// A JSON value as the Python object json.loads would give.
pybind11::object to_python(const boost::json::value& v);

/// A poller in the azure-core style (LROPoller): result(), done(), status(), wait(),
/// continuation_token(). `convert` turns the final body into the Python result (null: None).
class lro_poller {
 public:
  using converter = std::function<pybind11::object(const boost::json::value&)>;
  lro_poller(arm::poller p, converter convert);

  pybind11::object result(std::optional<double> timeout);
  void wait(std::optional<double> timeout);
  bool done() const { return poller_.done(); }
  std::string status() const { return poller_.status(); }
  std::string continuation_token() const { return poller_.resume_token(); }

 private:
  arm::poller poller_;
  converter convert_;
};

/// Binds the core value types (Quantity, ResourceId, ...).
void bind_core(pybind11::module_& m);

/// Binds the AzureML extension model (settings, requests, reports).
void bind_model(pybind11::module_& m);

/// Binds Client, its operations, LROPoller and Extension.
void bind_client(pybind11::module_& m);

/// Binds InstanceType, Toleration, ApplyResult and InstanceTypeOperations.
void bind_instance_type(pybind11::module_& m);

/// Binds the submodule `local` (ControlPlane).
void bind_local(pybind11::module_& m);
void bind_fit(pybind11::module_& m);
/// Binds KubernetesCompute, CommandJob, OnlineEndpoint, OnlineDeployment, ModelVersion and the
/// workspace operations (client.workspace(...)).
void bind_workspace(pybind11::module_& m);  ///< FitTable, TypeFit, NodeFit, analyze_fit, fit_from_json

}  // namespace amlk8s::python
