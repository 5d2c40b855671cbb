// Every message type of the runtime's and the cache's protocol survives CAF's
// binary serializer (what crosses nodes): field by field, directly and inside
// a caf::message as registered with the actor system.
#include <catch2/catch.hpp>

#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/message.hpp>

#include "troupe/base/internal/caf_error.hpp"
#include "troupe/cache/internal/messages.hpp"
#include "troupe/runtime/internal/messages.hpp"

using namespace troupe;
using namespace troupe::detail;

namespace {

struct protocol_config : caf::actor_system_config {
  protocol_config() {
    add_error_category(error_category, [](std::uint8_t code, caf::atom_value,
                                          const caf::message& ctx) {
      return from_caf(caf::error{code, error_category, ctx}).to_string();
    });
    add_runtime_message_types(*this);
    cache::detail::add_cache_message_types(*this);
  }
};

shared_bytes bytes(std::string text) {
  return {std::make_shared<const std::string>(std::move(text))};
}

/// Serialises `x` and reads it back into a fresh value.
template <class T>
T round_trip(caf::actor_system& sys, T x) {
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  REQUIRE_FALSE(sink(x));
  REQUIRE_FALSE(buf.empty());
  T y;
  caf::binary_deserializer source{sys, buf};
  REQUIRE_FALSE(source(y));
  return y;
}

/// The same through a caf::message, which needs the type's registration.
template <class T>
T message_round_trip(caf::actor_system& sys, T x) {
  auto msg = caf::make_message(std::move(x));
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  REQUIRE_FALSE(sink(msg));
  caf::message back;
  caf::binary_deserializer source{sys, buf};
  REQUIRE_FALSE(source(back));
  REQUIRE(back.match_elements<T>());
  return back.get_as<T>(0);
}

task_item sample_item() {
  task_item x;
  x.index = 7;
  x.name = "pkg/mod.py";
  x.digest = std::string(32, 'a');
  x.bytes = 1234;
  x.content = bytes("import os\n");
  return x;
}

void check_item(const task_item& a, const task_item& b) {
  CHECK(a.index == b.index);
  CHECK(a.name == b.name);
  CHECK(a.digest == b.digest);
  CHECK(a.bytes == b.bytes);
  CHECK(a.content.view() == b.content.view());
}

task_request sample_request() {
  task_request x;
  x.run = 3;
  x.task = 41;
  x.attempt = 2;
  x.slot = 1;
  x.agents = {"size", "symbols"};
  x.items = {sample_item(), sample_item()};
  x.items[1].content = {};
  x.upstream = {{"imports", 7, bytes("rec")}, {"total", 0xffffffffu, bytes("")}};
  x.settings = "agents:\n  max_retries: 3\n";
  x.payload = bytes(std::string{"\0\1\2", 3});
  return x;
}

void check_request(const task_request& a, const task_request& b) {
  CHECK(a.run == b.run);
  CHECK(a.task == b.task);
  CHECK(a.attempt == b.attempt);
  CHECK(a.slot == b.slot);
  CHECK(a.agents == b.agents);
  REQUIRE(a.items.size() == b.items.size());
  for (std::size_t i = 0; i < a.items.size(); ++i)
    check_item(a.items[i], b.items[i]);
  REQUIRE(a.upstream.size() == b.upstream.size());
  for (std::size_t i = 0; i < a.upstream.size(); ++i) {
    CHECK(a.upstream[i].agent == b.upstream[i].agent);
    CHECK(a.upstream[i].item == b.upstream[i].item);
    CHECK(a.upstream[i].bytes.view() == b.upstream[i].bytes.view());
  }
  CHECK(a.settings == b.settings);
  CHECK(a.payload.view() == b.payload.view());
}

task_reply sample_reply() {
  task_reply x;
  x.task = 41;
  x.attempt = 2;
  x.slot = 1;
  x.started_ns = 1000;
  x.finished_ns = 5000;
  agent_report r;
  r.agent = "security";
  r.seconds = 0.25;
  r.items = 3;
  r.cache_hits = 1;
  r.failures.push_back({7, to_caf({errc::agent_failed, 0, "security on a.py: boom"})});
  x.agents = {r, agent_report{}};
  x.outputs = {{"size", 7, bytes("capnp bytes"), true}};
  file_report f;
  f.item = 7;
  f.bytes = 99;
  f.digest = std::string(32, 'f');
  f.state = 2;
  f.encoding = "latin-1";
  f.detail = "coding cookie";
  f.why_missed = {"agent_version", "input"};
  f.corrupt_record = true;
  f.cache_error = to_caf({errc::unreadable_input, 28, "cannot write: No space left"});
  f.stage_seconds = 0.5;
  f.parse_seconds = 0.125;
  x.files = {f};
  x.error = to_caf({errc::task_timeout, "took 61 s"});
  return x;
}

void check_reply(const task_reply& a, const task_reply& b) {
  CHECK(a.task == b.task);
  CHECK(a.attempt == b.attempt);
  CHECK(a.slot == b.slot);
  CHECK(a.started_ns == b.started_ns);
  CHECK(a.finished_ns == b.finished_ns);
  REQUIRE(a.agents.size() == b.agents.size());
  CHECK(a.agents[0].agent == b.agents[0].agent);
  CHECK(a.agents[0].seconds == b.agents[0].seconds);
  CHECK(a.agents[0].items == b.agents[0].items);
  CHECK(a.agents[0].cache_hits == b.agents[0].cache_hits);
  REQUIRE(b.agents[0].failures.size() == 1);
  CHECK(b.agents[0].failures[0].item == 7);
  CHECK(from_caf(b.agents[0].failures[0].error) == from_caf(a.agents[0].failures[0].error));
  REQUIRE(b.outputs.size() == 1);
  CHECK(b.outputs[0].agent == "size");
  CHECK(b.outputs[0].item == 7);
  CHECK(b.outputs[0].bytes.view() == "capnp bytes");
  CHECK(b.outputs[0].from_cache);
  REQUIRE(b.files.size() == 1);
  const auto& f = b.files[0];
  CHECK(f.item == 7);
  CHECK(f.bytes == 99);
  CHECK(f.digest == a.files[0].digest);
  CHECK(f.state == 2);
  CHECK(f.encoding == "latin-1");
  CHECK(f.detail == "coding cookie");
  CHECK(f.why_missed == a.files[0].why_missed);
  CHECK(f.corrupt_record);
  CHECK(from_caf(f.cache_error) == error{errc::unreadable_input, 28, "cannot write: No space left"});
  CHECK(f.stage_seconds == 0.5);
  CHECK(f.parse_seconds == 0.125);
  CHECK(f.decoded == nullptr); // local only: never serialised
  CHECK(from_caf(b.error) == error{errc::task_timeout, "took 61 s"});
}

} // namespace

