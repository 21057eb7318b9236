// Python surface of instance types: InstanceType (the custom resource as a value), Toleration,
// ApplyResult and InstanceTypeOperations (apply/get/list/delete/resolve in one cluster). Every call
// that does I/O releases the GIL.
#include "bindings.hpp"

#include <amlk8s/kube/kubeconfig.hpp>
#include <amlk8s/model/instance_types_client.hpp>

#include <boost/json/serialize.hpp>

#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

namespace py = pybind11;

namespace amlk8s::python {
namespace {

using model::default_profile;
using model::instance_type;
using model::toleration;

quantity quantity_from(const py::handle& value, const std::string& field) {
  if (py::isinstance<quantity>(value)) return value.cast<quantity>();
  if (py::isinstance<py::str>(value)) return quantity::parse(value.cast<std::string>(), field);
  if (py::isinstance<py::bool_>(value))
    throw validation_error({{field, "a boolean is not a quantity", "pass a string such as '500m' or a number"}});
  if (py::isinstance<py::int_>(value)) return quantity::from_int(value.cast<std::int64_t>());
  if (py::isinstance<py::float_>(value)) return quantity::parse(py::str(value).cast<std::string>(), field);
  throw validation_error({{field, "is not a quantity", "pass a string such as '2Gi', a number or a Quantity"}});
}

// A dict of resource name -> quantity text, number or Quantity; None values leave a resource unset.
std::map<std::string, quantity> resources_from(const py::object& d, const std::string& field) {
  std::map<std::string, quantity> out;
  if (d.is_none()) return out;
  for (const auto& [k, v] : d.cast<py::dict>()) {
    if (v.is_none()) continue;
    const auto name = k.cast<std::string>();
    out[name] = quantity_from(v, field + "." + name);
  }
  return out;
}

default_profile profile_from(const std::string& text) {
  if (text == "current") return default_profile::current;
  if (text == "legacy") return default_profile::legacy;
  throw validation_error({{"profile", "'" + text + "' is not a default instance type profile", "use 'current' or 'legacy'"}});
}

py::list issues_list(const std::vector<validation_issue>& issues) {
  py::list out;
  for (const auto& i : issues) out.append(py::cast(i));
  return out;
}

// The operations in one cluster, from a kubeconfig.
struct instance_type_ops {
  std::unique_ptr<model::instance_types_client> client;
};

void bind_toleration(py::module_& m) {
  py::class_<toleration>(m, "Toleration", "A core/v1 Toleration of an instance type (spec.tolerations).")
      .def(py::init([](std::string key, std::string op, std::string value, std::string effect,
                       std::optional<std::int64_t> seconds) {
             return toleration{std::move(key), std::move(op), std::move(value), std::move(effect), seconds};
           }),
           py::kw_only(), py::arg("key") = "", py::arg("operator") = "Equal", py::arg("value") = "", py::arg("effect") = "",
           py::arg("toleration_seconds") = py::none())
      .def_readwrite("key", &toleration::key)
      .def_readwrite("operator", &toleration::op)
      .def_readwrite("value", &toleration::value)
      .def_readwrite("effect", &toleration::effect)
      .def_readwrite("toleration_seconds", &toleration::toleration_seconds)
      .def("__eq__", [](const toleration& a, const toleration& b) { return a == b; })
      .def("__repr__", [](const toleration& t) {
        return "Toleration(key='" + t.key + "', operator='" + t.op + "', value='" + t.value + "', effect='" + t.effect + "')";
      });
}

void bind_type(py::module_& m) {
  py::class_<instance_type>(m, "InstanceType",
                            "An AzureML InstanceType (amlarc.azureml.com/v1alpha1): nodeSelector, resources, tolerations.\n\n"
                            "InstanceType(name='gpu', requests={'cpu': '500m', 'memory': '2Gi'},\n"
                            "             limits={'cpu': 1, 'memory': '4Gi', 'nvidia.com/gpu': 1})")
      .def(py::init([](std::string name, std::map<std::string, std::string> node_selector, const py::object& requests,
                       const py::object& limits, std::vector<toleration> tolerations) {
             instance_type t;
             t.name = std::move(name);
             t.node_selector = std::move(node_selector);
             t.requests = resources_from(requests, "requests");
             t.limits = resources_from(limits, "limits");
             t.tolerations = std::move(tolerations);
             return t;
           }),
           py::kw_only(), py::arg("name") = "", py::arg("node_selector") = std::map<std::string, std::string>{},
           py::arg("requests") = py::none(), py::arg("limits") = py::none(),
           py::arg("tolerations") = std::vector<toleration>{})
      .def_readwrite("name", &instance_type::name)
      .def_readwrite("node_selector", &instance_type::node_selector)
      .def_property(
          "requests", [](const instance_type& t) { return t.requests; },
          [](instance_type& t, const py::object& d) { t.requests = resources_from(d, "requests"); },
          "spec.resources.requests as {name: Quantity}; assign a whole dict to change it")
      .def_property(
          "limits", [](const instance_type& t) { return t.limits; },
          [](instance_type& t, const py::object& d) { t.limits = resources_from(d, "limits"); },
          "spec.resources.limits as {name: Quantity}; assign a whole dict to change it")
      .def_readwrite("tolerations", &instance_type::tolerations)
      .def_readonly("is_virtual_default", &instance_type::is_virtual_default,
                    "True for the virtual defaultinstancetype (no such object exists in the cluster)")
      .def_static(
          "from_yaml",
          [](const std::string& text) {
            auto all = instance_type::from_yaml(text);
            if (all.size() != 1)
              throw validation_error({{"(text)", "holds " + std::to_string(all.size()) + " instance types, not one",
                                       "use InstanceType.load_all() for lists and multi-document files"}});
            return all[0];
          },
          py::arg("text"), "The one instance type of a YAML manifest.")
      .def_static(
          "from_json",
          [](const py::object& value) {
            const std::string text = py::isinstance<py::str>(value)
                                         ? value.cast<std::string>()
                                         : py::module_::import("json").attr("dumps")(value).cast<std::string>();
            auto all = instance_type::from_json_text(text);
            if (all.size() != 1)
              throw validation_error({{"(text)", "holds " + std::to_string(all.size()) + " instance types, not one",
                                       "use InstanceType.load_all() for lists"}});
            return all[0];
          },
          py::arg("value"), "The instance type of a JSON text or a dict.")
      .def_static("load_all", [](const std::string& text) { return instance_type::load(text); }, py::arg("text"),
                  "Every instance type of a YAML or JSON text: an object, an InstanceTypeList, a List or a "
                  "multi-document stream.")
      .def_static("load_file", [](const std::filesystem::path& p) { return instance_type::load_file(p); }, py::arg("path"),
                  "load_all() of a file.")
      .def_static(
          "virtual_default", [](const std::string& profile) { return instance_type::virtual_default(profile_from(profile)); },
          py::arg("profile") = "current", "The virtual defaultinstancetype of profile 'current' or 'legacy'.")
      .def("to_yaml", &instance_type::to_yaml, "A manifest kubectl apply accepts.")
      .def("to_json", [](const instance_type& t) { return to_python(boost::json::value(t.to_json())); },
           "The custom resource as a dict.")
      .def("validate", [](const instance_type& t) { return issues_list(t.validate()); },
           "Every problem the cluster would reject, as ValidationIssue objects (empty when valid).")
      .def(
          "check_node_selector",
          [](const instance_type& t, const std::map<std::string, std::string>& ext) { return issues_list(t.check_node_selector(ext)); },
          py::arg("extension_node_selector"),
          "Issues when the nodeSelector is not a subset of the extension's nodeSelector settings.")
      .def("__eq__", [](const instance_type& a, const instance_type& b) { return a == b; })
      .def("__repr__", [](const instance_type& t) {
        return "InstanceType(name='" + t.name + "'" + (t.is_virtual_default ? ", virtual default" : "") + ")";
      });
  m.def("instance_types_to_yaml", [](const std::vector<instance_type>& types) { return model::to_yaml(types); },
        py::arg("types"), "A multi-document YAML stream of the manifests.");
}

void bind_operations(py::module_& m) {
  py::class_<model::apply_result>(m, "ApplyResult", "What an apply did ('created', 'configured', 'unchanged').")
      .def_property_readonly("action", [](const model::apply_result& r) { return std::string(model::to_string(r.action)); })
      .def_readonly("instance_type", &model::apply_result::applied)
      .def("__repr__", [](const model::apply_result& r) {
        return "ApplyResult(action='" + std::string(model::to_string(r.action)) + "', name='" + r.applied.name + "')";
      });

  py::class_<instance_type_ops>(m, "InstanceTypeOperations",
                                "Instance types in one cluster, over its Kubernetes API (kubeconfig).")
      .def(py::init([](const std::filesystem::path& kubeconfig, const std::string& context, const std::string& profile,
                       std::int64_t page_size) {
             kube::kubeconfig_overrides o;
             o.context = context;
             model::instance_types_options options;
             options.profile = profile_from(profile);
             options.page_size = page_size;
             py::gil_scoped_release release;
             auto config = kube::kubeconfig::load_file(kubeconfig).resolve(o);
             return instance_type_ops{std::make_unique<model::instance_types_client>(kube::client(std::move(config)), options)};
           }),
           py::kw_only(), py::arg("kubeconfig"), py::arg("context") = "", py::arg("profile") = "current",
           py::arg("page_size") = 0)
      .def(
          "apply",
          [](const instance_type_ops& ops, const instance_type& t) {
            py::gil_scoped_release release;
            return ops.client->apply(t);
          },
          py::arg("instance_type"), "Creates, patches what changed (as kubectl apply), or leaves it unchanged.")
      .def(
          "get",
          [](const instance_type_ops& ops, const std::string& name) {
            py::gil_scoped_release release;
            return ops.client->get(name);
          },
          py::arg("name"))
      .def(
          "list",
          [](const instance_type_ops& ops, bool include_default) {
            py::gil_scoped_release release;
            return include_default ? ops.client->list_with_default() : ops.client->list();
          },
          py::kw_only(), py::arg("include_default") = false,
          "Every InstanceType object; with include_default, also the virtual default when none is named defaultinstancetype.")
      .def(
          "delete",
          [](const instance_type_ops& ops, const std::string& name) {
            py::gil_scoped_release release;
            ops.client->delete_(name);
          },
          py::arg("name"))
      .def(
          "resolve",
          [](const instance_type_ops& ops, const std::string& name, const std::optional<std::string>& profile) {
            const auto p = profile ? profile_from(*profile) : ops.client->options().profile;
            py::gil_scoped_release release;
            return ops.client->resolve(name, p);
          },
          py::arg("name") = std::string(model::default_instance_type_name), py::kw_only(), py::arg("profile") = py::none(),
          "The object named name, else the virtual default for defaultinstancetype, else ResourceNotFoundError.")
      .def(
          "crd_installed",
          [](const instance_type_ops& ops) {
            py::gil_scoped_release release;
            return ops.client->crd_installed();
          },
          "Whether the InstanceType CRD exists (the AzureML extension installs it).");
}

}  // namespace

void bind_instance_type(py::module_& m) {
  bind_toleration(m);
  bind_type(m);
  bind_operations(m);
}

}  // namespace amlk8s::python
