#include "internal/schema.hpp"

#include <algorithm>
#include <chrono>
#include <limits>

#include "troupe/config/units.hpp"

namespace troupe::config::internal {

namespace {

using u64 = std::uint64_t;

constexpr u64 kib = 1ull << 10;
constexpr u64 mib = 1ull << 20;
constexpr u64 gib = 1ull << 30;
constexpr u64 tib = 1ull << 40;
constexpr u64 ms = 1;
constexpr u64 sec = 1000 * ms;
constexpr u64 minute = 60 * sec;
constexpr u64 hour = 60 * minute;

// Conversions between a field's C++ type and the uniform u64 carrier.
u64 to_u64(u64 x) { return x; }
u64 to_u64(std::uint32_t x) { return x; }
u64 to_u64(bool x) { return x ? 1 : 0; }
u64 to_u64(std::chrono::milliseconds x) { return static_cast<u64>(x.count()); }
u64 to_u64(worker_type x) { return static_cast<u64>(x); }

template <class T>
T from_u64(u64 x) {
  if constexpr (std::is_same_v<T, std::chrono::milliseconds>)
    return std::chrono::milliseconds(static_cast<std::int64_t>(x));
  else if constexpr (std::is_same_v<T, bool>)
    return x != 0;
  else
    return static_cast<T>(x);
}

// Accessors generated from a pair of member pointers.
template <auto Section, auto Member>
u64 get(const settings& s) {
  return to_u64(s.*Section.*Member);
}

template <auto Section, auto Member>
void set(settings& s, u64 x) {
  auto& ref = s.*Section.*Member;
  ref = from_u64<std::decay_t<decltype(ref)>>(x);
}

template <auto Section, auto Member>
field make(std::string_view section, std::string_view key, value_kind kind,
           u64 min, u64 max, std::string_view choices = {}) {
  return field{section, key,     kind,
               min,     max,     choices,
               &get<Section, Member>, &set<Section, Member>};
}

using cs = cache_settings;
using ps = parallel_settings;
using as = agents_settings;
using ts = tuner_settings;
using ns = network_settings;
using an = analysis_settings;
using nd = nodes_settings;
constexpr auto cache = &settings::cache;
constexpr auto parallel = &settings::parallel;
constexpr auto agents = &settings::agents;
constexpr auto tuner = &settings::tuner;
constexpr auto network = &settings::network;
constexpr auto analysis = &settings::analysis;
constexpr auto nodes = &settings::nodes;
using k = value_kind;

} // namespace

const std::vector<field>& schema() {
  static const std::vector<field> table{
    make<cache, &cs::l1_size>("cache", "l1_size", k::size, mib, 256 * gib),
    make<cache, &cs::l2_size>("cache", "l2_size", k::size, mib, 64 * tib),
    make<cache, &cs::l3_enabled>("cache", "l3_enabled", k::flag, 0, 1),
    make<cache, &cs::ttl>("cache", "ttl", k::duration, sec, 720 * hour),
    make<parallel, &ps::workers>("parallel", "workers", k::count, 0, 1024),
    make<parallel, &ps::queue_size>("parallel", "queue_size", k::count, 1,
                                    4096),
    make<parallel, &ps::type>("parallel", "worker_type", k::choice, 0, 1,
                              "thread|process"),
    make<parallel, &ps::cpu_affinity>("parallel", "cpu_affinity", k::flag, 0,
                                      1),
    make<parallel, &ps::memory_limit>("parallel", "memory_limit", k::size, 0,
                                      64 * tib),
    make<agents, &as::parallel_execution>("agents", "parallel_execution",
                                          k::flag, 0, 1),
    make<agents, &as::max_concurrent>("agents", "max_concurrent", k::count, 0,
                                      1024),
    make<agents, &as::max_retries>("agents", "max_retries", k::count, 0, 100),
    make<agents, &as::task_timeout>("agents", "task_timeout", k::duration, ms,
                                    24 * hour),
    make<agents, &as::file_timeout>("agents", "file_timeout", k::duration, 10 * ms,
                                    24 * hour),
    make<agents, &as::file_memory>("agents", "file_memory", k::size, mib, 64 * tib),
    make<tuner, &ts::enabled>("tuner", "enabled", k::flag, 0, 1),
    make<tuner, &ts::interval>("tuner", "interval", k::duration, 100 * ms,
                               hour),
    make<tuner, &ts::cooldown>("tuner", "cooldown", k::duration, 0,
                               24 * hour),
    make<network, &ns::pool_size>("network", "pool_size", k::count, 1, 1024),
    make<network, &ns::max_in_flight>("network", "max_in_flight", k::count, 1,
                                      4096),
    make<network, &ns::timeout>("network", "timeout", k::duration, ms, hour),
    make<analysis, &an::default_excludes>("analysis", "default_excludes", k::flag, 0, 1),
    make<analysis, &an::gitignore>("analysis", "gitignore", k::flag, 0, 1),
    make<analysis, &an::init_reexports>("analysis", "init_reexports", k::flag, 0, 1),
    make<nodes, &nd::heartbeat_interval>("nodes", "heartbeat_interval", k::duration, 10 * ms,
                                         minute),
    make<nodes, &nd::connection_timeout>("nodes", "connection_timeout", k::duration, 40 * ms,
                                         hour),
    make<nodes, &nd::lend_workers>("nodes", "lend_workers", k::flag, 0, 1),
  };
  return table;
}

std::string field::path() const {
  std::string result{section};
  result += '.';
  result += key;
  return result;
}

const std::vector<list_field>& list_schema() {
  static const std::vector<list_field> table{
    {"analysis", "exclude", {},
     [](const settings& s) -> const std::vector<std::string>* { return &s.analysis.exclude; },
     [](settings& s, std::vector<std::string> v) { s.analysis.exclude = std::move(v); }},
    {"analysis", "generate", "tests|docs",
     [](const settings& s) -> const std::vector<std::string>* {
       return s.analysis.generate ? &*s.analysis.generate : nullptr;
     },
     [](settings& s, std::vector<std::string> v) { s.analysis.generate = std::move(v); }},
    {"nodes", "join", {},
     [](const settings& s) -> const std::vector<std::string>* { return &s.nodes.join; },
     [](settings& s, std::vector<std::string> v) { s.nodes.join = std::move(v); }},
  };
  return table;
}

std::string list_field::path() const {
  return std::string{section} + "." + std::string{key};
}

const list_field* find_list_field(std::string_view section, std::string_view key) {
  for (const auto& f : list_schema())
    if (f.section == section && f.key == key)
      return &f;
  return nullptr;
}

std::string render_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += i ? ", \"" : "\"";
    for (char c : items[i]) {
      if (c == '"' || c == '\\')
        out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "]";
}

const std::vector<std::string_view>& sections() {
  static const std::vector<std::string_view> names{"cache", "parallel",
                                                   "agents", "tuner",
                                                   "network", "analysis",
                                                   "nodes"};
  return names;
}

const std::vector<std::string_view>& top_level_keys() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> result{"extends", "description"};
    result.insert(result.end(), sections().begin(), sections().end());
    return result;
  }();
  return names;
}