TEST_CASE("every protocol message survives CAF's binary serializer", "[runtime][protocol]") {
  protocol_config cfg;
  caf::actor_system sys{cfg};

  SECTION("shared bytes, also empty and binary") {
    CHECK(round_trip(sys, bytes("abc")).view() == "abc");
    CHECK(round_trip(sys, shared_bytes{}).view().empty());
    std::string binary{"\0\xff\n\0", 4};
    CHECK(message_round_trip(sys, bytes(binary)).view() == binary);
  }
  SECTION("task items and requests") {
    check_item(sample_item(), round_trip(sys, sample_item()));
    check_request(sample_request(), round_trip(sys, sample_request()));
    check_request(sample_request(), message_round_trip(sys, sample_request()));
    auto batch = message_round_trip(sys, task_batch{sample_request(), sample_request()});
    REQUIRE(batch.size() == 2);
    check_request(sample_request(), batch[1]);
  }
  SECTION("replies, their reports, outputs and file reports") {
    check_reply(sample_reply(), round_trip(sys, sample_reply()));
    check_reply(sample_reply(), message_round_trip(sys, sample_reply()));
    auto batch = message_round_trip(sys, reply_batch{sample_reply()});
    REQUIRE(batch.size() == 1);
    check_reply(sample_reply(), batch[0]);
    auto r = message_round_trip(sys, sample_reply().agents[0]);
    CHECK(r.agent == "security");
    auto e = message_round_trip(sys, item_error{3, to_caf({errc::cancelled, "stop"})});
    CHECK(e.item == 3);
    CHECK(from_caf(e.error) == error{errc::cancelled, "stop"});
    auto o = message_round_trip(sys, output_record{"a", 1, bytes("x"), false});
    CHECK(o.bytes.view() == "x");
    auto u = message_round_trip(sys, upstream_record{"b", 2, bytes("y")});
    CHECK(u.bytes.view() == "y");
    auto f = message_round_trip(sys, sample_reply().files[0]);
    CHECK(f.encoding == "latin-1");
  }
  SECTION("cache keys and tier counters") {
    cache::cache_key key{cache::digest{0x0123456789abcdefull, 0xfedcba9876543210ull}};
    CHECK(round_trip(sys, key) == key);
    CHECK(message_round_trip(sys, key) == key);
    cache::detail::tier_counters c;
    c.hits = 1;
    c.misses = 2;
    c.corrupt = 3;
    c.writes = 4;
    c.write_errors = 5;
    c.evictions = 6;
    c.entries = 7;
    c.bytes = 8;
    auto d = message_round_trip(sys, c);
    CHECK(d.hits == 1);
    CHECK(d.misses == 2);
    CHECK(d.corrupt == 3);
    CHECK(d.writes == 4);
    CHECK(d.write_errors == 5);
    CHECK(d.evictions == 6);
    CHECK(d.entries == 7);
    CHECK(d.bytes == 8);
  }
  SECTION("troupe errors keep code, errno and message; CAF's map to a code") {
    error e{errc::peer_unreachable, 111, "node 127.0.0.1:4000: Connection refused"};
    CHECK(from_caf(round_trip(sys, to_caf(e))) == e);
    CHECK(from_caf(caf::make_error(caf::sec::request_timeout)).code() == errc::task_timeout);
    CHECK(from_caf(caf::make_error(caf::sec::cannot_connect_to_node)).code()
          == errc::peer_unreachable);
    CHECK_FALSE(from_caf(caf::error{}));
  }
}
