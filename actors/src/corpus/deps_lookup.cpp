// `deps_lookup`: the third-party modules the corpus imports, looked up in a
// package-index JSON API (`GET /pypi/NAME/json`) through the pooled HTTP
// client (keep-alive connections, bounded in flight, timeouts, retries).
#include <chrono>
#include <nlohmann/json.hpp>

#include "corpus/known_modules.hpp"
#include "troupe/actors/corpus/agents.hpp"
#include "troupe/net/http_client_pool.hpp"

namespace troupe::corpus {

bool parse_index_url(const std::string& url, std::string& host, std::uint16_t& port) {
  const std::string scheme = "http://";
  if (url.compare(0, scheme.size(), scheme) != 0)
    return false;
  auto rest = url.substr(scheme.size());
  if (!rest.empty() && rest.back() == '/')
    rest.pop_back();
  auto colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0 || rest.find('/') != std::string::npos)
    return false;
  host = rest.substr(0, colon);
  try {
    auto value = std::stoul(rest.substr(colon + 1));
    if (value == 0 || value > 65535)
      return false;
    port = static_cast<std::uint16_t>(value);
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

error run_deps_lookup(const corpus& c, corpus_results& results, const corpus_context& ctx) {
  (void) c;
  auto& out = results.deps;
  out = deps_result{};
  for (const auto& [name, files] : results.import_graph.external) {
    if (detail::is_stdlib_module(name) || name.empty() || name[0] == '_')
      continue;
    dependency d;
    d.import_name = name;
    d.project = detail::project_for_import(name);
    d.files = files;
    out.items.push_back(std::move(d));
  }
  if (ctx.index_url.empty()) {
    out.status = "skipped";
    out.reason = "no package index configured (--index URL or TROUPE_INDEX_URL)";
    return {};
  }
  std::string host;
  std::uint16_t port = 0;
  if (!parse_index_url(ctx.index_url, host, port)) {
    out.status = "failed";
    out.reason = "package index URL '" + ctx.index_url + "' is not of the form http://HOST:PORT";
    return {errc::invalid_config, out.reason};
  }
  auto opts = net::http_client_options::from(ctx.network, host, port);
  opts.max_retries = ctx.max_retries;
  opts.pooled = ctx.pooled_lookups;
  net::http_client_pool pool{opts};
  std::vector<std::string> paths;
  paths.reserve(out.items.size());
  for (const auto& d : out.items)
    paths.push_back("/pypi/" + d.project + "/json");
  auto started = std::chrono::steady_clock::now();
  auto answers = pool.fetch_all(paths);
  out.seconds =
    std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::size_t errors = 0;
  std::size_t unanswered = 0;
  std::string first_error;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    auto& d = out.items[i];
    const auto& a = answers[i];
    d.attempts = a.attempts;
    d.latency_ms = static_cast<double>(a.latency.count()) / 1000.0;
    if (a.found()) {
      try {
        auto info = nlohmann::json::parse(a.body).at("info");
        d.status = "found";
        d.version = info.value("version", "");
        d.summary = info.value("summary", "");
      } catch (const std::exception& e) {
        d.status = "error";
        d.error = std::string{"malformed index answer: "} + e.what();
      }
    } else if (a.ok() && a.status == 404) {
      d.status = "not_found";
    } else if (a.ok()) {
      d.status = "error";
      d.error = "HTTP status " + std::to_string(a.status);
    } else {
      d.status = "error";
      d.error = std::string{net::to_string(a.error)} + ": " + a.reason;
      ++unanswered;
    }
    if (d.status == "error" && errors++ == 0)
      first_error = d.project + ": " + d.error;
  }
  auto stats = pool.stats();
  out.connections_opened = stats.connections_opened;
  out.connections_reused = stats.connections_reused;
  if (errors > 0) {
    out.status = "failed";
    out.unreachable = unanswered == errors;
    out.reason = std::to_string(errors) + " of " + std::to_string(out.items.size())
                 + " lookups failed after retries against " + ctx.index_url + " (first: "
                 + first_error + ")";
    return {out.unreachable ? errc::peer_unreachable : errc::agent_failed, out.reason};
  }
  return {};
}

} // namespace troupe::corpus
