// The columns of each kind, as kubectl prints them (contracts/kubernetes.md §2.4; the cells follow
// the printers of kubernetes/pkg/printers/internalversion, simplified).
#include "encoding.hpp"
#include "object_rules.hpp"
#include "table.hpp"
#include "wire.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <set>

namespace amlk8s::local::kube::detail {

namespace {

using time_point = std::chrono::system_clock::time_point;

const boost::json::value* at(const boost::json::object& o, std::initializer_list<std::string_view> path) {
  const boost::json::object* cur = &o;
  const boost::json::value* v = nullptr;
  for (auto key : path) {
    if (cur == nullptr) return nullptr;
    v = cur->if_contains(key);
    if (v == nullptr) return nullptr;
    cur = v->if_object();
  }
  return v;
}

std::string str(const boost::json::object& o, std::initializer_list<std::string_view> path, std::string fallback = {}) {
  const auto* v = at(o, path);
  return v && v->is_string() && !v->get_string().empty() ? std::string(v->get_string()) : fallback;
}

std::int64_t num(const boost::json::object& o, std::initializer_list<std::string_view> path, std::int64_t fallback = 0) {
  const auto* v = at(o, path);
  if (v && v->is_int64()) return v->get_int64();
  if (v && v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  return fallback;
}

const boost::json::array& arr(const boost::json::object& o, std::initializer_list<std::string_view> path) {
  static const boost::json::array empty;
  const auto* v = at(o, path);
  return v && v->is_array() ? v->get_array() : empty;
}

std::size_t size_of(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v && v->is_object()) return v->get_object().size();
  return 0;
}

boost::json::value to_cell(std::string s) { return boost::json::value(boost::json::string(s)); }
boost::json::value to_cell(std::int64_t n) { return boost::json::value(n); }
boost::json::value to_cell(boost::json::value v) { return v; }

// Cells are computed by `f`, which may return a string, a number or a JSON value.
template <class F>
column col(std::string name, std::string type, std::string description, int priority, F f) {
  return {std::move(name), std::move(type), "", std::move(description), priority,
          [f](const boost::json::object& o, time_point now) { return to_cell(f(o, now)); }};
}

column name_column() {
  column c = col("Name", "string", "Name must be unique within a namespace.", 0,
                 [](const boost::json::object& o, time_point) { return meta_string(o, "name"); });
  c.format = "name";
  return c;
}

column age_column() {
  return col("Age", "string", "CreationTimestamp is a timestamp representing the server time when this object was created.", 0,
             [](const boost::json::object& o, time_point now) { return age_of(o, now); });
}

column created_at_column(std::string name) {
  return col(std::move(name), "date", "CreationTimestamp is a timestamp representing the server time when this object was created.",
             0, [](const boost::json::object& o, time_point) {
               auto t = meta_string(o, "creationTimestamp");
               return t.empty() ? boost::json::value() : boost::json::value(boost::json::string(t));
             });
}

std::string join(const std::vector<std::string>& parts, std::string_view sep, std::string_view none = "<none>") {
  if (parts.empty()) return std::string(none);
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? std::string(sep) : std::string()) + parts[i];
  return out;
}

std::string map_text(const boost::json::value* v) {
  std::vector<std::string> parts;
  if (v && v->is_object())
    for (const auto& [k, x] : v->get_object()) parts.push_back(std::string(k) + "=" + (x.is_string() ? std::string(x.get_string()) : ""));
  return join(parts, ",");
}

std::string selector_text(const boost::json::object& o) {
  const auto* sel = at(o, {"spec", "selector"});
  if (sel == nullptr || !sel->is_object()) return "<none>";
  std::vector<std::string> parts;
  if (const auto* ml = sel->get_object().if_contains("matchLabels"); ml && ml->is_object())
    for (const auto& [k, x] : ml->get_object()) parts.push_back(std::string(k) + "=" + (x.is_string() ? std::string(x.get_string()) : ""));
  if (const auto* me = sel->get_object().if_contains("matchExpressions"); me && me->is_array())
    for (const auto& e : me->get_array()) {
      if (!e.is_object()) continue;
      const auto& eo = e.get_object();
      auto key = string_of(eo, "key");
      auto op = string_of(eo, "operator");
      std::vector<std::string> values;
      if (const auto* vs = eo.if_contains("values"); vs && vs->is_array())
        for (const auto& x : vs->get_array())
          if (x.is_string()) values.emplace_back(x.get_string());
      if (op == "Exists") parts.push_back(key);
      else if (op == "DoesNotExist") parts.push_back("!" + key);
      else parts.push_back(key + (op == "NotIn" ? " notin (" : " in (") + join(values, ",", "") + ")");
    }
  return join(parts, ",");
}

std::vector<std::string> container_field(const boost::json::object& o, std::initializer_list<std::string_view> spec_path,
                                         std::string_view field) {
  std::vector<std::string> out;
  for (const auto& c : arr(o, spec_path))
    if (c.is_object()) out.push_back(string_of(c.get_object(), field));
  return out;
}

std::vector<column> workload_wide(bool selector) {
  std::vector<column> out;
  out.push_back(col("Containers", "string", "Names of each container in the template.", 1,
                    [](const boost::json::object& o, time_point) {
                      return join(container_field(o, {"spec", "template", "spec", "containers"}, "name"), ",");
                    }));
  out.push_back(col("Images", "string", "Images referenced by each container in the template.", 1,
                    [](const boost::json::object& o, time_point) {
                      return join(container_field(o, {"spec", "template", "spec", "containers"}, "image"), ",");
                    }));
  if (selector)
    out.push_back(col("Selector", "string", "Label selector for pods.", 1,
                      [](const boost::json::object& o, time_point) { return selector_text(o); }));
  return out;
}

std::string pod_status(const boost::json::object& o) {
  std::string reason = str(o, {"status", "phase"}, "Pending");
  if (auto r = str(o, {"status", "reason"}); !r.empty()) reason = r;
  bool running = false;
  const auto& statuses = arr(o, {"status", "containerStatuses"});
  for (auto it = statuses.rbegin(); it != statuses.rend(); ++it) {
    if (!it->is_object()) continue;
    const auto& cs = it->get_object();
    if (auto w = str(cs, {"state", "waiting", "reason"}); !w.empty()) reason = w;
    else if (at(cs, {"state", "terminated"})) {
      auto t = str(cs, {"state", "terminated", "reason"});
      reason = !t.empty() ? t : "ExitCode:" + std::to_string(num(cs, {"state", "terminated", "exitCode"}));
    } else if (at(cs, {"state", "running"}) && at(cs, {"ready"}) && at(cs, {"ready"})->is_bool() &&
               at(cs, {"ready"})->get_bool()) {
      running = true;
    }
  }
  if (reason == "Completed" && running) reason = "Running";
  if (!meta_string(o, "deletionTimestamp").empty()) reason = "Terminating";
  return reason;
}

std::vector<column> pod_columns() {
  std::vector<column> c{name_column()};
  c.push_back(col("Ready", "string", "The aggregate readiness state of this pod for accepting traffic.", 0,
                  [](const boost::json::object& o, time_point) {
                    std::size_t ready = 0;
                    for (const auto& cs : arr(o, {"status", "containerStatuses"}))
                      if (const auto* r = cs.is_object() ? cs.get_object().if_contains("ready") : nullptr; r && r->is_bool() && r->get_bool())
                        ++ready;
                    return std::to_string(ready) + "/" + std::to_string(arr(o, {"spec", "containers"}).size());
                  }));
  c.push_back(col("Status", "string", "The aggregate status of the containers in this pod.", 0,
                  [](const boost::json::object& o, time_point) { return pod_status(o); }));
  c.push_back(col("Restarts", "string", "The number of times the containers in this pod have been restarted.", 0,
                  [](const boost::json::object& o, time_point) {
                    std::int64_t restarts = 0;
                    for (const auto& cs : arr(o, {"status", "containerStatuses"}))
                      if (cs.is_object()) restarts += num(cs.get_object(), {"restartCount"});
                    return std::to_string(restarts);
                  }));
  c.push_back(age_column());
  c.push_back(col("IP", "string", "IP address allocated to the pod.", 1,
                  [](const boost::json::object& o, time_point) { return str(o, {"status", "podIP"}, "<none>"); }));
  c.push_back(col("Node", "string", "Name of the Node this pod is assigned to.", 1,
                  [](const boost::json::object& o, time_point) { return str(o, {"spec", "nodeName"}, "<none>"); }));
  c.push_back(col("Nominated Node", "string", "Name of the node nominated by the scheduler.", 1,
                  [](const boost::json::object& o, time_point) {
                    return str(o, {"status", "nominatedNodeName"}, "<none>");
                  }));
  c.push_back(col("Readiness Gates", "string", "Pod readiness gates.", 1,
                  [](const boost::json::object&, time_point) { return std::string("<none>"); }));
  return c;
}

std::string node_status(const boost::json::object& o) {
  std::string status = "Unknown";
  for (const auto& cond : arr(o, {"status", "conditions"})) {
    if (!cond.is_object() || string_of(cond.get_object(), "type") != "Ready") continue;
    status = string_of(cond.get_object(), "status") == "True" ? "Ready" : "NotReady";
  }
  const auto* u = at(o, {"spec", "unschedulable"});
  if (u && u->is_bool() && u->get_bool()) status += ",SchedulingDisabled";
  return status;
}

std::string node_roles(const boost::json::object& o) {
  std::set<std::string> roles;
  if (const auto* labels = at(o, {"metadata", "labels"}); labels && labels->is_object())
    for (const auto& [k, v] : labels->get_object()) {
      std::string_view key = k;
      if (key.substr(0, wire::node_role_label_prefix.size()) == wire::node_role_label_prefix &&
          key.size() > wire::node_role_label_prefix.size())
        roles.insert(std::string(key.substr(wire::node_role_label_prefix.size())));
      else if (key == "kubernetes.io/role" && v.is_string() && !v.get_string().empty())
        roles.insert(std::string(v.get_string()));
    }
  return join(std::vector<std::string>(roles.begin(), roles.end()), ",");
}

std::string node_address(const boost::json::object& o, std::string_view type) {
  for (const auto& a : arr(o, {"status", "addresses"}))
    if (a.is_object() && string_of(a.get_object(), "type") == type) return string_of(a.get_object(), "address");
  return "<none>";
}

std::vector<column> node_columns() {
  std::vector<column> c{name_column()};
  c.push_back(col("Status", "string", "The status of the node", 0,
                  [](const boost::json::object& o, time_point) { return node_status(o); }));
  c.push_back(col("Roles", "string", "The roles of the node", 0,
                  [](const boost::json::object& o, time_point) { return node_roles(o); }));
  c.push_back(age_column());
  c.push_back(col("Version", "string", "Kubelet Version reported by the node.", 0,
                  [](const boost::json::object& o, time_point) {
                    return str(o, {"status", "nodeInfo", "kubeletVersion"});
                  }));
  c.push_back(col("Internal-IP", "string", "List of internal IPs.", 1,
                  [](const boost::json::object& o, time_point) { return node_address(o, "InternalIP"); }));
  c.push_back(col("External-IP", "string", "List of external IPs.", 1,
                  [](const boost::json::object& o, time_point) { return node_address(o, "ExternalIP"); }));
  c.push_back(col("OS-Image", "string", "OS Image reported by the node from /etc/os-release.", 1,
                  [](const boost::json::object& o, time_point) {
                    return str(o, {"status", "nodeInfo", "osImage"}, "<unknown>");
                  }));
  c.push_back(col("Kernel-Version", "string", "Kernel Version reported by the node.", 1,
                  [](const boost::json::object& o, time_point) {
                    return str(o, {"status", "nodeInfo", "kernelVersion"}, "<unknown>");
                  }));
  c.push_back(col("Container-Runtime", "string", "Container Runtime Version reported by the node.", 1,
                  [](const boost::json::object& o, time_point) {
                    return str(o, {"status", "nodeInfo", "containerRuntimeVersion"}, "<unknown>");
                  }));
  return c;
}

std::string ratio(std::int64_t a, std::int64_t b) { return std::to_string(a) + "/" + std::to_string(b); }

column int_column(std::string name, std::string description, std::initializer_list<std::string_view> path) {
  std::vector<std::string> keys(path.begin(), path.end());
  return col(std::move(name), "integer", std::move(description), 0,
             [keys](const boost::json::object& o, time_point) {
               const boost::json::object* cur = &o;
               const boost::json::value* v = nullptr;
               for (const auto& k : keys) {
                 v = cur ? cur->if_contains(k) : nullptr;
                 if (v == nullptr) return std::int64_t{0};
                 cur = v->if_object();
               }
               return v->is_int64() ? v->get_int64() : std::int64_t{0};
             });
}

std::vector<column> workload_columns(const resource_type& type) {
  std::vector<column> c{name_column()};
  const auto& r = type.resource;
  if (r == "deployments") {
    c.push_back(col("Ready", "string", "Number of the pod with ready state", 0,
                    [](const boost::json::object& o, time_point) {
                      return ratio(num(o, {"status", "readyReplicas"}), num(o, {"spec", "replicas"}, 1));
                    }));
    c.push_back(int_column("Up-to-date", "Total number of non-terminated pods targeted by this deployment that have the desired template spec.",
                           {"status", "updatedReplicas"}));
    c.push_back(int_column("Available", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.",
                           {"status", "availableReplicas"}));
    c.push_back(age_column());
    for (auto& w : workload_wide(true)) c.push_back(std::move(w));
  } else if (r == "daemonsets") {
    c.push_back(int_column("Desired", "The total number of nodes that should be running the daemon pod.", {"status", "desiredNumberScheduled"}));
    c.push_back(int_column("Current", "The number of nodes that are running at least 1 daemon pod.", {"status", "currentNumberScheduled"}));
    c.push_back(int_column("Ready", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.",
                           {"status", "numberReady"}));
    c.push_back(int_column("Up-to-date", "The total number of nodes that are running updated daemon pod", {"status", "updatedNumberScheduled"}));
    c.push_back(int_column("Available", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.",
                           {"status", "numberAvailable"}));
    c.push_back(col("Node Selector", "string", "NodeSelector is a selector which must be true for the pod to fit on a node.", 0,
                    [](const boost::json::object& o, time_point) {
                      return map_text(at(o, {"spec", "template", "spec", "nodeSelector"}));
                    }));
    c.push_back(age_column());
    for (auto& w : workload_wide(true)) c.push_back(std::move(w));
  } else if (r == "statefulsets") {
    c.push_back(col("Ready", "string", "Number of the pod with ready state", 0,
                    [](const boost::json::object& o, time_point) {
                      return ratio(num(o, {"status", "readyReplicas"}), num(o, {"spec", "replicas"}, 1));
                    }));
    c.push_back(age_column());
    for (auto& w : workload_wide(false)) c.push_back(std::move(w));
  } else {  // replicasets
    c.push_back(int_column("Desired", "Replicas is the number of desired replicas.", {"spec", "replicas"}));
    c.push_back(int_column("Current", "Replicas is the most recently observed number of replicas.", {"status", "replicas"}));
    c.push_back(int_column("Ready", "The number of ready replicas for this replica set.", {"status", "readyReplicas"}));
    c.push_back(age_column());
    for (auto& w : workload_wide(true)) c.push_back(std::move(w));
  }
  return c;
}

std::string job_status(const boost::json::object& o) {
  for (const auto& cond : arr(o, {"status", "conditions"})) {
    if (!cond.is_object() || string_of(cond.get_object(), "status") != "True") continue;
    auto type = string_of(cond.get_object(), "type");
    if (type == "Complete" || type == "Failed" || type == "Suspended") return type;
    if (type == "FailureTarget") return "FailureTarget";
  }
  return "Running";
}

std::vector<column> job_columns() {
  std::vector<column> c{name_column()};
  c.push_back(col("Status", "string", "Status of the job.", 0,
                  [](const boost::json::object& o, time_point) { return job_status(o); }));
  c.push_back(col("Completions", "string", "The desired number of successfully finished pods the job should be run with.", 0,
                  [](const boost::json::object& o, time_point) {
                    return ratio(num(o, {"status", "succeeded"}), num(o, {"spec", "completions"}, 1));
                  }));
  c.push_back(col("Duration", "string", "Time required to complete the job.", 0,
                  [](const boost::json::object& o, time_point now) {
                    auto start = parse_rfc3339(str(o, {"status", "startTime"}));
                    if (!start) return std::string();
                    auto end = parse_rfc3339(str(o, {"status", "completionTime"}));
                    return human_duration(std::chrono::duration_cast<std::chrono::seconds>((end ? *end : now) - *start));
                  }));
  c.push_back(age_column());
  for (auto& w : workload_wide(true)) c.push_back(std::move(w));
  return c;
}

std::string service_ports(const boost::json::object& o) {
  std::vector<std::string> parts;
  for (const auto& p : arr(o, {"spec", "ports"})) {
    if (!p.is_object()) continue;
    const auto& po = p.get_object();
    std::string text = std::to_string(num(po, {"port"}));
    if (auto node_port = num(po, {"nodePort"}); node_port != 0) text += ":" + std::to_string(node_port);
    parts.push_back(text + "/" + str(po, {"protocol"}, "TCP"));
  }
  return join(parts, ",");
}

std::vector<column> service_columns() {
  std::vector<column> c{name_column()};
  c.push_back(col("Type", "string", "The type of the service.", 0,
                  [](const boost::json::object& o, time_point) { return str(o, {"spec", "type"}, "ClusterIP"); }));
  c.push_back(col("Cluster-IP", "string", "The cluster IP of the service.", 0,
                  [](const boost::json::object& o, time_point) { return str(o, {"spec", "clusterIP"}, "<none>"); }));
  c.push_back(col("External-IP", "string", "The external IP of the service.", 0,
                  [](const boost::json::object& o, time_point) {
                    std::vector<std::string> ips;
                    for (const auto& i : arr(o, {"status", "loadBalancer", "ingress"}))
                      if (i.is_object()) ips.push_back(str(i.get_object(), {"ip"}, str(i.get_object(), {"hostname"})));
                    if (ips.empty() && str(o, {"spec", "type"}) == "LoadBalancer") return std::string("<pending>");
                    return join(ips, ",");
                  }));
  c.push_back(col("Port(s)", "string", "The ports of the service.", 0,
                  [](const boost::json::object& o, time_point) { return service_ports(o); }));
  c.push_back(age_column());
  c.push_back(col("Selector", "string", "The selector of the service.", 1,
                  [](const boost::json::object& o, time_point) { return map_text(at(o, {"spec", "selector"})); }));
  return c;
}

std::vector<column> event_columns() {
  std::vector<column> c;
  auto since = [](const boost::json::object& o, time_point now, std::string_view field) -> std::string {
    auto t = parse_rfc3339(str(o, {field}));
    if (!t) t = parse_rfc3339(str(o, {"eventTime"}));
    if (!t) t = parse_rfc3339(meta_string(o, "creationTimestamp"));
    return t ? human_duration(std::chrono::duration_cast<std::chrono::seconds>(now - *t)) : "<unknown>";
  };
  c.push_back(col("Last Seen", "string", "Time when last event occurred.", 0,
                  [since](const boost::json::object& o, time_point now) { return since(o, now, "lastTimestamp"); }));
  c.push_back(col("Type", "string", "Type of this event.", 0,
                  [](const boost::json::object& o, time_point) { return str(o, {"type"}); }));
  c.push_back(col("Reason", "string", "Reason why this event was generated.", 0,
                  [](const boost::json::object& o, time_point) { return str(o, {"reason"}); }));
  c.push_back(col("Object", "string", "The object that this event is about.", 0,
                  [](const boost::json::object& o, time_point) {
                    auto kind = str(o, {"involvedObject", "kind"});
                    std::transform(kind.begin(), kind.end(), kind.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
                    return kind + "/" + str(o, {"involvedObject", "name"});
                  }));
  c.push_back(col("Message", "string", "A human-readable description of the status of this operation.", 0,
                  [](const boost::json::object& o, time_point) { return str(o, {"message"}); }));
  c.push_back(col("Subobject", "string", "The subobject of the event.", 1,
                  [](const boost::json::object& o, time_point) { return str(o, {"involvedObject", "fieldPath"}); }));
  c.push_back(col("Source", "string", "The component reporting this event.", 1,
                  [](const boost::json::object& o, time_point) {
                    return str(o, {"source", "component"}, str(o, {"reportingComponent"}));
                  }));
  c.push_back(col("First Seen", "string", "The first time the event was seen.", 1,
                  [since](const boost::json::object& o, time_point now) { return since(o, now, "firstTimestamp"); }));
  c.push_back(col("Count", "string", "The number of times this event has occurred.", 1,
                  [](const boost::json::object& o, time_point) { return std::to_string(num(o, {"count"}, 1)); }));
  c.push_back(col("Name", "string", "The name of the event.", 1,
                  [](const boost::json::object& o, time_point) { return meta_string(o, "name"); }));
  return c;
}

// A CRD's printer-column jsonPath: dotted members with `\.` escapes and `[n]` indexes.
boost::json::value json_path(const boost::json::object& o, std::string_view path) {
  if (!path.empty() && path.front() == '{') path = path.substr(1, path.size() >= 2 ? path.size() - 2 : 0);
  if (!path.empty() && path.front() == '.') path.remove_prefix(1);
  const boost::json::value root(o);
  const boost::json::value* cur = &root;
  std::string token;
  auto step = [&](const std::string& member) {
    if (cur == nullptr) return;
    auto bracket = member.find('[');
    std::string name = member.substr(0, bracket);
    if (!name.empty()) cur = cur->is_object() ? cur->get_object().if_contains(name) : nullptr;
    while (cur != nullptr && bracket != std::string::npos) {
      auto close = member.find(']', bracket);
      if (close == std::string::npos) {
        cur = nullptr;
        break;
      }
      auto index = member.substr(bracket + 1, close - bracket - 1);
      std::size_t i = 0;
      bool numeric = !index.empty() && std::all_of(index.begin(), index.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
      if (numeric) i = std::stoul(index);
      cur = numeric && cur->is_array() && i < cur->get_array().size() ? &cur->get_array()[i] : nullptr;
      bracket = member.find('[', close);
    }
  };
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '\\' && i + 1 < path.size()) {
      token += path[++i];
    } else if (path[i] == '.') {
      step(token);
      token.clear();
    } else {
      token += path[i];
    }
  }
  step(token);
  if (cur == nullptr) return nullptr;
  if (cur->is_object() || cur->is_array()) return boost::json::value(boost::json::serialize(*cur));
  return *cur;
}

std::vector<column> custom_columns(const resource_type& type) {
  std::vector<column> c{name_column()};
  if (type.printer_columns.empty()) {
    // The custom-resource table convertor turns `date` cells into ages itself (kubectl prints cells as given).
    column age = created_at_column("Age");
    age.cell = [](const boost::json::object& o, time_point now) -> boost::json::value { return boost::json::string(age_of(o, now)); };
    c.push_back(std::move(age));
    return c;
  }
  for (const auto& pc : type.printer_columns) {
    if (!pc.is_object()) continue;
    const auto& p = pc.get_object();
    auto path = string_of(p, "jsonPath");
    bool date = string_of(p, "type") == "date";
    column x = col(string_of(p, "name"), string_of(p, "type"), string_of(p, "description"), static_cast<int>(num(p, {"priority"})),
                   [path, date](const boost::json::object& o, time_point now) {
                     auto v = json_path(o, path);
                     if (!date || !v.is_string()) return v;
                     auto t = parse_rfc3339(v.get_string());
                     return boost::json::value(t ? human_duration(std::chrono::duration_cast<std::chrono::seconds>(now - *t))
                                                 : std::string("<unknown>"));
                   });
    x.format = string_of(p, "format");
    c.push_back(std::move(x));
  }
  return c;
}

}  // namespace

