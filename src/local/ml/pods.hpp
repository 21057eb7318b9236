// The pods of a command job as the extension's operator writes them and the scheduler and kubelet
// move them on (contracts/kubernetes.md §1.4 for the instance type's part, §4.4 for scheduling; the
// names and labels are amlk8s/model/workload_labels.hpp's). Sans I/O: objects in, objects out.
// Private to amlk8s_local.
#pragma once

#include <amlk8s/model/fit.hpp>
#include <amlk8s/model/instance_type.hpp>

#include <boost/json/object.hpp>

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace amlk8s::local::ml {

/// What one pod of a job is made of.
struct pod_plan {
  std::string name;
  std::string ns;
  std::string job;
  std::string compute;
  int index = 0;
  std::string image;
  std::string command;  ///< the bound command, run as `/bin/sh -c`
  std::vector<std::pair<std::string, std::string>> env;
  model::instance_type type;  ///< resources (requests and limits) and the type's name
  model::pod_settings settings;  ///< nodeSelector and tolerations (§1.4)
};

/// The Pod, Pending and not yet looked at by the scheduler.
boost::json::object job_pod(const pod_plan& plan);

/// PodScheduled=False, reason Unschedulable, with the scheduler's message.
void mark_unschedulable(boost::json::object& pod, std::string_view message, std::string_view now);
/// Bound to `node` (spec.nodeName, PodScheduled=True); the container is being created.
void mark_bound(boost::json::object& pod, std::string_view node, std::string_view host_ip, std::string_view now);
/// Phase Running, the container running since `now`.
void mark_running(boost::json::object& pod, std::string_view now);
/// Phase Succeeded (exit code 0) or Failed, the container terminated with `exit_code`; `reason`
/// is the container's ("Completed", "Error"), `pod_reason` the pod's (e.g. "DeadlineExceeded", may be empty).
void mark_terminated(boost::json::object& pod, int exit_code, std::string_view reason, std::string_view message,
                     std::string_view pod_reason, std::string_view now);

/// A core/v1 Event about `pod` from the default scheduler: `reason` FailedScheduling (Warning) or
/// Scheduled (Normal). `name` is the event's name.
boost::json::object scheduler_event(const boost::json::object& pod, std::string name, std::string_view reason,
                                    std::string_view message, std::string_view now);

/// The scheduler's view of what the pod takes from a node (its requests).
model::pod_usage usage_of(const boost::json::object& pod);

/// The InternalIP of a Node object, or "".
std::string internal_ip(const boost::json::object& node);

}  // namespace amlk8s::local::ml
