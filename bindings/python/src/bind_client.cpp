// Python surface of the clients: Client (a signed-in session), its azureml and extensions
// operations, LROPoller and Extension. Every call that does I/O releases the GIL.
#include "bindings.hpp"

#include <amlk8s/arm/poller.hpp>
#include <amlk8s/model/session.hpp>

#include <boost/json/serialize.hpp>

#include <pybind11/chrono.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <chrono>

namespace py = pybind11;

namespace amlk8s::python {

lro_poller::lro_poller(arm::poller p, converter convert) : poller_(std::move(p)), convert_(std::move(convert)) {}

py::object lro_poller::result(std::optional<double> timeout) {
  wait(timeout);
  if (!convert_ || poller_.result().is_null()) return py::none();
  return convert_(poller_.result());
}

void lro_poller::wait(std::optional<double> timeout) {
  if (poller_.done()) {
    if (!poller_.succeeded()) throw error(make_error_code(errc::operation_failed), poller_.diag());
    return;
  }
  poller_.options().timeout =
      timeout ? std::chrono::milliseconds(static_cast<std::int64_t>(*timeout * 1000)) : std::chrono::milliseconds(0);
  py::gil_scoped_release release;
  poller_.wait();
}

namespace {

py::object extension_of(const boost::json::value& body) { return py::cast(model::extension::from_json(body)); }

using model::session;

py::dict status_dict(const model::extension_status& s) {
  py::dict d;
  d["code"] = s.code;
  d["display_status"] = s.display_status;
  d["level"] = s.level;
  d["message"] = s.message;
  d["time"] = s.time;
  return d;
}

void bind_extension(py::module_& m) {
  using model::extension;
  py::class_<extension>(m, "Extension", "A cluster extension resource as ARM returns it.")
      .def_readonly("id", &extension::id)
      .def_readonly("name", &extension::name)
      .def_readonly("extension_type", &extension::extension_type)
      .def_readonly("provisioning_state", &extension::provisioning_state)
      .def_readonly("current_version", &extension::current_version)
      .def_readonly("version", &extension::version)
      .def_readonly("release_train", &extension::release_train)
      .def_readonly("auto_upgrade_minor_version", &extension::auto_upgrade_minor_version)
      .def_readonly("configuration_settings", &extension::configuration_settings)
      .def_readonly("protected_setting_names", &extension::protected_setting_names)
      .def_property_readonly("statuses",
                             [](const extension& e) {
                               py::list l;
                               for (const auto& s : e.statuses) l.append(status_dict(s));
                               return l;
                             })
      .def_property_readonly("error",
                             [](const extension& e) -> py::object {
                               if (!e.error_info) return py::none();
                               py::dict d;
                               d["code"] = e.error_info->code;
                               d["message"] = e.error_info->message;
                               return d;
                             })
      .def_property_readonly("identity_type",
                             [](const extension& e) -> py::object {
                               if (!e.identity) return py::none();
                               return py::str(e.identity->type);
                             })
      .def_property_readonly("succeeded", &extension::succeeded)
      .def_property_readonly("raw", [](const extension& e) { return to_python(e.raw); }, "The resource as received.")
      .def("__repr__", [](const extension& e) {
        return "Extension(name='" + e.name + "', type='" + e.extension_type + "', provisioning_state='" +
               e.provisioning_state + "')";
      });

  py::class_<lro_poller>(m, "LROPoller", "Follows a long-running ARM operation (azure-core style).")
      .def("result", &lro_poller::result, py::arg("timeout") = py::none(),
           "Waits and returns the final resource (None for a delete); raises OperationFailedError.")
      .def("wait", &lro_poller::wait, py::arg("timeout") = py::none(), "Waits until the operation ends.")
      .def("done", &lro_poller::done)
      .def("status", &lro_poller::status)
      .def("continuation_token", &lro_poller::continuation_token);
}

model::azureml_install_options install_options(std::optional<std::string> release_train, std::optional<std::string> version,
                                               std::optional<bool> auto_upgrade_minor_version, const std::string& scope) {
  model::azureml_install_options o;
  o.release_train = std::move(release_train);
  o.version = std::move(version);
  o.auto_upgrade_minor_version = auto_upgrade_minor_version;
  o.scope = scope;
  return o;
}

// The operation groups hold a pointer to the session; keep_alive ties their lifetime to the Client.
struct azureml_ops {
  session* s;
};
struct extension_ops {
  session* s;
};

void bind_operations(py::module_& m) {
  py::class_<azureml_ops>(m, "AzureMLOperations", "The Microsoft.AzureML.Kubernetes extension (client.azureml).")
      .def(
          "plan_create",
          [](const azureml_ops& ops, const resource_id& cluster, const model::azureml_settings& settings,
             std::optional<std::string> release_train, std::optional<std::string> version,
             std::optional<bool> auto_upgrade_minor_version, const std::string& scope) {
            auto o = install_options(std::move(release_train), std::move(version), auto_upgrade_minor_version, scope);
            py::gil_scoped_release release;
            return ops.s->azureml().plan_create(cluster, settings, o);
          },
          py::arg("cluster"), py::arg("settings"), py::kw_only(), py::arg("release_train") = py::none(),
          py::arg("version") = py::none(), py::arg("auto_upgrade_minor_version") = py::none(),
          py::arg("scope") = "cluster", "Reads the cluster and returns what create would send (a dry run).")
      .def(
          "begin_create",
          [](const azureml_ops& ops, const resource_id& cluster, const std::string& name,
             const model::azureml_settings& settings, std::optional<std::string> release_train,
             std::optional<std::string> version, std::optional<bool> auto_upgrade_minor_version,
             const std::string& scope) {
            auto o = install_options(std::move(release_train), std::move(version), auto_upgrade_minor_version, scope);
            arm::poller p;
            {
              py::gil_scoped_release release;
              p = ops.s->azureml().begin_create(cluster, name, settings, o);
            }
            return lro_poller(std::move(p), &extension_of);
          },
          py::arg("cluster"), py::arg("name"), py::arg("settings"), py::kw_only(), py::arg("release_train") = py::none(),
          py::arg("version") = py::none(), py::arg("auto_upgrade_minor_version") = py::none(),
          py::arg("scope") = "cluster", py::keep_alive<0, 1>(),
          "Installs the extension; returns an LROPoller whose result() is the Extension.")
      .def(
          "begin_update",
          [](const azureml_ops& ops, const resource_id& cluster, const std::string& name,
             const model::azureml_settings& changes, bool replaces_all_protected_settings) {
            arm::poller p;
            {
              py::gil_scoped_release release;
              p = ops.s->azureml().begin_update(cluster, name, changes, replaces_all_protected_settings);
            }
            return lro_poller(std::move(p), &extension_of);
          },
          py::arg("cluster"), py::arg("name"), py::arg("changes"), py::kw_only(),
          py::arg("replaces_all_protected_settings") = false, py::keep_alive<0, 1>(),
          "Updates the settings given in `changes` (only those are sent).")
      .def(
          "verify",
          [](const azureml_ops& ops, const resource_id& cluster, const std::string& name,
             const std::filesystem::path& kubeconfig, const std::string& context) {
            py::gil_scoped_release release;
            auto k8s = ops.s->kube_from_kubeconfig(kubeconfig, context);
            return ops.s->azureml().verify(cluster, name, k8s);
          },
          py::arg("cluster"), py::arg("name"), py::kw_only(), py::arg("kubeconfig"), py::arg("context") = "",
          "Compares the components the settings create with namespace azureml; reads the health check.")
      .def(
          "preflight",
          [](const azureml_ops& ops, const resource_id& cluster, const model::azureml_settings& settings,
             std::optional<std::filesystem::path> kubeconfig, std::optional<std::string> workspace_subscription_id,
             bool production) {
            model::preflight_options o;
            o.workspace_subscription_id = std::move(workspace_subscription_id);
            o.production = production;
            py::gil_scoped_release release;
            if (!kubeconfig) return ops.s->azureml().preflight(cluster, settings, nullptr, o);
            auto k8s = ops.s->kube_from_kubeconfig(*kubeconfig);
            return ops.s->azureml().preflight(cluster, settings, &k8s, o);
          },
          py::arg("cluster"), py::arg("settings"), py::kw_only(), py::arg("kubeconfig") = py::none(),
          py::arg("workspace_subscription_id") = py::none(), py::arg("production") = true,
          "Checks the documented prerequisites and limitations before installing.");

  py::class_<extension_ops>(m, "ExtensionOperations", "Cluster extensions of any type (client.extensions).")
      .def(
          "get",
          [](const extension_ops& ops, const resource_id& cluster, const std::string& name) {
            py::gil_scoped_release release;
            return ops.s->extensions().get(cluster, name);
          },
          py::arg("cluster"), py::arg("name"), "Raises ResourceNotFoundError when it does not exist.")
      .def(
          "list",
          [](const extension_ops& ops, const resource_id& cluster) {
            py::gil_scoped_release release;
            return ops.s->extensions().list(cluster);
          },
          py::arg("cluster"), "Every extension on the cluster (all pages).")
      .def(
          "begin_delete",
          [](const extension_ops& ops, const resource_id& cluster, const std::string& name, bool force) {
            model::extension_deletion d;
            {
              py::gil_scoped_release release;
              d = ops.s->extensions().begin_delete(cluster, name, force);
            }
            return lro_poller(std::move(d.poller), nullptr);
          },
          py::arg("cluster"), py::arg("name"), py::kw_only(), py::arg("force") = false, py::keep_alive<0, 1>(),
          "Uninstalls; a missing extension gives a poller that is already done.");
}

void bind_session(py::module_& m) {
  py::class_<session>(m, "Client", "A signed-in session that hands out the typed operations.")
      .def(py::init([](const std::string& arm_endpoint, const std::string& authority_host, const std::string& tenant_id,
                       const std::string& client_id, const std::optional<std::string>& client_secret,
                       const std::string& subscription_id, const std::string& ca_file) {
             model::session_options o;
             o.arm_endpoint = arm_endpoint;
             o.authority_host = authority_host;
             o.tenant_id = tenant_id;
             o.client_id = client_id;
             if (client_secret) o.client_secret = secret_string(*client_secret);
             o.subscription_id = subscription_id;
             o.ca_file = ca_file;
             return std::make_unique<session>(std::move(o));
           }),
           py::kw_only(), py::arg("arm_endpoint") = "https://management.azure.com", py::arg("authority_host") = "",
           py::arg("tenant_id") = "", py::arg("client_id") = "", py::arg("client_secret") = py::none(),
           py::arg("subscription_id") = "", py::arg("ca_file") = "",
           "Client-secret sign-in when tenant_id, client_id and client_secret are given; the default credential "
           "chain otherwise.")
      .def_static(
          "from_endpoints",
          [](const py::object& endpoints) {
            std::string line = py::isinstance<py::str>(endpoints)
                                   ? endpoints.cast<std::string>()
                                   : py::module_::import("json").attr("dumps")(endpoints).cast<std::string>();
            return session::from_endpoints_json(line);
          },
          py::arg("endpoints"),
          "A client for the local control plane from its ready line (a JSON string or the parsed dict).")
      .def_property_readonly("subscription_id", &session::subscription_id)
      .def_property_readonly("azureml",
                             py::cpp_function([](session& s) { return azureml_ops{&s}; }, py::keep_alive<0, 1>()))
      .def_property_readonly("extensions",
                             py::cpp_function([](session& s) { return extension_ops{&s}; }, py::keep_alive<0, 1>()))
      .def("__repr__", [](const session& s) {
        return "Client(arm_endpoint='" + s.options().arm_endpoint + "', subscription_id='" + s.subscription_id() + "')";
      });
}

}  // namespace

void bind_client(py::module_& m) {
  bind_extension(m);
  bind_operations(m);
  bind_session(m);
}

}  // namespace amlk8s::python