std::vector<column> columns_for(const resource_type& type) {
  if (!type.builtin) return custom_columns(type);
  const auto& r = type.resource;
  if (type.group.empty()) {
    if (r == "pods") return pod_columns();
    if (r == "nodes") return node_columns();
    if (r == "services") return service_columns();
    if (r == "events") return event_columns();
    std::vector<column> c{name_column()};
    if (r == "namespaces")
      c.push_back(col("Status", "string", "The status of the namespace", 0,
                      [](const boost::json::object& o, time_point) { return str(o, {"status", "phase"}, "Active"); }));
    if (r == "secrets")
      c.push_back(col("Type", "string", "The type of the secret", 0,
                      [](const boost::json::object& o, time_point) { return str(o, {"type"}, "Opaque"); }));
    if (r == "configmaps" || r == "secrets")
      c.push_back(col("Data", "integer", "Number of data entries.", 0,
                      [](const boost::json::object& o, time_point) {
                        return static_cast<std::int64_t>(size_of(o, "data") + size_of(o, "binaryData") + size_of(o, "stringData"));
                      }));
    c.push_back(age_column());
    return c;
  }
  if (type.group == "apps") return workload_columns(type);
  if (type.group == "batch") return job_columns();
  // §2.4: CRDs print NAME and CREATED AT (the default table convertor).
  return {name_column(), created_at_column("Created At")};
}

}  // namespace amlk8s::local::kube::detail
