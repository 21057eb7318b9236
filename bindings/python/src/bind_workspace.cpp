// Python surface of a workspace, in azure-ai-ml's shape: KubernetesCompute, CommandJob,
// OnlineEndpoint, OnlineDeployment, ModelVersion, and client.workspace(...) with its computes, jobs
// and online operations. Every call that does I/O releases the GIL.
#include "bindings.hpp"

#include <amlk8s/model/session.hpp>

#include <pybind11/chrono.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <filesystem>
#include <optional>

namespace py = pybind11;

namespace amlk8s::python {
namespace {

using model::command_job;
using model::kubernetes_compute;
using model::online_deployment;
using model::online_endpoint;
using model::session;
using model::workspace_client;

resource_id id_of(const py::object& v) {
  if (py::isinstance<resource_id>(v)) return v.cast<resource_id>();
  return resource_id::parse(v.cast<std::string>());
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

// Operations hold the workspace client (which points into the session); keep_alive ties them to the Client.
struct computes_ops {
  session* s;
  workspace_client ws;
};
struct jobs_ops {
  session* s;
  workspace_client ws;
};
struct online_ops {
  session* s;
  workspace_client ws;
};
struct workspace_ops {
  session* s;
  workspace_client ws;
};

// A Kubernetes client for `kubeconfig` when one is given.
std::optional<kube::client> kube_of(session* s, const std::optional<std::filesystem::path>& kubeconfig) {
  if (!kubeconfig) return std::nullopt;
  return s->kube_from_kubeconfig(*kubeconfig);
}

py::object compute_of(const boost::json::value& v) { return py::cast(kubernetes_compute::from_json(v)); }
py::object endpoint_of(const boost::json::value& v) { return py::cast(online_endpoint::from_json(v)); }
py::object deployment_of(const boost::json::value& v) { return py::cast(online_deployment::from_json(v)); }

std::string job_html(const command_job& j) {
  auto esc = [](std::string s) {
    std::string out;
    for (char c : s) out += c == '<' ? std::string("&lt;") : c == '>' ? std::string("&gt;") : c == '&' ? std::string("&amp;") : std::string(1, c);
    return out;
  };
  return "<table><tr><th>job</th><td>" + esc(j.name) + "</td></tr><tr><th>status</th><td>" + esc(j.status) +
         "</td></tr><tr><th>command</th><td><code>" + esc(j.command) + "</code></td></tr><tr><th>instance type</th><td>" +
         esc(j.instance_type.empty() ? "(default)" : j.instance_type) + " x" + std::to_string(j.instance_count) +
         "</td></tr><tr><th>compute</th><td>" + esc(j.compute) + "</td></tr></table>";
}

void bind_values(py::module_& m) {
  py::class_<kubernetes_compute>(m, "KubernetesCompute", "A cluster attached to a workspace as a Kubernetes compute.")
      .def(py::init([](const std::string& name, const py::object& resource_id, const std::string& namespace_name,
                       const std::string& description, const std::string& location,
                       std::map<std::string, std::string> tags, std::optional<std::string> identity_type,
                       std::vector<std::string> user_assigned_identities) {
             kubernetes_compute c;
             c.name = name;
             if (!resource_id.is_none()) c.cluster = id_of(resource_id);
             c.namespace_name = namespace_name;
             c.description = description;
             c.location = location;
             c.tags = std::move(tags);
             if (identity_type) c.identity = model::compute_identity{*identity_type, std::move(user_assigned_identities), "", ""};
             return c;
           }),
           py::kw_only(), py::arg("name"), py::arg("resource_id") = py::none(), py::arg("namespace") = "default",
           py::arg("description") = "", py::arg("location") = "", py::arg("tags") = std::map<std::string, std::string>{},
           py::arg("identity_type") = py::none(), py::arg("user_assigned_identities") = std::vector<std::string>{})
      .def_readwrite("name", &kubernetes_compute::name)
      .def_readwrite("resource_id", &kubernetes_compute::cluster)
      .def_readwrite("namespace", &kubernetes_compute::namespace_name)
      .def_readwrite("description", &kubernetes_compute::description)
      .def_readwrite("tags", &kubernetes_compute::tags)
      .def_readonly("id", &kubernetes_compute::id)
      .def_readonly("provisioning_state", &kubernetes_compute::provisioning_state)
      .def_readonly("provisioning_error_code", &kubernetes_compute::provisioning_error_code)
      .def_readonly("default_instance_type", &kubernetes_compute::default_instance_type)
      .def_readonly("instance_types", &kubernetes_compute::instance_types)
      .def_property_readonly("identity_type", [](const kubernetes_compute& c) -> py::object {
        return c.identity ? py::str(c.identity->type) : py::object(py::none());
      })
      .def("validate", &kubernetes_compute::validate, "Problems the attach would fail on (ValidationIssue list).")
      .def("to_dict", [](const kubernetes_compute& c) { return to_python(c.to_json()); }, "The attach body.")
      .def("__eq__", [](const kubernetes_compute& a, const kubernetes_compute& b) { return a == b; })
      .def("__str__", [](const kubernetes_compute& c) { return model::to_string(c); })
      .def("__repr__", [](const kubernetes_compute& c) {
        return "KubernetesCompute(name=" + quoted(c.name) + ", namespace=" + quoted(c.namespace_name) +
               ", provisioning_state=" + quoted(c.provisioning_state) + ")";
      });

  py::class_<command_job>(m, "CommandJob", "A command job on a Kubernetes compute (az ml job create -f).")
      .def(py::init([](const std::string& command, const std::string& environment, std::optional<std::string> image,
                       const std::string& compute, const std::string& instance_type, int instance_count,
                       const std::string& name, const std::string& display_name, const std::string& experiment_name,
                       const std::string& description, std::map<std::string, std::string> environment_variables,
                       std::map<std::string, std::string> inputs, std::map<std::string, std::string> tags,
                       std::optional<double> timeout) {
             command_job j;
             j.command = command;
             j.environment = environment;
             if (image) j.environment_inline = model::inline_environment{*image, ""};
             j.compute = compute;
             j.instance_type = instance_type;
             j.instance_count = instance_count;
             j.name = name;
             j.display_name = display_name;
             j.experiment_name = experiment_name;
             j.description = description;
             j.environment_variables = std::move(environment_variables);
             for (auto& [k, v] : inputs) j.inputs[k].value = v;
             j.tags = std::move(tags);
             if (timeout) j.timeout = std::chrono::seconds(static_cast<std::int64_t>(*timeout));
             return j;
           }),
           py::kw_only(), py::arg("command") = "", py::arg("environment") = "", py::arg("image") = py::none(),
           py::arg("compute") = "", py::arg("instance_type") = "", py::arg("instance_count") = 1, py::arg("name") = "",
           py::arg("display_name") = "", py::arg("experiment_name") = "", py::arg("description") = "",
           py::arg("environment_variables") = std::map<std::string, std::string>{},
           py::arg("inputs") = std::map<std::string, std::string>{}, py::arg("tags") = std::map<std::string, std::string>{},
           py::arg("timeout") = py::none())
      .def_static("from_yaml", &command_job::from_yaml, py::arg("text"), py::arg("source") = "",
                  "Reads the YAML az ml job create -f takes.")
      .def_static("load", &command_job::load_file, py::arg("path"), "Reads a job YAML file.")
      .def_readwrite("name", &command_job::name)
      .def_readwrite("display_name", &command_job::display_name)
      .def_readwrite("experiment_name", &command_job::experiment_name)
      .def_readwrite("command", &command_job::command)
      .def_readwrite("environment", &command_job::environment)
      .def_property(
          "image", [](const command_job& j) -> py::object {
            return j.environment_inline ? py::str(j.environment_inline->image) : py::object(py::none());
          },
          [](command_job& j, std::optional<std::string> image) {
            if (image) j.environment_inline = model::inline_environment{*image, ""};
            else j.environment_inline.reset();
          })
      .def_readwrite("compute", &command_job::compute)
      .def_readwrite("instance_type", &command_job::instance_type)
      .def_readwrite("instance_count", &command_job::instance_count)
      .def_readwrite("environment_variables", &command_job::environment_variables)
      .def_readwrite("tags", &command_job::tags)
      .def_readonly("id", &command_job::id)
      .def_readonly("status", &command_job::status)
      .def_readonly("studio_url", &command_job::studio_url)
      .def_property_readonly("is_terminal", &command_job::is_terminal)
      .def("validate", &command_job::validate)
      .def("__eq__", [](const command_job& a, const command_job& b) { return a == b; })
      .def("__str__", [](const command_job& j) { return model::to_string(j); })
      .def("_repr_html_", &job_html)
      .def("__repr__", [](const command_job& j) {
        return "CommandJob(name=" + quoted(j.name) + ", status=" + quoted(j.status) + ", instance_type=" +
               quoted(j.instance_type) + ")";
      });

  py::class_<online_endpoint>(m, "OnlineEndpoint", "A Kubernetes online endpoint.")
      .def(py::init([](const std::string& name, const std::string& compute, const std::string& auth_mode,
                       const std::string& description, std::map<std::string, int> traffic) {
             online_endpoint e;
             e.name = name;
             e.compute = compute;
             e.auth_mode = auth_mode;
             e.description = description;
             e.traffic = std::move(traffic);
             return e;
           }),
           py::kw_only(), py::arg("name"), py::arg("compute"), py::arg("auth_mode") = "key", py::arg("description") = "",
           py::arg("traffic") = std::map<std::string, int>{})
      .def_static("from_yaml", &online_endpoint::from_yaml, py::arg("text"), py::arg("source") = "")
      .def_readwrite("name", &online_endpoint::name)
      .def_readwrite("compute", &online_endpoint::compute)
      .def_readwrite("auth_mode", &online_endpoint::auth_mode)
      .def_readwrite("traffic", &online_endpoint::traffic)
      .def_readonly("provisioning_state", &online_endpoint::provisioning_state)
      .def_readonly("scoring_uri", &online_endpoint::scoring_uri)
      .def("validate", &online_endpoint::validate)
      .def("__str__", [](const online_endpoint& e) { return model::to_string(e); })
      .def("__repr__", [](const online_endpoint& e) {
        return "OnlineEndpoint(name=" + quoted(e.name) + ", provisioning_state=" + quoted(e.provisioning_state) + ")";
      });

  py::class_<online_deployment>(m, "OnlineDeployment", "A Kubernetes online deployment on an instance type.")
      .def(py::init([](const std::string& name, const std::string& endpoint_name, const std::string& model,
                       const std::string& environment, std::optional<std::string> image, const std::string& instance_type,
                       int instance_count, std::map<std::string, std::string> environment_variables) {
             online_deployment d;
             d.name = name;
             d.endpoint_name = endpoint_name;
             d.model = model;
             d.environment = environment;
             if (image) d.environment_inline = model::inline_environment{*image, ""};
             d.instance_type = instance_type;
             d.instance_count = instance_count;
             d.environment_variables = std::move(environment_variables);
             return d;
           }),
           py::kw_only(), py::arg("name"), py::arg("endpoint_name"), py::arg("model"), py::arg("environment") = "",
           py::arg("image") = py::none(), py::arg("instance_type") = "", py::arg("instance_count") = 1,
           py::arg("environment_variables") = std::map<std::string, std::string>{})
      .def_static("from_yaml", &online_deployment::all_from_yaml, py::arg("text"), py::arg("source") = "",
                  "Every deployment of a deployment YAML, or of the seed's endpoint YAML with `deployments:`.")
      .def_readwrite("name", &online_deployment::name)
      .def_readwrite("endpoint_name", &online_deployment::endpoint_name)
      .def_readwrite("model", &online_deployment::model)
      .def_readwrite("instance_type", &online_deployment::instance_type)
      .def_readwrite("instance_count", &online_deployment::instance_count)
      .def_readonly("provisioning_state", &online_deployment::provisioning_state)
      .def("validate", &online_deployment::validate)
      .def("__str__", [](const online_deployment& d) { return model::to_string(d); })
      .def("__repr__", [](const online_deployment& d) {
        return "OnlineDeployment(name=" + quoted(d.name) + ", endpoint_name=" + quoted(d.endpoint_name) +
               ", instance_type=" + quoted(d.instance_type) + ", provisioning_state=" + quoted(d.provisioning_state) + ")";
      });

  py::class_<model::model_version>(m, "ModelVersion", "A registered model version.")
      .def(py::init([](const std::string& name, const std::string& version, const std::string& path,
                       const std::string& type, const std::string& description) {
             return model::model_version{name, version, path, type, description, ""};
           }),
           py::kw_only(), py::arg("name"), py::arg("version"), py::arg("path"), py::arg("type") = "custom_model",
           py::arg("description") = "")
      .def_readonly("name", &model::model_version::name)
      .def_readonly("version", &model::model_version::version)
      .def_readonly("path", &model::model_version::model_uri)
      .def_readonly("id", &model::model_version::id)
      .def("__repr__", [](const model::model_version& v) {
        return "ModelVersion(name=" + quoted(v.name) + ", version=" + quoted(v.version) + ")";
      });

  py::class_<model::endpoint_keys>(m, "EndpointAuthKeys", "An endpoint's keys; repr() never shows them.")
      .def_property_readonly("primary_key", [](const model::endpoint_keys& k) { return k.primary.reveal(); })
      .def_property_readonly("secondary_key", [](const model::endpoint_keys& k) { return k.secondary.reveal(); })
      .def("__repr__", [](const model::endpoint_keys&) { return std::string("EndpointAuthKeys(primary_key=***, secondary_key=***)"); });
}

void bind_ops(py::module_& m) {
  py::class_<computes_ops>(m, "ComputeOperations", "Kubernetes computes of a workspace (ws.computes).")
      .def(
          "begin_attach",
          [](const computes_ops& ops, const kubernetes_compute& c, std::optional<std::filesystem::path> kubeconfig,
             bool check_cluster) {
            arm::poller p;
            {
              py::gil_scoped_release release;
              auto k8s = kube_of(ops.s, kubeconfig);
              p = ops.ws.computes().begin_attach(c, {check_cluster, k8s ? &*k8s : nullptr});
            }
            return lro_poller(std::move(p), &compute_of);
          },
          py::arg("compute"), py::kw_only(), py::arg("kubeconfig") = py::none(), py::arg("check_cluster") = true,
          py::keep_alive<0, 1>(),
          "Checks the cluster (extension installed, and with kubeconfig the namespace), then attaches; an LROPoller.")
      .def(
          "get",
          [](const computes_ops& ops, const std::string& name) {
            py::gil_scoped_release release;
            return ops.ws.computes().get(name);
          },
          py::arg("name"))
      .def(
          "list",
          [](const computes_ops& ops, bool kubernetes_only) {
            py::gil_scoped_release release;
            return ops.ws.computes().list(kubernetes_only);
          },
          py::kw_only(), py::arg("kubernetes_only") = true)
      .def(
          "begin_detach",
          [](const computes_ops& ops, const std::string& name, const std::string& action) {
            if (action != "Detach" && action != "Delete")
              throw validation_error({{"action", "'" + action + "' is not a detach action", "use \"Detach\" or \"Delete\""}});
            arm::poller p;
            {
              py::gil_scoped_release release;
              p = ops.ws.computes().begin_detach(name, action == "Detach" ? model::detach_action::detach
                                                                          : model::detach_action::delete_);
            }
            return lro_poller(std::move(p), nullptr);
          },
          py::arg("name"), py::kw_only(), py::arg("action") = "Detach", py::keep_alive<0, 1>(),
          "Removes the compute from the workspace; the cluster stays.");

  py::class_<jobs_ops>(m, "JobOperations", "Command jobs of a workspace (ws.jobs).")
      .def(
          "create",
          [](const jobs_ops& ops, const command_job& job, std::optional<std::filesystem::path> kubeconfig,
             bool check_compute) {
            py::gil_scoped_release release;
            auto k8s = kube_of(ops.s, kubeconfig);
            return ops.ws.jobs().create(job, {check_compute, k8s ? &*k8s : nullptr});
          },
          py::arg("job"), py::kw_only(), py::arg("kubeconfig") = py::none(), py::arg("check_compute") = true,
          "Resolves references, checks compute and instance type (and with kubeconfig, that it can fit), submits.")
      .def(
          "get",
          [](const jobs_ops& ops, const std::string& name) {
            py::gil_scoped_release release;
            return ops.ws.jobs().get(name);
          },
          py::arg("name"))
      .def("list",
           [](const jobs_ops& ops) {
             py::gil_scoped_release release;
             return ops.ws.jobs().list();
           })
      .def(
          "cancel",
          [](const jobs_ops& ops, const std::string& name, double interval) {
            model::job_wait_options o;
            o.interval = std::chrono::milliseconds(static_cast<std::int64_t>(interval * 1000));
            py::gil_scoped_release release;
            return ops.ws.jobs().cancel(name, o);
          },
          py::arg("name"), py::kw_only(), py::arg("interval") = 2.0, "Cancels and waits until the job is terminal.")
      .def(
          "wait",
          [](const jobs_ops& ops, const std::string& name, std::optional<double> timeout, double interval) {
            model::job_wait_options o;
            o.interval = std::chrono::milliseconds(static_cast<std::int64_t>(interval * 1000));
            if (timeout) o.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(*timeout * 1000));
            py::gil_scoped_release release;
            return ops.ws.jobs().wait(name, o);
          },
          py::arg("name"), py::kw_only(), py::arg("timeout") = py::none(), py::arg("interval") = 2.0,
          "Waits until the job is Completed, Failed, Canceled, NotResponding or Paused.")
      .def(
          "stream",
          [](const jobs_ops& ops, const std::string& name, const std::filesystem::path& kubeconfig, py::object on_text,
             double interval) {
            if (on_text.is_none()) on_text = py::module_::import("sys").attr("stdout").attr("write");
            model::job_wait_options o;
            o.interval = std::chrono::milliseconds(static_cast<std::int64_t>(interval * 1000));
            o.max_interval = std::max(o.interval, std::chrono::milliseconds(5000));
            py::gil_scoped_release release;
            auto k8s = ops.s->kube_from_kubeconfig(kubeconfig);
            return ops.ws.jobs().stream_logs(
                name, k8s,
                [&on_text](std::string_view text) {
                  py::gil_scoped_acquire acquire;
                  try {
                    on_text(py::str(text.data(), text.size()));
                  } catch (py::error_already_set& e) {
                    // A failing callback must not tear down the I/O thread: report it, keep streaming.
                    e.discard_as_unraisable("amlk8s JobOperations.stream on_text");
                  }
                },
                o);
          },
          py::arg("name"), py::kw_only(), py::arg("kubeconfig"), py::arg("on_text") = py::none(), py::arg("interval") = 2.0,
          "Writes the job's log as it grows (to sys.stdout unless on_text is given) and returns the final job.");

  py::class_<online_ops>(m, "OnlineOperations", "Kubernetes online endpoints and deployments (ws.online).")
      .def(
          "begin_create_endpoint",
          [](const online_ops& ops, const online_endpoint& e) {
            arm::poller p;
            {
              py::gil_scoped_release release;
              p = ops.ws.online().begin_create_endpoint(e);
            }
            return lro_poller(std::move(p), &endpoint_of);
          },
          py::arg("endpoint"), py::keep_alive<0, 1>())
      .def(
          "get_endpoint",
          [](const online_ops& ops, const std::string& name) {
            py::gil_scoped_release release;
            return ops.ws.online().get_endpoint(name);
          },
          py::arg("name"))
      .def("list_endpoints",
           [](const online_ops& ops) {
             py::gil_scoped_release release;
             return ops.ws.online().list_endpoints();
           })
      .def(
          "set_traffic",
          [](const online_ops& ops, const std::string& name, const std::map<std::string, int>& traffic) {
            py::gil_scoped_release release;
            return ops.ws.online().set_traffic(name, traffic);
          },
          py::arg("name"), py::arg("traffic"))
      .def(
          "begin_delete_endpoint",
          [](const online_ops& ops, const std::string& name) {
            arm::poller p;
            {
              py::gil_scoped_release release;
              p = ops.ws.online().begin_delete_endpoint(name);
            }
            return lro_poller(std::move(p), nullptr);
          },
          py::arg("name"), py::keep_alive<0, 1>())
      .def(
          "get_keys",
          [](const online_ops& ops, const std::string& name) {
            py::gil_scoped_release release;
            return ops.ws.online().get_keys(name);
          },
          py::arg("name"))
      .def(
          "begin_create_deployment",
          [](const online_ops& ops, const online_deployment& d, std::optional<std::filesystem::path> kubeconfig) {
            arm::poller p;
            {
              py::gil_scoped_release release;
              auto k8s = kube_of(ops.s, kubeconfig);
              p = ops.ws.online().begin_create_deployment(d, {true, k8s ? &*k8s : nullptr});
            }
            return lro_poller(std::move(p), &deployment_of);
          },
          py::arg("deployment"), py::kw_only(), py::arg("kubeconfig") = py::none(), py::keep_alive<0, 1>())
      .def(
          "get_deployment",
          [](const online_ops& ops, const std::string& endpoint, const std::string& name) {
            py::gil_scoped_release release;
            return ops.ws.online().get_deployment(endpoint, name);
          },
          py::arg("endpoint_name"), py::arg("name"))
      .def(
          "list_deployments",
          [](const online_ops& ops, const std::string& endpoint) {
            py::gil_scoped_release release;
            return ops.ws.online().list_deployments(endpoint);
          },
          py::arg("endpoint_name"))
      .def(
          "begin_delete_deployment",
          [](const online_ops& ops, const std::string& endpoint, const std::string& name) {
            arm::poller p;
            {
              py::gil_scoped_release release;
              p = ops.ws.online().begin_delete_deployment(endpoint, name);
            }
            return lro_poller(std::move(p), nullptr);
          },
          py::arg("endpoint_name"), py::arg("name"), py::keep_alive<0, 1>())
      .def(
          "invoke",
          [](const online_ops& ops, const std::string& endpoint, const py::object& request,
             const std::string& deployment_name) {
            const std::string body = py::isinstance<py::str>(request)
                                         ? request.cast<std::string>()
                                         : py::module_::import("json").attr("dumps")(request).cast<std::string>();
            py::gil_scoped_release release;
            return ops.ws.online().invoke(endpoint, body, deployment_name).body;
          },
          py::arg("endpoint_name"), py::arg("request"), py::kw_only(), py::arg("deployment_name") = "",
          "POSTs the request (a str or a JSON-able object) to the scoring URI with the endpoint's key; the answer text.")
      .def(
          "create_model_version",
          [](const online_ops& ops, const model::model_version& v) {
            py::gil_scoped_release release;
            return ops.ws.online().create_model_version(v);
          },
          py::arg("model"));

  py::class_<workspace_ops>(m, "WorkspaceClient", "The computes, jobs and online endpoints of one workspace.")
      .def_property_readonly("id", [](const workspace_ops& w) { return w.ws.id(); })
      .def_property_readonly("computes", py::cpp_function([](const workspace_ops& w) { return computes_ops{w.s, w.ws}; },
                                                          py::keep_alive<0, 1>()))
      .def_property_readonly("jobs", py::cpp_function([](const workspace_ops& w) { return jobs_ops{w.s, w.ws}; },
                                                      py::keep_alive<0, 1>()))
      .def_property_readonly("online", py::cpp_function([](const workspace_ops& w) { return online_ops{w.s, w.ws}; },
                                                        py::keep_alive<0, 1>()))
      .def("__repr__", [](const workspace_ops& w) { return "WorkspaceClient(id=" + quoted(w.ws.id().to_string()) + ")"; });
}

}  // namespace

void bind_workspace(py::module_& m) {
  bind_values(m);
  bind_ops(m);
  // client.workspace(resource_group=..., name=...) or client.workspace(id=...).
  auto client = py::reinterpret_borrow<py::class_<session>>(m.attr("Client"));
  client.def(
          "workspace",
          [](session& s, const std::string& resource_group, const std::string& name, const py::object& id) {
            if (!id.is_none()) return workspace_ops{&s, s.workspace(id_of(id))};
            return workspace_ops{&s, s.workspace(resource_group, name)};
          },
          py::kw_only(), py::arg("resource_group") = "", py::arg("name") = "", py::arg("id") = py::none(),
          py::keep_alive<0, 1>(), "The workspace's operations (by resource group and name, or by id).");
}

}  // namespace amlk8s::python
