// troupe_fuzz_seeds SOURCE_DIR OUT_DIR: writes the seed corpus of every
// harness from the test fixtures (real records, bundles, packed entries and
// sources of tests/fixtures/python, the shipped profiles, HTTP answers of
// the kinds the package index gives), one file per seed, into
// OUT_DIR/<harness>/. The committed corpora were made with it; run it again
// after a record format changes.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "l2_record.hpp"
#include "troupe/actors/file/extract_references.hpp"
#include "troupe/actors/file/file_agent.hpp"
#include "troupe/actors/file/symbols_codec.hpp"
#include "troupe/actors/source/python_parser.hpp"
#include "troupe/actors/source/python_source.hpp"
#include "troupe/analysis/internal/report_entry.hpp"
#include "troupe/cache/digest.hpp"
#include "troupe/cache/record_bundle.hpp"

namespace fs = std::filesystem;
using namespace troupe;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in{p, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

void put(const fs::path& dir, const std::string& name, std::string_view bytes) {
  fs::create_directories(dir);
  std::ofstream{dir / name, std::ios::binary}.write(bytes.data(),
                                                    static_cast<std::streamsize>(bytes.size()));
}

std::string with_mode(char mode, std::string_view bytes) {
  std::string out(1, mode);
  out.append(bytes);
  return out;
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: troupe_fuzz_seeds SOURCE_DIR OUT_DIR\n");
    return 2;
  }
  fs::path src{argv[1]}, out{argv[2]};
  // Profiles: the shipped ones and a few that extend the harness's parents.
  for (auto& e : fs::directory_iterator{src / "config/profiles"})
    put(out / "profile_loader", e.path().filename().string(), slurp(e.path()));
  put(out / "profile_loader", "extends-top.yaml", "extends: top\nparallel:\n  workers: 3\n");
  put(out / "profile_loader", "extends-loop.yaml", "extends: loop-a\n");
  put(out / "profile_loader", "extends-notes.yaml", "extends: notes.txt\n");
  put(out / "profile_loader", "units.yaml",
      "cache:\n  l1_size: 64KiB\n  ttl: 250ms\nagents:\n  file_memory: 1GB\n  file_timeout: 2s\n");
  // Sources, records, bundles and entries from the Python fixtures.
  auto agents = actors::builtin_file_agents();
  actors::python_parser parser;
  int n = 0;
  for (auto& e : fs::directory_iterator{src / "tests/fixtures/python"}) {
    if (e.path().extension() != ".py")
      continue;
    auto name = e.path().stem().string();
    auto bytes = slurp(e.path());
    put(out / "python_source", name + ".py", bytes);
    auto source = actors::decode_python_source(bytes, 5u << 20);
    if (source.status != actors::source_status::ok)
      continue;
    auto tree = parser.parse(source.text);
    std::string symbols_record;
    auto view = actors::view_symbols(actors::extract_symbol_record(tree, source.text),
                                     symbols_record);
    put(out / "record_readers", name + "-symbols", with_mode(0, symbols_record));
    std::vector<std::shared_ptr<const std::string>> records;
    std::vector<cache::bundle_entry> entries;
    auto input = cache::content_digest(bytes);
    entries.push_back({cache::cache_key{cache::content_digest("symbols" + name)}, "symbols",
                       symbols_record});
    for (std::size_t i = 0; i < agents.size(); ++i) {
      records.push_back(std::make_shared<std::string>(agents[i]->analyse(tree, source.text)));
      put(out / "record_readers", name + "-" + agents[i]->descriptor().id,
          with_mode(static_cast<char>(i + 1), *records.back()));
    }
    for (std::size_t i = 0; i < agents.size(); ++i)
      entries.push_back({cache::cache_key{cache::content_digest(agents[i]->descriptor().id + name)},
                         agents[i]->descriptor().id, *records[i]});
    std::string entry;
    (void) detail::render_report_entry(view, records, agents, entry);
    put(out / "report_entry", name, detail::pack_report_entry(entry));
    // Small bundles only: the fuzzer mutates better on short inputs.
    if (bytes.size() < 4096) {
      auto bundle = cache::encode_bundle(entries);
      auto key = cache::bundle_key("group1", input);
      auto header = cache::detail::encode_l2_header(key, bundle);
      std::string file{reinterpret_cast<const char*>(header.data()), header.size()};
      file += bundle;
      put(out / "l2_record", name + "-file", with_mode(0, file));
      put(out / "l2_record", name + "-bundle", with_mode(1, bundle));
      put(out / "l2_record", name + "-wrapped", with_mode(2, bundle));
    }
    ++n;
  }
  // Python sources the fixtures lack: other code pages, CR line ends.
  put(out / "python_source", "cp1252.py", "# -*- coding: cp1252 -*-\ns = '\x80\x93'\n");
  put(out / "python_source", "koi8r.py", "# vim: set fileencoding=koi8-r :\ns = '\xc1\xc2'\n");
  put(out / "python_source", "cr.py", "x = 1\ry = 2\r\nz = 3\r");
  put(out / "python_source", "bad-cookie.py", "# coding: no-such-codec\nx = 1\n");
  // Packed entries the unpacker must refuse: inflated length, no split.
  put(out / "report_entry", "inflated", std::string("\xff\xff\xff\x0f", 4) + "\x10x");
  put(out / "report_entry", "one-object", detail::pack_report_entry("{\"functions\":[]}"));
  // HTTP answers.
  auto http = out / "http_response";
  put(http, "found", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 46\r\n"
                     "\r\n{\"info\": {\"version\": \"1.0\", \"summary\": \"x\"}}");
  put(http, "not-found", "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
  put(http, "server-error", "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy");
  put(http, "chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                       "4\r\n{\"in\r\n9\r\nfo\": {}}\r\n0\r\n\r\n");
  put(http, "too-large", "HTTP/1.1 200 OK\r\nContent-Length: 99999999\r\n\r\n{}");
  put(http, "short-body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}");
  put(http, "no-length", "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{\"info\":{}}");
  put(http, "garbage", "SSH-2.0-OpenSSH_9.2\r\n");
  std::printf("seeds written to %s from %d fixture files\n", out.c_str(), n);
  return 0;
}