std::vector<std::string_view> keys_of(std::string_view section) {
  std::vector<std::string_view> result;
  for (const auto& f : schema())
    if (f.section == section)
      result.push_back(f.key);
  for (const auto& f : list_schema())
    if (f.section == section)
      result.push_back(f.key);
  return result;
}

const field* find_field(std::string_view section, std::string_view key) {
  auto& table = schema();
  auto i = std::find_if(table.begin(), table.end(), [&](const field& f) {
    return f.section == section && f.key == key;
  });
  return i == table.end() ? nullptr : &*i;
}

std::vector<std::string_view> choice_words(const field& f) {
  std::vector<std::string_view> words;
  std::string_view rest = f.choices;
  while (!rest.empty()) {
    auto bar = rest.find('|');
    words.push_back(rest.substr(0, bar));
    rest = bar == std::string_view::npos ? std::string_view{}
                                         : rest.substr(bar + 1);
  }
  return words;
}

std::string render_value(const field& f, std::uint64_t value) {
  switch (f.kind) {
    case value_kind::size:
      return render_size(value);
    case value_kind::duration:
      return render_duration(
        std::chrono::milliseconds(static_cast<std::int64_t>(value)));
    case value_kind::flag:
      return value != 0 ? "true" : "false";
    case value_kind::choice: {
      auto words = choice_words(f);
      return value < words.size() ? std::string{words[value]} : "?";
    }
    case value_kind::count:
      break;
  }
  return std::to_string(value);
}

std::string expectation(const field& f) {
  switch (f.kind) {
    case value_kind::size:
      return "a size such as 512MiB, 500MB or a byte count";
    case value_kind::duration:
      return "a duration such as 250ms, 2s, 5m or 1h";
    case value_kind::flag:
      return "a boolean (true or false)";
    case value_kind::count:
      return "a whole number";
    case value_kind::choice: {
      std::string text = "one of ";
      auto words = choice_words(f);
      for (size_t i = 0; i < words.size(); ++i) {
        text += i == 0 ? "" : (i + 1 == words.size() ? " or " : ", ");
        text += words[i];
      }
      return text;
    }
  }
  return "a value";
}

std::string range_text(const field& f) {
  if (f.kind == value_kind::flag || f.kind == value_kind::choice)
    return {};
  return "between " + render_value(f, f.min) + " and "
         + render_value(f, f.max);
}

} // namespace troupe::config::internal
