#include <amlk8s/kube/kubeconfig.hpp>

#include <amlk8s/core/error.hpp>

#include "kube/text.hpp"
#include "kube/wire.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace amlk8s::kube {
namespace {

namespace fs = std::filesystem;

std::string in_quotes(std::string_view s) { return "'" + std::string(s) + "'"; }

std::string where(const fs::path& source) { return source.empty() ? std::string("kubeconfig") : source.string(); }

// Collects the problems of one document or one resolution; all are reported at once.
struct issues {
  std::vector<validation_issue> list;
  void add(std::string field, std::string message, std::string fix) {
    list.push_back({std::move(field), std::move(message), std::move(fix)});
  }
  void throw_if_any() {
    if (!list.empty()) throw validation_error(std::move(list));
  }
};

// A field's text, reporting (not throwing) a non-scalar. The value itself is never quoted, since
// it may be a secret.
std::string scalar(const YAML::Node& parent, std::string_view key, const std::string& path, issues& out) {
  auto node = parent[std::string(key)];
  if (!node || node.IsNull()) return {};
  if (!node.IsScalar()) {
    out.add(path + "." + std::string(key), "must be a string", "write a single value");
    return {};
  }
  return node.Scalar();
}

bool boolean(const YAML::Node& parent, std::string_view key, const std::string& path, issues& out) {
  auto text = scalar(parent, key, path, out);
  if (text.empty() || text == "false" || text == "False" || text == "FALSE") return false;
  if (text == "true" || text == "True" || text == "TRUE") return true;
  out.add(path + "." + std::string(key), "must be true or false, not " + in_quotes(text), "write true or false");
  return false;
}

// Makes a path written in a kubeconfig absolute against the folder of the file (§3.1).
std::string resolve_path(const std::string& p, const fs::path& source) {
  if (p.empty()) return p;
  fs::path path(p);
  if (path.is_absolute() || source.empty()) return p;
  return (source.parent_path() / path).lexically_normal().string();
}

std::string decode_data(const YAML::Node& parent, std::string_view key, const std::string& path, issues& out) {
  auto text = scalar(parent, key, path, out);
  if (text.empty()) return {};
  auto decoded = detail::base64_decode(text);
  if (!decoded) {
    out.add(path + "." + std::string(key), "is not valid base64", "write the base64 encoding of the PEM text");
    return {};
  }
  return std::move(*decoded);
}

// The entries of a named list (`clusters`, `users`, `contexts`): each has `name` and the body under `body_key`.
template <class Fn>
void each_named(const YAML::Node& root, std::string_view list_key, std::string_view body_key, issues& out, Fn&& fn) {
  auto list = root[std::string(list_key)];
  if (!list || list.IsNull()) return;
  if (!list.IsSequence()) {
    out.add(std::string(list_key), "must be a list", "write a YAML list of {name, " + std::string(body_key) + "} entries");
    return;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    auto entry = list[i];
    std::string index_path = std::string(list_key) + "[" + std::to_string(i) + "]";
    if (!entry.IsMap()) {
      out.add(index_path, "must be a map", "write {name: ..., " + std::string(body_key) + ": {...}}");
      continue;
    }
    auto name = scalar(entry, wire::name, index_path, out);
    if (name.empty()) {
      out.add(index_path + ".name", "is missing", "give every entry of " + std::string(list_key) + " a name");
      continue;
    }
    std::string path = std::string(list_key) + "[" + name + "]." + std::string(body_key);
    auto body = entry[std::string(body_key)];
    if (body && !body.IsNull() && !body.IsMap()) {
      out.add(path, "must be a map", "write the fields of the entry under " + std::string(body_key));
      continue;
    }
    fn(name, body ? body : YAML::Node(YAML::NodeType::Map), path);
  }
}

exec_config parse_exec(const YAML::Node& node, const std::string& path, const fs::path& source, issues& out) {
  exec_config e;
  e.api_version = scalar(node, wire::exec_api_version, path, out);
  e.command = scalar(node, wire::exec_command, path, out);
  if (auto args = node[std::string(wire::exec_args)]; args && !args.IsNull()) {
    if (!args.IsSequence()) {
      out.add(path + ".args", "must be a list", "write args as a YAML list of strings");
    } else {
      for (const auto& a : args) e.args.push_back(a.IsScalar() ? a.Scalar() : std::string());
    }
  }
  if (auto env = node[std::string(wire::exec_env)]; env && !env.IsNull()) {
    if (!env.IsSequence()) {
      out.add(path + ".env", "must be a list", "write env as a list of {name, value}");
    } else {
      for (std::size_t i = 0; i < env.size(); ++i) {
        std::string p = path + ".env[" + std::to_string(i) + "]";
        if (!env[i].IsMap()) {
          out.add(p, "must be a map", "write {name: ..., value: ...}");
          continue;
        }
        e.env.push_back({scalar(env[i], wire::exec_env_name, p, out), scalar(env[i], wire::exec_env_value, p, out)});
      }
    }
  }
  e.install_hint = scalar(node, wire::exec_install_hint, path, out);
  e.provide_cluster_info = boolean(node, wire::exec_provide_cluster_info, path, out);
  e.interactive_mode = scalar(node, wire::exec_interactive_mode, path, out);
  e.base_dir = source.empty() ? fs::path() : source.parent_path();
  return e;
}

std::string read_text(const fs::path& path, bool& ok) {
  std::ifstream in(path, std::ios::binary);
  ok = static_cast<bool>(in);
  if (!ok) return {};
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Reads a file a kubeconfig names; a problem is reported against `field`.
std::string read_named_file(const std::string& file, const std::string& field, issues& out) {
  bool ok = false;
  auto text = read_text(file, ok);
  if (!ok) out.add(field, "cannot read the file " + in_quotes(file), "fix the path (relative paths are relative to the kubeconfig's folder)");
  return text;
}

std::optional<std::string> env_value(std::string_view name) {
  const char* v = std::getenv(std::string(name).c_str());
  if (!v || !*v) return std::nullopt;
  return std::string(v);
}

void check_exec(const exec_config& e, const std::string& path, issues& out) {
  if (e.api_version.empty()) {
    out.add(path + ".apiVersion", "is missing",
            "set it to " + std::string(wire::exec_v1) + " or " + std::string(wire::exec_v1beta1));
  } else if (e.api_version != wire::exec_v1 && e.api_version != wire::exec_v1beta1) {
    out.add(path + ".apiVersion", in_quotes(e.api_version) + " is not supported",
            "use " + std::string(wire::exec_v1) + " or " + std::string(wire::exec_v1beta1) + " (v1alpha1 is no longer accepted)");
  }
  if (e.command.empty()) out.add(path + ".command", "is missing", "name the credential plugin to run, e.g. kubelogin");
  if (e.interactive_mode.empty()) {
    if (e.api_version == wire::exec_v1)
      out.add(path + ".interactiveMode", "is required for " + std::string(wire::exec_v1), "set it to Never, IfAvailable or Always");
  } else if (e.interactive_mode != "Never" && e.interactive_mode != "IfAvailable" && e.interactive_mode != "Always") {
    out.add(path + ".interactiveMode", in_quotes(e.interactive_mode) + " is not a mode", "use Never, IfAvailable or Always");
  }
  for (std::size_t i = 0; i < e.env.size(); ++i)
    if (e.env[i].name.empty())
      out.add(path + ".env[" + std::to_string(i) + "].name", "is missing", "give every environment entry a name");
}

}  // namespace

std::string_view to_string(auth_kind kind) noexcept {
  switch (kind) {
    case auth_kind::none: return "none";
    case auth_kind::token: return "token";
    case auth_kind::token_file: return "tokenFile";
    case auth_kind::basic: return "basic";
    case auth_kind::exec: return "exec";
  }
  return "none";
}

std::string cluster_config::to_string() const {
  std::string s = "server=" + redact_url(server) + " namespace=" + ns;
  if (!context.empty()) s += " context=" + context;
  if (!ca_pem.empty()) s += " ca=<pem>";
  if (insecure_skip_tls_verify) s += " insecure-skip-tls-verify";
  if (!tls_server_name.empty()) s += " tls-server-name=" + tls_server_name;
  if (!proxy_url.empty()) s += " proxy-url=" + redact_url(proxy_url);
  if (!client_certificate_pem.empty()) s += " client-certificate=<pem> client-key=" + std::string(redacted);
  s += " auth=" + std::string(kube::to_string(auth));
  switch (auth) {
    case auth_kind::token: s += " token=" + std::string(redacted); break;
    case auth_kind::token_file: s += " tokenFile=" + token_file.string(); break;
    case auth_kind::basic: s += " username=" + username + " password=" + std::string(redacted); break;
    case auth_kind::exec:
      if (exec) s += " exec=" + exec->command;
      break;
    case auth_kind::none: break;
  }
  return s;
}

kubeconfig kubeconfig::parse(std::string_view yaml, const fs::path& source) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    // The mark locates the problem; the message of yaml-cpp never quotes the document.
    throw validation_error({{where(source), "is not valid YAML: line " + std::to_string(e.mark.line + 1) + ": " + e.msg,
                             "fix the YAML syntax"}});
  }
  kubeconfig out;
  if (!source.empty()) out.sources_.push_back(source);
  if (!root || root.IsNull()) return out;  // an empty file is an empty configuration, as for kubectl
  if (!root.IsMap())
    throw validation_error({{where(source), "is not a kubeconfig: the document is not a map",
                             "write apiVersion: v1, kind: Config, clusters, users and contexts"}});

  issues problems;
  each_named(root, wire::clusters, wire::cluster, problems, [&](const std::string& name, const YAML::Node& c, const std::string& path) {
    kubeconfig_cluster k;
    k.server = scalar(c, wire::server, path, problems);
    k.certificate_authority = resolve_path(scalar(c, wire::certificate_authority, path, problems), source);
    k.certificate_authority_data = decode_data(c, wire::certificate_authority_data, path, problems);
    k.insecure_skip_tls_verify = boolean(c, wire::insecure_skip_tls_verify, path, problems);
    k.tls_server_name = scalar(c, wire::tls_server_name, path, problems);
    k.proxy_url = scalar(c, wire::proxy_url, path, problems);
    k.source = source;
    out.clusters_.emplace(name, std::move(k));  // within one file, too, the first entry of a name wins
  });
  each_named(root, wire::users, wire::user, problems, [&](const std::string& name, const YAML::Node& u, const std::string& path) {
    kubeconfig_user k;
    k.client_certificate = resolve_path(scalar(u, wire::client_certificate, path, problems), source);
    k.client_certificate_data = decode_data(u, wire::client_certificate_data, path, problems);
    k.client_key = resolve_path(scalar(u, wire::client_key, path, problems), source);
    k.client_key_data = secret_string(decode_data(u, wire::client_key_data, path, problems));
    k.token = secret_string(scalar(u, wire::token, path, problems));
    k.token_file = resolve_path(scalar(u, wire::token_file, path, problems), source);
    k.username = scalar(u, wire::username, path, problems);
    k.password = secret_string(scalar(u, wire::password, path, problems));
    if (auto e = u[std::string(wire::exec)]; e && !e.IsNull()) {
      if (!e.IsMap())
        problems.add(path + ".exec", "must be a map", "write apiVersion, command, args and env under exec");
      else
        k.exec = parse_exec(e, path + ".exec", source, problems);
    }
    if (auto a = u[std::string(wire::auth_provider)]; a && !a.IsNull()) k.has_auth_provider = true;
    k.source = source;
    out.users_.emplace(name, std::move(k));
  });
  each_named(root, wire::contexts, wire::context, problems, [&](const std::string& name, const YAML::Node& c, const std::string& path) {
    kubeconfig_context k;
    k.cluster = scalar(c, wire::cluster, path, problems);
    k.user = scalar(c, wire::user, path, problems);
    k.ns = scalar(c, wire::namespace_, path, problems);
    k.source = source;
    out.contexts_.emplace(name, std::move(k));
  });
  out.current_context_ = scalar(root, wire::current_context, "", problems);
  for (auto& issue : problems.list) issue.message = where(source) + ": " + issue.message;
  problems.throw_if_any();
  return out;
}

