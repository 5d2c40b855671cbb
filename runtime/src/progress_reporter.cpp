#include "troupe/runtime/progress_reporter.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <sys/ioctl.h>
#include <unistd.h>

namespace troupe {

namespace {

std::string format(const char* fmt, double a) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, a);
  return buf;
}

std::string duration_text(double s) {
  auto total = static_cast<long>(s + 0.5);
  char buf[32];
  if (total < 60)
    std::snprintf(buf, sizeof buf, "%lds", total);
  else if (total < 3600)
    std::snprintf(buf, sizeof buf, "%ld:%02ld", total / 60, total % 60);
  else
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", total / 3600, total / 60 % 60, total % 60);
  return buf;
}

progress_mode resolve(progress_mode mode, int fd) {
  if (mode != progress_mode::automatic)
    return mode;
  const char* term = std::getenv("TERM");
  bool dumb = term != nullptr && std::strcmp(term, "dumb") == 0;
  return isatty(fd) && !dumb ? progress_mode::live : progress_mode::lines;
}

} // namespace

progress_reporter::progress_reporter(progress_options options)
  : options_(options), mode_(resolve(options.mode, options.fd)) {
}

progress_reporter::~progress_reporter() {
  finish();
}

void progress_reporter::start(const task_graph& graph) {
  weights_.clear();
  weights_.reserve(graph.size());
  files_total_ = 0;
  bytes_total_ = 0;
  for (const auto& t : graph.tasks()) {
    weights_.push_back({t.files, t.bytes});
    files_total_ += t.files;
    bytes_total_ += t.bytes;
  }
  tasks_total_ = graph.size();
  tasks_done_ = 0;
  files_done_ = 0;
  bytes_done_ = 0;
  started_ = std::chrono::steady_clock::now();
  if (mode_ == progress_mode::off || running_)
    return;
  stop_ = false;
  running_ = true;
  thread_ = std::thread{[this] { draw_loop(); }};
}

void progress_reporter::task_finished(std::size_t task, const task_outcome&) noexcept {
  if (task < weights_.size()) {
    files_done_.fetch_add(weights_[task].files, std::memory_order_relaxed);
    bytes_done_.fetch_add(weights_[task].bytes, std::memory_order_relaxed);
  }
  tasks_done_.fetch_add(1, std::memory_order_relaxed);
}

void progress_reporter::finish() {
  if (!running_)
    return;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
  running_ = false;
  if (mode_ == progress_mode::live)
    write_out("\r\033[2K"); // the caller's summary takes the bar's place
  else
    write_out(render(snapshot(), false, std::string::npos) + '\n');
}

progress_snapshot progress_reporter::snapshot() const noexcept {
  progress_snapshot s;
  s.tasks_done = tasks_done_.load(std::memory_order_relaxed);
  s.tasks_total = tasks_total_;
  s.files_done = files_done_.load(std::memory_order_relaxed);
  s.files_total = files_total_;
  s.bytes_done = bytes_done_.load(std::memory_order_relaxed);
  s.bytes_total = bytes_total_;
  s.cache_hits = cache_hits_.load(std::memory_order_relaxed);
  s.cache_misses = cache_misses_.load(std::memory_order_relaxed);
  s.elapsed_s =
    std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  return s;
}

std::string progress_reporter::render(const progress_snapshot& s, bool live,
                                      std::size_t columns) {
  // Share of the work done: by bytes when tasks declare them, which tracks
  // cost better than counts; else by files; else by tasks.
  double done = 0;
  if (s.bytes_total > 0)
    done = static_cast<double>(s.bytes_done) / static_cast<double>(s.bytes_total);
  else if (s.files_total > 0)
    done = static_cast<double>(s.files_done) / static_cast<double>(s.files_total);
  else if (s.tasks_total > 0)
    done = static_cast<double>(s.tasks_done) / static_cast<double>(s.tasks_total);
  done = std::clamp(done, 0.0, 1.0);
  // Fields in display order, each with a rank: when the line is wider than
  // the terminal, the lowest-ranked fields go first, so nothing wraps.
  struct field {
    std::string text;
    int keep;
  };
  std::vector<field> fields;
  if (live) {
    constexpr int width = 16;
    auto filled = static_cast<int>(done * width);
    fields.push_back({"[" + std::string(filled, '#') + std::string(width - filled, '.') + "]", 2});
  } else {
    fields.push_back({"troupe: progress", 9});
  }
  fields.push_back({format("%3.0f%%", done * 100), 9});
  auto of = [](auto n, auto total, const char* what) {
    return std::to_string(n) + "/" + std::to_string(total) + " " + what;
  };
  if (s.files_total > 0)
    fields.push_back({of(s.files_done, s.files_total, "files"), 8});
  fields.push_back({of(s.tasks_done, s.tasks_total, "tasks"), 6});
  if (s.elapsed_s > 0) {
    if (s.files_total > 0)
      fields.push_back({format("%.0f files/s", s.files_done / s.elapsed_s), 4});
    else
      fields.push_back({format("%.0f tasks/s", s.tasks_done / s.elapsed_s), 4});
    if (s.bytes_total > 0)
      fields.push_back({format("%.1f MiB/s", s.bytes_done / s.elapsed_s / (1 << 20)), 1});
  }
  if (done >= 1)
    fields.push_back({"ETA 0s", 7});
  else if (done > 0 && s.elapsed_s > 0)
    fields.push_back({"ETA " + duration_text(s.elapsed_s * (1 - done) / done), 7});
  else
    fields.push_back({"ETA --", 7});
  auto lookups = s.cache_hits + s.cache_misses;
  fields.push_back({lookups ? format("cache %.0f%% hits", 100.0 * s.cache_hits / lookups)
                            : std::string{"cache -"},
                    5});
  if (!live)
    fields.push_back({format("%.1f s elapsed", s.elapsed_s), 3});
  std::string sep = live ? "  " : ", ";
  auto join = [&] {
    std::string out;
    for (const auto& f : fields)
      out += (out.empty() ? "" : (&f == &fields[1] ? " " : sep.c_str())) + f.text;
    return out;
  };
  auto out = join();
  while (out.size() > columns && fields.size() > 2) {
    auto lowest = std::min_element(fields.begin() + 2, fields.end(),
                                   [](const field& a, const field& b) { return a.keep < b.keep; });
    fields.erase(lowest);
    out = join();
  }
  if (out.size() > columns)
    out.resize(columns);
  return out;
}

void progress_reporter::draw_loop() {
  bool live = mode_ == progress_mode::live;
  auto period = live ? options_.live_interval : options_.line_interval;
  std::unique_lock<std::mutex> lock{mutex_};
  while (!wake_.wait_for(lock, period, [this] { return stop_; })) {
    auto line = render(snapshot(), live, live ? columns() - 1 : std::string::npos);
    write_out(live ? "\r" + line + "\033[K" : line + '\n');
  }
}

void progress_reporter::write_out(const std::string& text) const noexcept {
  // One write per line: lines from loggers writing to the same stream may
  // land between two redraws, never inside one.
  auto* p = text.data();
  auto left = text.size();
  while (left > 0) {
    auto n = ::write(options_.fd, p, left);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

std::size_t progress_reporter::columns() const noexcept {
  winsize ws{};
  if (ioctl(options_.fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10)
    return ws.ws_col;
  return 80;
}

} // namespace troupe
