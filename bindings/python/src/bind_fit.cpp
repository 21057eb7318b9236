// Python surface of the fit analysis: FitTable (with _repr_html_ for notebooks), TypeFit and
// NodeFit, computed from a kubeconfig (analyze_fit) or from Node and Pod dicts (fit_from_json).
// Instance types are given as InstanceType objects or their manifests (dicts).
#include "bindings.hpp"

#include <amlk8s/kube/client.hpp>
#include <amlk8s/kube/kubeconfig.hpp>
#include <amlk8s/model/fit.hpp>

#include <boost/json.hpp>

#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

namespace py = pybind11;

namespace amlk8s::python {
namespace {

boost::json::value to_json(const py::handle& o) {
  auto text = py::module_::import("json").attr("dumps")(o).cast<std::string>();
  return boost::json::parse(text);
}

// An InstanceType (the bound class) or its manifest as a dict, read by the one manifest reader.
model::instance_type type_from_manifest(const py::handle& manifest) {
  if (py::isinstance<model::instance_type>(manifest)) return manifest.cast<model::instance_type>();
  if (!py::isinstance<py::dict>(manifest))
    throw py::type_error("an instance type must be an InstanceType or its manifest (a dict)");
  return model::instance_type::from_json(to_json(manifest));
}

std::vector<model::instance_type> types_from(const py::iterable& manifests) {
  std::vector<model::instance_type> out;
  for (const auto& m : manifests) out.push_back(type_from_manifest(m));
  return out;
}

model::fit_options options_from(std::map<std::string, std::string> extension_node_selector, bool azureml_tolerations,
                                std::string resource_group, std::string workspace, std::string compute, int priority) {
  model::fit_options o;
  o.extension_node_selector = std::move(extension_node_selector);
  o.azureml_tolerations = azureml_tolerations;
  o.context.resource_group = std::move(resource_group);
  o.context.workspace = std::move(workspace);
  o.context.compute = std::move(compute);
  o.priority = priority;
  return o;
}

}  // namespace

void bind_fit(py::module_& m) {
  py::class_<model::node_fit>(m, "NodeFit", "One node's answer for one instance type.")
      .def_readonly("node", &model::node_fit::node)
      .def_property_readonly("status", [](const model::node_fit& n) { return std::string(model::to_string(n.status)); },
                             "'fits', 'unschedulable', 'untolerated_taint', 'node_selector' or 'insufficient'.")
      .def_readonly("reasons", &model::node_fit::reasons, "The scheduler's reasons (empty when it fits).")
      .def_readonly("instances", &model::node_fit::instances, "How many instances fit on the node now.")
      .def_readonly("free", &model::node_fit::free, "Allocatable minus requested (cpu in millicores, others in units).")
      .def_readonly("preemption", &model::node_fit::preemption)
      .def("__repr__", [](const model::node_fit& n) {
        return "NodeFit(node='" + n.node + "', status='" + std::string(model::to_string(n.status)) +
               "', instances=" + std::to_string(n.instances) + ")";
      });

  py::class_<model::type_fit>(m, "TypeFit", "One instance type against every node.")
      .def_readonly("instance_type", &model::type_fit::instance_type)
      .def_readonly("nodes", &model::type_fit::nodes)
      .def_property_readonly("fits", &model::type_fit::fits, "Whether some node can take an instance now.")
      .def_property_readonly("total_instances", &model::type_fit::total_instances)
      .def_property_readonly("requests", [](const model::type_fit& t) { return t.pod.requests; },
                             "The pod's requests in the scheduler's units (GPU from the limit).")
      .def_property_readonly("node_selector", [](const model::type_fit& t) { return t.pod.node_selector; })
      .def("scheduler_message", &model::type_fit::scheduler_message, py::arg("with_preemption") = true,
           "The scheduler's FailedScheduling message when nothing fits; '' otherwise.")
      .def("__repr__", [](const model::type_fit& t) {
        return "TypeFit(instance_type='" + t.instance_type + "', total_instances=" + std::to_string(t.total_instances()) + ")";
      });

  py::class_<model::fit_table>(m, "FitTable", "Every instance type against every node.")
      .def_readonly("nodes", &model::fit_table::nodes)
      .def_readonly("types", &model::fit_table::types)
      .def(
          "__getitem__",
          [](const model::fit_table& t, const std::string& name) {
            const auto* row = t.find(name);
            if (row == nullptr) throw py::key_error(name);
            return *row;
          },
          py::arg("instance_type"))
      .def("__len__", [](const model::fit_table& t) { return t.types.size(); })
      .def("__str__", &model::fit_table::to_string)
      .def("to_html", &model::fit_table::to_html)
      .def("_repr_html_", &model::fit_table::to_html);

  m.def(
      "fit_from_json",
      [](const py::iterable& nodes, const py::iterable& pods, const py::iterable& instance_types,
         std::map<std::string, std::string> extension_node_selector, bool azureml_tolerations, std::string resource_group,
         std::string workspace, std::string compute, int priority) {
        auto node_list = to_json(py::list(nodes));
        auto pod_list = to_json(py::list(pods));
        auto views = model::node_views(node_list.as_array(), pod_list.as_array());
        return model::analyze_cluster(types_from(instance_types), views,
                                      options_from(std::move(extension_node_selector), azureml_tolerations,
                                                   std::move(resource_group), std::move(workspace), std::move(compute),
                                                   priority));
      },
      py::arg("nodes"), py::arg("pods"), py::arg("instance_types"), py::kw_only(),
      py::arg("extension_node_selector") = std::map<std::string, std::string>{}, py::arg("azureml_tolerations") = true,
      py::arg("resource_group") = "", py::arg("workspace") = "", py::arg("compute") = "", py::arg("priority") = 0,
      "Fit analysis of InstanceType manifests against Node and Pod objects (dicts, as the API returns them).");

  m.def(
      "analyze_fit",
      [](const std::filesystem::path& kubeconfig, const py::iterable& instance_types, const std::string& context,
         std::map<std::string, std::string> extension_node_selector, bool azureml_tolerations, std::string resource_group,
         std::string workspace, std::string compute, int priority) {
        auto types = types_from(instance_types);
        auto options = options_from(std::move(extension_node_selector), azureml_tolerations, std::move(resource_group),
                                    std::move(workspace), std::move(compute), priority);
        py::gil_scoped_release release;
        kube::kubeconfig_overrides o;
        o.context = context;
        kube::client k8s(kube::kubeconfig::load_file(kubeconfig).resolve(o));
        return model::fit_analyzer(k8s, std::move(options)).analyze(types);
      },
      py::arg("kubeconfig"), py::arg("instance_types"), py::kw_only(), py::arg("context") = "",
      py::arg("extension_node_selector") = std::map<std::string, std::string>{}, py::arg("azureml_tolerations") = true,
      py::arg("resource_group") = "", py::arg("workspace") = "", py::arg("compute") = "", py::arg("priority") = 0,
      "Lists the cluster's nodes and pods and analyzes every InstanceType manifest against every node.");
}

}  // namespace amlk8s::python