kubeconfig kubeconfig::load_file(const fs::path& path) {
  bool ok = false;
  auto text = read_text(path, ok);
  if (!ok)
    throw validation_error({{"kubeconfig", "cannot read the kubeconfig file " + in_quotes(path.string()),
                             "check the path, or leave it unset to use $KUBECONFIG or ~/.kube/config"}});
  return parse(text, path);
}

kubeconfig kubeconfig::load_files(const std::vector<fs::path>& paths) {
  kubeconfig merged;
  for (const auto& p : paths) {
    std::error_code ec;
    if (p.empty() || !fs::exists(p, ec)) continue;  // §3.1: files that do not exist are skipped
    merged.merge(load_file(p));
  }
  return merged;
}

kubeconfig kubeconfig::load_default() {
  std::vector<fs::path> paths;
  std::string origin;
  if (auto list = env_value(wire::kubeconfig_env)) {
    origin = "$" + std::string(wire::kubeconfig_env) + " (" + *list + ")";
    std::string_view rest = *list;
    while (true) {
      auto sep = rest.find(wire::kubeconfig_separator);
      paths.emplace_back(std::string(rest.substr(0, sep)));
      if (sep == std::string_view::npos) break;
      rest.remove_prefix(sep + 1);
    }
  } else if (auto home = env_value("HOME")) {
    paths.push_back(fs::path(*home) / ".kube" / "config");
    origin = paths.back().string();
  }
  auto merged = load_files(paths);
  if (merged.sources().empty())
    throw validation_error({{"kubeconfig", "no kubeconfig file found" + (origin.empty() ? std::string() : " at " + origin),
                             "set KUBECONFIG to a kubeconfig file, or create ~/.kube/config (e.g. az aks get-credentials)"}});
  return merged;
}

