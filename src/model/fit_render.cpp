// Fit analysis: the cluster table as text and as HTML.
#include <amlk8s/model/fit.hpp>

#include <algorithm>

namespace amlk8s::model {
namespace {

std::string cell_text(const node_fit& n) {
  if (n.status == fit_status::fits) return std::to_string(n.instances);
  std::string out;
  for (const auto& r : n.reasons) out += (out.empty() ? "" : ", ") + r;
  return out;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string free_text(const node_fit& n) {
  std::string out = "free:";
  for (const auto& [k, v] : n.free) out += " " + k + "=" + (k == "cpu" ? std::to_string(v) + "m" : std::to_string(v));
  return out;
}

}  // namespace

std::string fit_table::to_string() const {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header{"INSTANCE TYPE"};
  header.insert(header.end(), nodes.begin(), nodes.end());
  header.emplace_back("TOTAL");
  rows.push_back(std::move(header));
  for (const auto& t : types) {
    std::vector<std::string> row{t.instance_type};
    for (const auto& n : t.nodes) row.push_back(cell_text(n));
    row.push_back(std::to_string(t.total_instances()));
    rows.push_back(std::move(row));
  }
  std::vector<std::size_t> width;
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (width.size() <= i) width.push_back(0);
      width[i] = std::max(width[i], row[i].size());
    }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 3, ' ');
    }
    out += line + "\n";
  }
  for (const auto& t : types)
    if (!t.fits()) out += "\n" + t.instance_type + ": " + t.scheduler_message();
  if (std::any_of(types.begin(), types.end(), [](const type_fit& t) { return !t.fits(); })) out += "\n";
  return out;
}

std::string fit_table::to_html() const {
  std::string out = "<table class=\"amlk8s-fit\">\n<thead><tr><th>instance type</th>";
  for (const auto& n : nodes) out += "<th>" + html_escape(n) + "</th>";
  out += "<th>total</th></tr></thead>\n<tbody>\n";
  for (const auto& t : types) {
    out += "<tr><th>" + html_escape(t.instance_type) + "</th>";
    for (const auto& n : t.nodes) {
      const bool fits = n.status == fit_status::fits;
      out += "<td class=\"" + std::string(fits ? "fit" : "nofit") + "\" title=\"" + html_escape(free_text(n)) + "\"";
      out += fits ? " style=\"text-align:right\">" : " style=\"color:#a00\">";
      out += html_escape(cell_text(n)) + "</td>";
    }
    out += "<td style=\"text-align:right\"><b>" + std::to_string(t.total_instances()) + "</b></td></tr>\n";
  }
  out += "</tbody>\n</table>\n";
  bool any = false;
  for (const auto& t : types) {
    if (t.fits()) continue;
    if (!any) out += "<ul class=\"amlk8s-fit-messages\">\n";
    any = true;
    out += "<li><b>" + html_escape(t.instance_type) + "</b>: " + html_escape(t.scheduler_message()) + "</li>\n";
  }
  if (any) out += "</ul>\n";
  return out;
}

}  // namespace amlk8s::model
