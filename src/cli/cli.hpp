// The `amlk8s` command-line tool: commands, the context they run in, and the entry point.
// Private to the tool; the commands only call the SDK (include/amlk8s/model).
#pragma once

#include "cli/args.hpp"
#include "cli/output.hpp"
#include "cli/run.hpp"

#include <amlk8s/arm/poller.hpp>
#include <amlk8s/core/error.hpp>
#include <amlk8s/core/resource_id.hpp>
#include <amlk8s/kube/client.hpp>

#include <boost/json/value.hpp>

#include <filesystem>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace amlk8s::model {
class session;
}

namespace amlk8s::cli {

class context;

/// One command: `amlk8s <group> <verb>` (verb empty for a one-word command).
struct command {
  std::string_view group;
  std::string_view verb;
  std::string_view summary;
  std::vector<flag_spec> flags;
  /// A value flag that one bare word may give (`instancetype get NAME`); empty: none.
  std::string_view positional;
  /// --help's description and examples (already formatted, lines indented by two spaces).
  std::string_view details;
  int (*run)(context&) = nullptr;
};

/// The commands of each area (defined next to their code).
std::vector<command> cluster_commands();    // extension, cluster, instancetype
std::vector<command> workspace_commands();  // compute, job, online-endpoint, online-deployment

/// Flags shared by several commands.
namespace flags {
extern const flag_spec resource_group, cluster_type, cluster_name, kubeconfig, kube_context, no_wait, timeout, yes,
    workspace_name, file;
}

/// Defaults from the environment and the config file.
struct defaults {
  std::string subscription;
  std::string group;
  std::string workspace;
  std::filesystem::path source;  ///< the config file they came from (empty: none)
};

/// What a command runs with: its flags, the output settings, the defaults and, made on first use,
/// the signed-in session.
class context {
 public:
  context(const command& cmd, parsed_flags flags, std::ostream& out, std::ostream& err);
  ~context();

  const command& cmd;
  const parsed_flags flags;
  std::ostream& out;
  std::ostream& err;

  /// A required value flag; throws a usage error naming it, with `fix` (or a generic one).
  std::string require(std::string_view flag, std::string_view fix = {}) const;
  /// --resource-group, else the default group.
  std::string resource_group() const;
  /// --workspace-name, else the default workspace.
  std::string workspace_name() const;
  /// --subscription, else the local control plane's, AZURE_SUBSCRIPTION_ID or the config file's.
  std::string subscription() const;

  /// The session (local control plane or Azure), made on first use.
  model::session& session();
  /// The cluster that --cluster-type, --cluster-name (or `name_flag`) and --resource-group name.
  resource_id cluster(std::string_view name_flag = "--cluster-name") const;
  /// The workspace that --workspace-name and --resource-group name.
  resource_id workspace() const;
  /// A Kubernetes client from --kubeconfig/--context; with a local control plane and a known
  /// cluster, that cluster's kubeconfig; else kubectl's default files.
  kube::client kube(std::string_view cluster_name = {});
  /// Whether a kubeconfig surely of this cluster is known: --kubeconfig, or with a local control
  /// plane the cluster's own (for optional checks, where kubectl's default could be another cluster).
  bool has_cluster_kubeconfig(std::string_view cluster_name = {}) const;
  /// Whether the tool is pointed at a local control plane.
  bool is_local() const noexcept { return local_endpoints_.has_value(); }

  /// Prints `v` as --output and --query say.
  void print(const boost::json::value& v, std::span<const column> columns = {}) const;
  /// The chosen --output (json unless given).
  output_format format() const;
  /// A warning on stderr (unless --only-show-errors).
  void warn(std::string_view text) const;
  /// Whether progress is shown (stderr is a terminal).
  bool show_progress() const;
  /// --yes, or a y/N answer on a terminal; without either, a usage error naming --yes.
  void confirm(std::string_view question) const;
  /// Waits for a long-running operation with progress (and --timeout); returns the final body.
  boost::json::value wait(arm::poller& poller, std::string label) const;

 private:
  std::optional<std::filesystem::path> kubeconfig_path(std::string_view cluster_name) const;

  defaults defaults_;
  std::optional<std::string> local_endpoints_;  ///< the ready-line JSON, when pointed at a local control plane
  std::string local_subscription_;
  std::string local_kubeconfig_dir_;
  std::unique_ptr<model::session> session_;
  mutable std::vector<std::string> warned_;  ///< each warning is printed once
};

/// `s` in lower case (ASCII).
std::string lower(std::string_view s);
/// A usage error (errc::invalid_argument): what is wrong with `field` (a flag, a setting, a file) and the fix.
error usage(std::string field, std::string message, std::string fix);

/// The flags of `first` and then of each of `rest`, for command tables.
template <class... Lists>
std::vector<flag_spec> join(std::initializer_list<flag_spec> first, const Lists&... rest) {
  std::vector<flag_spec> out(first);
  (out.insert(out.end(), rest.begin(), rest.end()), ...);
  return out;
}

/// The exit code for an error condition (documented in `amlk8s --help`).
int exit_code_of(errc condition) noexcept;

}  // namespace amlk8s::cli