void kubeconfig::merge(const kubeconfig& later) {
  // §3.1: the first file that defines a named entry wins, and the whole entry is taken from it.
  for (const auto& [name, c] : later.clusters_) clusters_.emplace(name, c);
  for (const auto& [name, u] : later.users_) users_.emplace(name, u);
  for (const auto& [name, c] : later.contexts_) contexts_.emplace(name, c);
  if (current_context_.empty()) current_context_ = later.current_context_;
  sources_.insert(sources_.end(), later.sources_.begin(), later.sources_.end());
}

cluster_config kubeconfig::resolve(const kubeconfig_overrides& overrides) const {
  issues problems;
  cluster_config out;
  out.context = overrides.context.empty() ? current_context_ : overrides.context;
  auto names_of = [](const auto& map) {
    std::string s;
    for (const auto& [name, v] : map) s += (s.empty() ? "" : ", ") + name;
    return s.empty() ? std::string("none") : s;
  };
  if (out.context.empty()) {
    problems.add(std::string(wire::current_context), "no context is selected",
                 "set current-context in the kubeconfig or pass a context (defined: " + names_of(contexts_) + ")");
    problems.throw_if_any();
  }
  auto ctx = contexts_.find(out.context);
  if (ctx == contexts_.end()) {
    problems.add(overrides.context.empty() ? std::string(wire::current_context) : std::string("context"),
                 "context " + in_quotes(out.context) + " is not defined",
                 "use one of the defined contexts: " + names_of(contexts_));
    problems.throw_if_any();
  }
  const auto& context = ctx->second;
  const std::string ctx_path = "contexts[" + out.context + "].context";
  out.cluster_name = context.cluster;
  out.user_name = context.user;
  out.ns = !overrides.ns.empty() ? overrides.ns : !context.ns.empty() ? context.ns : std::string(wire::default_namespace);

  const kubeconfig_cluster* cluster = nullptr;
  if (context.cluster.empty()) {
    problems.add(ctx_path + ".cluster", "is missing", "name one of the clusters: " + names_of(clusters_));
  } else if (auto it = clusters_.find(context.cluster); it == clusters_.end()) {
    problems.add(ctx_path + ".cluster", "cluster " + in_quotes(context.cluster) + " is not defined",
                 "add it to clusters, or name one of: " + names_of(clusters_));
  } else {
    cluster = &it->second;
  }
  const kubeconfig_user* user = nullptr;
  if (!context.user.empty()) {
    if (auto it = users_.find(context.user); it == users_.end())
      problems.add(ctx_path + ".user", "user " + in_quotes(context.user) + " is not defined",
                   "add it to users, or name one of: " + names_of(users_));
    else
      user = &it->second;
  }

  if (cluster) {
    const std::string path = "clusters[" + context.cluster + "].cluster";
    out.server = cluster->server;
    while (out.server.size() > 1 && out.server.back() == '/') out.server.pop_back();
    if (out.server.empty())
      problems.add(path + ".server", "is missing", "set it to the API server's URL, e.g. https://host:443");
    else if (!out.server.starts_with("https://") && !out.server.starts_with("http://"))
      problems.add(path + ".server", in_quotes(out.server) + " is not an http(s) URL", "write https://host[:port]");
    if (!cluster->certificate_authority_data.empty())
      out.ca_pem = cluster->certificate_authority_data;  // §3.1: -data overrides the path
    else if (!cluster->certificate_authority.empty())
      out.ca_pem = read_named_file(cluster->certificate_authority, path + ".certificate-authority", problems);
    out.insecure_skip_tls_verify = cluster->insecure_skip_tls_verify;
    if (out.insecure_skip_tls_verify &&
        (!cluster->certificate_authority_data.empty() || !cluster->certificate_authority.empty()))
      problems.add(path + ".insecure-skip-tls-verify",
                   "specifying a root certificates file with the insecure flag is not allowed",
                   "remove insecure-skip-tls-verify, or remove certificate-authority(-data)");
    out.tls_server_name = cluster->tls_server_name;
    out.proxy_url = cluster->proxy_url;
  }

  if (user) {
    const std::string path = "users[" + context.user + "].user";
    if (!user->client_certificate_data.empty())
      out.client_certificate_pem = user->client_certificate_data;
    else if (!user->client_certificate.empty())
      out.client_certificate_pem = read_named_file(user->client_certificate, path + ".client-certificate", problems);
    if (!user->client_key_data.empty())
      out.client_key_pem = user->client_key_data;
    else if (!user->client_key.empty())
      out.client_key_pem = secret_string(read_named_file(user->client_key, path + ".client-key", problems));
    bool has_cert = !user->client_certificate_data.empty() || !user->client_certificate.empty();
    bool has_key = !user->client_key_data.empty() || !user->client_key.empty();
    if (has_cert && !has_key)
      problems.add(path + ".client-key", "is missing while client-certificate is set", "set client-key or client-key-data too");
    if (has_key && !has_cert)
      problems.add(path + ".client-certificate", "is missing while client-key is set",
                   "set client-certificate or client-certificate-data too");

    std::vector<std::string> methods;
    if (!user->token.empty() || !user->token_file.empty()) methods.emplace_back("token");
    if (!user->username.empty() || !user->password.empty()) methods.emplace_back("basic auth");
    if (user->exec) methods.emplace_back("exec");
    if (methods.size() > 1) {
      std::string found;
      for (const auto& m : methods) found += (found.empty() ? "" : ", ") + m;
      problems.add(path, "more than one authentication method found (" + found + "); only one is allowed",
                   "keep one of token/tokenFile, username/password and exec");
    }
    if (user->has_auth_provider && !user->exec)
      problems.add(path + ".auth-provider", "auth-provider is not supported (the in-tree providers were removed in Kubernetes 1.26)",
                   "use an exec plugin instead, e.g. kubelogin convert-kubeconfig -l azurecli");
    if (user->has_auth_provider && user->exec)
      problems.add(path + ".auth-provider", "auth-provider cannot be combined with an exec plugin", "remove auth-provider");

    if (user->exec) {
      check_exec(*user->exec, path + ".exec", problems);
      out.auth = auth_kind::exec;
      out.exec = user->exec;
      if (out.exec->interactive_mode.empty()) out.exec->interactive_mode = "IfAvailable";  // §3.3 v1beta1 default
    } else if (!user->token_file.empty()) {
      out.auth = auth_kind::token_file;
      out.token_file = user->token_file;
      out.token = user->token;  // used while the file cannot be read
    } else if (!user->token.empty()) {
      out.auth = auth_kind::token;
      out.token = user->token;
    } else if (!user->username.empty() || !user->password.empty()) {
      out.auth = auth_kind::basic;
      out.username = user->username;
      out.password = user->password;
    }
  }
  problems.throw_if_any();
  return out;
}

bool in_cluster(const in_cluster_options& options) {
  auto host = options.service_host ? options.service_host : env_value(wire::service_host_env);
  auto port = options.service_port ? options.service_port : env_value(wire::service_port_env);
  return host && !host->empty() && port && !port->empty();
}

cluster_config in_cluster_config(const in_cluster_options& options) {
  auto host = options.service_host ? options.service_host : env_value(wire::service_host_env);
  auto port = options.service_port ? options.service_port : env_value(wire::service_port_env);
  if (!host || host->empty() || !port || port->empty())
    throw validation_error({{std::string(wire::service_host_env) + ", " + std::string(wire::service_port_env),
                             "not running in a cluster: both must be set and non-empty",
                             "run inside a pod, or use a kubeconfig"}});
  cluster_config out;
  // §3.4: https:// + JoinHostPort(host, port), which brackets IPv6 literals.
  bool ipv6 = host->find(':') != std::string::npos && !host->starts_with('[');
  out.server = "https://" + (ipv6 ? "[" + *host + "]" : *host) + ":" + *port;
  std::error_code ec;
  if (!fs::exists(options.token_file, ec))
    throw validation_error({{"serviceaccount token", "cannot read the service account token " + in_quotes(options.token_file.string()),
                             "mount a service account token into the pod (automountServiceAccountToken: true)"}});
  out.auth = auth_kind::token_file;
  out.token_file = options.token_file;
  bool ok = false;
  auto ca = read_text(options.ca_file, ok);
  if (ok) out.ca_pem = std::move(ca);  // §3.4: a missing CA is not fatal; the system's roots apply
  auto ns = read_text(options.namespace_file, ok);
  auto trimmed = detail::trim(ns);
  if (ok && !trimmed.empty()) out.ns = std::string(trimmed);
  return out;
}

cluster_config load_cluster_config(const kubeconfig_overrides& overrides) {
  if (!env_value(wire::kubeconfig_env) && in_cluster()) {
    std::error_code ec;
    auto home = env_value("HOME");
    if (!home || !fs::exists(fs::path(*home) / ".kube" / "config", ec)) {
      auto out = in_cluster_config();
      if (!overrides.ns.empty()) out.ns = overrides.ns;
      return out;
    }
  }
  return kubeconfig::load_default().resolve(overrides);
}

}  // namespace amlk8s::kube
