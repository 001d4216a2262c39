// loadgen: the load generator of the benchmarks (bench/run drives it; see docs/benchmarks.md).
//
// Opens N authenticated WebSocket connections to a server speaking the Mediation Network protocol
// (or one of the peers: the Node.js server in bench/peer, the Beast baseline in bench/baseline),
// subscribes them to rooms (case threads), posts at a fixed offered rate (open loop: posts are sent
// on schedule whatever the replies do), and records post->ack latency per sender and
// post->delivery latency per recipient. Every subscriber's seq stream is checked for gaps and
// duplicates. Prints one JSON object per measured step on stdout, then one final check. One thread;
// after Beast's handshake it reads and writes WebSocket frames itself (see conn), so that reading
// the deliveries costs it less than sending them costs the server.
//
// What a step counts (nothing is inferred from a rate alone):
//   offered      requests scheduled in the step; sent: those written (a closed connection sends nothing)
//   acked        ok replies; refused: error replies rate_limited (split into "busy", a full queue,
//                and the per-connection or per-user limits) and any other error code
//   unanswered   sent, but neither ok nor error within the step and its drain
//   delivered    events received that belong to the step's requests; expected: requests x the
//                receivers of the sender's room (its reading members, less the sender when the
//                server does not echo to it: probed once at set-up, see probe_self_delivery)
//   CPU          seconds of the server, this process, MariaDB (--db-pid) and the whole machine
//                (/proc/stat), and each core's busy share, over the step and its drain; and how long
//                the threads of the server, this process and MariaDB waited for a core (schedstat)
//   writer       from the server's /metrics before and after: batches, jobs, commit histogram;
//                and the frames per WebSocket write (frames out / writes)
// Connections are spread over the users given (--users or --user-prefix/--user-count), so that
// per-user limits apply to a realistic share of the load rather than all of it.
//
// Scenarios:
//   idle       N connections authenticate, subscribe and stay idle; reports the server's RSS.
//   rooms      rooms of --room-size members; stepped offered rates (--rates).
//   slow       like rooms, but --slow-percent of the clients stop reading.
//   reconnect  like rooms for one step, then every client drops and resubscribes with since.
//   typing     ephemeral fan-out (typing) at stepped rates: the raw fan-out path, no storage.
// Bounded: every step lasts --seconds (plus a warm-up and a drain of at most --drain seconds each),
// every wait has a deadline, and the process exits by itself.

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using json = nlohmann::json;
using clock_type = std::chrono::steady_clock;

namespace {

long long now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now().time_since_epoch()).count();
}

double round_to(double v, int decimals) {
  double f = std::pow(10.0, decimals);
  return std::round(v * f) / f;
}

// ---- options ------------------------------------------------------------------------------------

struct options {
  std::string host = "127.0.0.1";
  unsigned short port = 0;
  std::string scenario = "rooms";
  std::vector<std::string> users{"officer.li"};  // accounts to sign in as; connection i uses users[i % n]
  std::string password = "mediate";
  int clients = 100;
  int room_size = 10;
  int senders_per_room = 0;  // 0: every member posts
  std::vector<double> rates{1000};
  double seconds = 5;
  double warmup = 1;
  double drain = 5;          // longest wait for the replies and deliveries of a step (and of its warm-up)
  int body_bytes = 100;
  double slow_percent = 0;
  int server_pid = 0;        // for RSS and CPU readings
  std::string on_step;       // a shell command started (in the background) as each measured step
                             // begins, "{pid}" replaced by --server-pid (bench/run: a profiler)
  int db_pid = 0;            // MariaDB's mariadbd, for its CPU
  bool metrics = true;       // read the server's /metrics around each step (not the peers)
  std::string label;
  bool peer = false;         // a peer: no login, rooms are created by name
  bool stop_when_saturated = false;  // end the steps after two in a row that did not keep up
};

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

options parse(int argc, char** argv) {
  options o;
  std::string user_prefix;
  int user_count = 0;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
      return argv[++i];
    };
    if (a == "--port") o.port = static_cast<unsigned short>(std::stoi(next()));
    else if (a == "--host") o.host = next();
    else if (a == "--scenario") o.scenario = next();
    else if (a == "--users") o.users = split(next());
    else if (a == "--user-prefix") user_prefix = next();
    else if (a == "--user-count") user_count = std::stoi(next());
    else if (a == "--password") o.password = next();
    else if (a == "--clients") o.clients = std::stoi(next());
    else if (a == "--room-size") o.room_size = std::stoi(next());
    else if (a == "--senders-per-room") o.senders_per_room = std::stoi(next());
    else if (a == "--rates") {
      o.rates.clear();
      for (auto& r : split(next())) o.rates.push_back(std::stod(r));
    }
    else if (a == "--seconds") o.seconds = std::stod(next());
    else if (a == "--warmup") o.warmup = std::stod(next());
    else if (a == "--drain") o.drain = std::stod(next());
    else if (a == "--body") o.body_bytes = std::stoi(next());
    else if (a == "--slow-percent") o.slow_percent = std::stod(next());
    else if (a == "--server-pid") o.server_pid = std::stoi(next());
    else if (a == "--db-pid") o.db_pid = std::stoi(next());
    else if (a == "--no-metrics") o.metrics = false;
    else if (a == "--label") o.label = next();
    else if (a == "--peer") o.peer = true;
    else if (a == "--stop-when-saturated") o.stop_when_saturated = true;
    else if (a == "--on-step") o.on_step = next();
    else throw std::runtime_error("unknown option " + a);
  }
  if (!o.port) throw std::runtime_error("--port is required");
  if (o.clients < 1 || o.room_size < 1) throw std::runtime_error("--clients and --room-size must be positive");
  if (user_count > 0) {
    o.users.clear();
    for (int i = 1; i <= user_count; ++i) o.users.push_back(user_prefix + std::to_string(i));
  }
  if (o.users.empty()) throw std::runtime_error("no users to sign in as");
  if (o.peer) o.metrics = false;
  return o;
}

// ---- /proc readings -------------------------------------------------------------------------------

long long rss_kib(int pid) {
  if (!pid) return 0;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  return 0;
}

// CPU seconds (user + system) used so far by `pid`, its threads included; 0 without a pid.
double cpu_seconds(int pid) {
  if (!pid) return 0;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream ss(text.substr(close + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && ss >> field; ++i) {
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Seconds the threads of `pid` have spent runnable but waiting for a core (the run-queue wait of
// /proc/PID/task/*/schedstat, second field, in nanoseconds), summed; threads that ended meanwhile
// are not counted. 0 without a pid or where the kernel keeps no such figure.
double runqueue_wait_seconds(int pid) {
  if (!pid) return 0;
  double total = 0;
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::ifstream in(task.path() / "schedstat");
    long long on_cpu = 0, waiting = 0;
    if (in >> on_cpu >> waiting) total += static_cast<double>(waiting) / 1e9;
  }
  return total;
}

// The machine's busy and total jiffies from /proc/stat: [0] all cores, [1 + i] core i. Busy is
// everything but idle and iowait (steal included: the hypervisor kept the core from us); irq is the
// time sampled in hard and soft interrupts (without CONFIG_IRQ_TIME_ACCOUNTING it is also charged to
// the process that was running, so it overlaps the processes' figures).
struct machine_jiffies {
  std::vector<long long> busy, total, irq;
};

machine_jiffies read_machine() {
  machine_jiffies m;
  std::ifstream in("/proc/stat");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("cpu", 0) != 0) break;
    std::istringstream ss(line);
    std::string name;
    ss >> name;
    long long v, total = 0, idle = 0, irq = 0;
    for (int i = 0; i < 8 && ss >> v; ++i) {  // user nice system idle iowait irq softirq steal
      total += v;
      if (i == 3 || i == 4) idle += v;
      if (i == 5 || i == 6) irq += v;
    }
    m.busy.push_back(total - idle);
    m.total.push_back(total);
    m.irq.push_back(irq);
  }
  return m;
}

// ---- the server's /metrics ------------------------------------------------------------------------

struct server_metrics {
  bool ok = false;
  double batches = 0, jobs = 0, commits = 0, commit_sum = 0, slow_consumer_closes = 0;
  double frames_out = 0, ws_writes = 0;
  std::vector<std::pair<double, double>> buckets;  // (upper bound in seconds, cumulative count)
};

std::string http_get(const options& o, const std::string& target) {
  asio::io_context ioc;
  tcp::socket sock(ioc);
  sock.connect({asio::ip::make_address(o.host), o.port});
  http::request<http::empty_body> req(http::verb::get, target, 11);
  req.set(http::field::host, o.host);
  http::write(sock, req);
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(sock, buf, res);
  if (res.result_int() != 200) throw std::runtime_error(target + " answered " + std::to_string(res.result_int()));
  return res.body();
}

server_metrics read_metrics(const options& o) {
  server_metrics m;
  if (!o.metrics) return m;
  std::string text;
  try {
    text = http_get(o, "/metrics");
  } catch (const std::exception&) {
    return m;
  }
  std::istringstream in(text);
  std::string line;
  auto value = [](const std::string& l) { return std::stod(l.substr(l.rfind(' ') + 1)); };
  const std::string bucket = "mediation_commit_seconds_bucket{le=\"";
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (line.rfind("mediation_write_batches_total ", 0) == 0) m.batches = value(line);
    else if (line.rfind("mediation_write_jobs_total ", 0) == 0) m.jobs = value(line);
    else if (line.rfind("mediation_commit_seconds_count ", 0) == 0) m.commits = value(line);
    else if (line.rfind("mediation_commit_seconds_sum ", 0) == 0) m.commit_sum = value(line);
    else if (line.rfind("mediation_slow_consumer_disconnects_total ", 0) == 0) m.slow_consumer_closes = value(line);
    else if (line.rfind("mediation_frames_out_total ", 0) == 0) m.frames_out = value(line);
    else if (line.rfind("mediation_ws_writes_total ", 0) == 0) m.ws_writes = value(line);
    else if (line.rfind(bucket, 0) == 0) {
      std::string le = line.substr(bucket.size(), line.find('"', bucket.size()) - bucket.size());
      m.buckets.emplace_back(le == "+Inf" ? std::numeric_limits<double>::infinity() : std::stod(le), value(line));
    }
  }
  m.ok = true;
  return m;
}

// The q-quantile of a histogram's bucket deltas in milliseconds, interpolated linearly inside the
// bucket as Prometheus' histogram_quantile does; past the last finite bound, that bound. -1: no data.
double bucket_quantile_ms(const std::vector<std::pair<double, double>>& cumulative, double q) {
  if (cumulative.empty() || cumulative.back().second <= 0) return -1;
  double rank = q * cumulative.back().second, prev_le = 0, prev_count = 0;
  for (const auto& [le, count] : cumulative) {
    if (count >= rank) {
      if (std::isinf(le)) return prev_le * 1000;
      double inside = count > prev_count ? (rank - prev_count) / (count - prev_count) : 1;
      return (prev_le + (le - prev_le) * inside) * 1000;
    }
    prev_le = le;
    prev_count = count;
  }
  return prev_le * 1000;
}

json writer_delta(const server_metrics& a, const server_metrics& b) {
  json j;
  if (!a.ok || !b.ok || a.buckets.size() != b.buckets.size()) return j;
  double batches = b.batches - a.batches, jobs = b.jobs - a.jobs, commits = b.commits - a.commits;
  std::vector<std::pair<double, double>> d;
  for (std::size_t i = 0; i < a.buckets.size(); ++i) d.emplace_back(b.buckets[i].first, b.buckets[i].second - a.buckets[i].second);
  j["batches"] = batches;
  j["jobs"] = jobs;
  j["mean_batch"] = batches > 0 ? round_to(jobs / batches, 1) : 0.0;
  j["commits"] = commits;
  if (commits > 0) {
    j["commit_mean_ms"] = round_to((b.commit_sum - a.commit_sum) / commits * 1000, 2);
    j["commit_p50_ms"] = round_to(bucket_quantile_ms(d, 0.5), 2);
    j["commit_p99_ms"] = round_to(bucket_quantile_ms(d, 0.99), 2);
  }
  j["slow_consumer_disconnects"] = b.slow_consumer_closes - a.slow_consumer_closes;
  return j;
}

// ---- frame scanning (no full JSON parse on the hot path) ----------------------------------------

// The integer after `key` in `s` (quotes and spaces skipped), or -1.
long long int_field(std::string_view s, std::string_view key) {
  auto p = s.find(key);
  if (p == std::string_view::npos) return -1;
  p += key.size();
  while (p < s.size() && (s[p] == '"' || s[p] == ' ')) ++p;
  long long v = 0;
  bool any = false;
  while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
    v = v * 10 + (s[p++] - '0');
    any = true;
  }
  return any ? v : -1;
}

std::string_view string_field(std::string_view s, std::string_view key) {
  auto p = s.find(key);
  if (p == std::string_view::npos) return {};
  p += key.size();
  auto e = s.find('"', p);
  return e == std::string_view::npos ? std::string_view{} : s.substr(p, e - p);
}

// ---- statistics ----------------------------------------------------------------------------------

struct samples {
  std::vector<float> us;
  void add(long long ns) { us.push_back(static_cast<float>(ns / 1000.0)); }
  json summary() {
    json j;
    j["count"] = us.size();
    if (us.empty()) return j;
    std::sort(us.begin(), us.end());
    auto pct = [&](double p) {
      std::size_t i = static_cast<std::size_t>(std::ceil(p / 100.0 * us.size())) - 1;
      return std::round(us[std::min(i, us.size() - 1)] / 10.0) / 100.0;  // ms, 2 decimals
    };
    j["p50_ms"] = pct(50);
    j["p90_ms"] = pct(90);
    j["p99_ms"] = pct(99);
    j["p999_ms"] = pct(99.9);
    j["max_ms"] = std::round(us.back() / 10.0) / 100.0;
    return j;
  }
};

// What one phase (a warm-up or a measured step) sent and got back.
struct tally {
  long long offered = 0, sent = 0, unsent = 0, acked = 0;
  long long refused_busy = 0, refused_rate_limited = 0, errors_other = 0;
  long long delivered = 0, expected = 0;
  long long last_activity_ns = 0;
  std::map<std::string, long long> error_codes;
  samples ack, delivery;
  long long answered() const { return acked + refused_busy + refused_rate_limited + errors_other; }
};

// ---- one connection -------------------------------------------------------------------------------

struct runner;

// After the WebSocket handshake (Beast's) a connection reads and writes frames itself: one
// readiness wait per connection, then non-blocking reads of whatever the kernel holds into one buffer
// shared by every connection (the load generator has one thread), and frames cut out of it in place.
// A message-at-a-time reader costs this process about as much per delivered frame as the server
// spends, so with it the load generator's core, not the server's, would end every fan-out step.
struct conn : std::enable_shared_from_this<conn> {
  conn(asio::io_context& ioc, runner& r, int index) : ws(ioc), r(r), index(index) {}

  websocket::stream<tcp::socket> ws;  // the handshake only; then sock()
  runner& r;
  int index;
  int room = 0;
  std::string thread;          // the room (case thread) this client is in
  bool sender = false;
  bool reading = true;         // false: a slow client that stopped reading
  bool open = false;
  bool closed = false;
  int close_code = 0;
  long long last_seq = 0;      // newest seq received in `thread`
  long long events_received = 0, typing_received = 0;
  long long rid_counter = 0;
  std::string partial;         // bytes of a frame not yet whole
  std::string fragments;       // a fragmented message so far
  bool in_message = false;     // between a fragmented message's first frame and its last
  std::deque<std::string> outq;  // whole frames, masked
  bool writing = false;
  std::map<std::string, std::function<void(const json&)>> waiting;  // rid -> handler (set-up only)

  tcp::socket& sock() { return ws.next_layer(); }
  void send(std::string_view text) { send_frame(1, text); }
  void send_frame(int op, std::string_view payload);
  void do_write() {
    writing = true;
    auto self = shared_from_this();
    asio::async_write(sock(), asio::buffer(outq.front()), [self](beast::error_code ec, std::size_t) {
      self->writing = false;
      self->outq.pop_front();
      if (ec) return;
      if (!self->outq.empty()) self->do_write();
    });
  }
  void request(json frame, std::function<void(const json&)> then) {
    std::string rid = "s" + std::to_string(index) + "." + std::to_string(++rid_counter);
    frame["rid"] = rid;
    waiting[rid] = std::move(then);
    send(frame.dump());
  }
  void start_read();
  void on_readable();
  // Cuts the whole frames out of `data`; returns the bytes used. False in `ok`: the connection ended.
  std::size_t on_bytes(const char* data, std::size_t size, bool& ok);
  void end(int code);
  void on_frame(std::string_view text);
};

struct pending {
  long long sent_ns;
  int phase;
};

struct runner {
  asio::io_context ioc{1};
  options opt;
  std::vector<std::string> tokens;
  std::vector<std::shared_ptr<conn>> conns;
  std::vector<std::string> rooms;
  std::vector<long long> room_max_acked;  // the highest seq acknowledged per room

  // The phase being counted: its number, its tally and when it started. Replies are counted in the
  // phase of their request; post deliveries in the phase their send time falls in; typing
  // deliveries (they carry no send time) in the current phase.
  int phase = 0;
  tally* current = nullptr;
  long long phase_start_ns = 0;
  long long gaps = 0, duplicates = 0;
  std::unordered_map<std::string, pending> in_flight;  // rid -> send time and phase
  long long request_counter = 0;
  bool self_delivery = true;  // does the sender get its own event (probed)
  std::string padding;

  // Runs the io_context until `done()` or `timeout` seconds pass. Returns done().
  template <class Pred>
  bool run_until(Pred done, double timeout) {
    auto deadline = clock_type::now() + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(timeout));
    while (!done() && clock_type::now() < deadline) {
      ioc.restart();
      ioc.run_for(std::chrono::milliseconds(20));
    }
    return done();
  }
};

// A client frame: FIN, the opcode, the payload length and a masking key, then the masked payload.
void conn::send_frame(int op, std::string_view payload) {
  std::string f;
  f.reserve(payload.size() + 14);
  f.push_back(static_cast<char>(0x80 | op));
  const std::size_t n = payload.size();
  if (n < 126) {
    f.push_back(static_cast<char>(0x80 | n));
  } else if (n < 65536) {
    f.push_back(static_cast<char>(0x80 | 126));
    for (int shift = 8; shift >= 0; shift -= 8) f.push_back(static_cast<char>((n >> shift) & 0xff));
  } else {
    f.push_back(static_cast<char>(0x80 | 127));
    for (int shift = 56; shift >= 0; shift -= 8) f.push_back(static_cast<char>((n >> shift) & 0xff));
  }
  // A masking key per frame (RFC 6455 section 5.3); this process needs no unpredictability.
  static std::uint32_t state = 0x9e3779b9u;
  state ^= state << 13, state ^= state >> 17, state ^= state << 5;
  char key[4];
  std::memcpy(key, &state, 4);
  f.append(key, 4);
  for (std::size_t i = 0; i < n; ++i) f.push_back(static_cast<char>(payload[i] ^ key[i & 3]));
  outq.push_back(std::move(f));
  if (!writing) do_write();
}

void conn::start_read() {
  auto self = shared_from_this();
  sock().async_wait(tcp::socket::wait_read, [self](beast::error_code ec) {
    if (ec) return self->end(1006);
    self->on_readable();
  });
}

void conn::end(int code) {
  if (closed) return;
  open = false;
  closed = true;
  close_code = code;
  beast::error_code ec;
  sock().close(ec);
}

std::size_t conn::on_bytes(const char* data, std::size_t size, bool& ok) {
  std::size_t at = 0;
  while (size - at >= 2) {
    const auto* h = reinterpret_cast<const unsigned char*>(data + at);
    const bool fin = h[0] & 0x80;
    const int op = h[0] & 0x0f;
    // What RFC 6455 forbids a server to send ends the connection (counted as closed, never read on):
    // a masked frame, reserved bits (no extension was agreed), an unknown opcode, a control frame
    // fragmented or over 125 bytes, a continuation with no message begun, a new message inside one.
    const bool control = op >= 8;
    const bool known = op <= 2 || (op >= 8 && op <= 10);
    if ((h[1] & 0x80) || (h[0] & 0x70) || !known || (control && (!fin || (h[1] & 0x7f) > 125)) ||
        (op == 0 && !in_message) || ((op == 1 || op == 2) && in_message)) {
      ok = false;
      end(1002);
      return at;
    }
    std::size_t head = 2;
    std::uint64_t len = h[1] & 0x7f;
    if (len >= 126) {
      const std::size_t extra = len == 126 ? 2 : 8;
      if (size - at < 2 + extra) break;
      len = 0;
      for (std::size_t i = 0; i < extra; ++i) len = len << 8 | h[2 + i];
      head += extra;
    }
    if (size - at - head < len) break;
    const std::string_view payload(data + at + head, len);
    at += head + len;
    switch (op) {
      case 0:  // continuation
        fragments.append(payload);
        if (fin) {
          in_message = false;
          on_frame(fragments);
          fragments.clear();
        }
        break;
      case 1:
      case 2:
        if (fin) {
          on_frame(payload);
        } else {
          in_message = true;
          fragments.assign(payload);
        }
        break;
      case 8: {  // close: the code, if any, as Beast reported it before
        const int code = len >= 2 ? (static_cast<unsigned char>(payload[0]) << 8 | static_cast<unsigned char>(payload[1])) : 1006;
        ok = false;
        end(code);
        return at;
      }
      case 9:
        send_frame(10, payload);
        break;
      default:
        break;
    }
  }
  return at;
}

void conn::on_readable() {
  // One buffer for every connection: everything is read and handled before the next wait.
  static std::vector<char> buffer(256 * 1024);
  beast::error_code ec;
  for (int rounds = 0; rounds < 4 && reading && !closed; ++rounds) {
    std::size_t kept = partial.size();
    if (kept + 64 * 1024 > buffer.size()) buffer.resize(kept + 64 * 1024);  // a frame larger than the buffer
    if (kept) std::memcpy(buffer.data(), partial.data(), kept);
    const std::size_t n = sock().read_some(asio::buffer(buffer.data() + kept, buffer.size() - kept), ec);
    if (ec == asio::error::would_block) break;
    if (ec) return end(1006);
    const long long before = r.current ? r.current->delivered : 0;
    bool ok = true;
    const std::size_t used = on_bytes(buffer.data(), kept + n, ok);
    if (!ok) return;
    if (r.current && r.current->delivered != before) r.current->last_activity_ns = now_ns();
    partial.assign(buffer.data() + used, kept + n - used);
    if (kept + n < buffer.size()) break;  // the kernel had no more
  }
  if (reading && !closed) start_read();
}

void conn::on_frame(std::string_view text) {
  bool is_event = text.find("\"type\":\"event\"") != std::string_view::npos;
  if (is_event) {
    if (text.find("\"kind\":\"typing\"") != std::string_view::npos) {
      ++typing_received;
      if (r.current) ++r.current->delivered;  // the time of activity: after the read (on_readable)
      return;
    }
    ++events_received;
    long long seq = int_field(text, "\"seq\":");
    if (seq > 0) {
      if (seq <= last_seq) ++r.duplicates;
      else if (seq > last_seq + 1) r.gaps += seq - last_seq - 1;
      if (seq > last_seq) last_seq = seq;
    }
    long long sent = int_field(text, "t=");
    if (sent > 0 && r.current && sent >= r.phase_start_ns) {
      long long now = now_ns();
      ++r.current->delivered;
      r.current->delivery.add(now - sent);
      r.current->last_activity_ns = now;
    }
    return;
  }
  // A reply: set-up replies are parsed; the replies of measured requests are scanned.
  auto rid = string_field(text, "\"rid\":\"");
  if (rid.empty()) {
    // An error without a rid (a frame the server could not read): counted, never silently dropped.
    if (r.current && text.find("\"type\":\"error\"") != std::string_view::npos) {
      ++r.current->errors_other;
      ++r.current->error_codes[std::string(string_field(text, "\"code\":\""))];
    }
    return;
  }
  if (rid[0] == 'p' || rid[0] == 't') {
    auto it = r.in_flight.find(std::string(rid));
    if (it == r.in_flight.end()) return;
    const pending p = it->second;
    r.in_flight.erase(it);
    if (p.phase != r.phase || !r.current) return;  // a reply to an earlier phase's request
    tally& t = *r.current;
    long long now = now_ns();
    t.last_activity_ns = now;
    if (text.find("\"type\":\"ok\"") != std::string_view::npos) {
      ++t.acked;
      t.ack.add(now - p.sent_ns);
      if (rid[0] == 'p') {
        long long seq = int_field(text, "\"seq\":");
        if (seq > r.room_max_acked[room]) r.room_max_acked[room] = seq;
      }
      return;
    }
    auto code = string_field(text, "\"code\":\"");
    if (code == "rate_limited") {
      // The server answers a full queue with rate_limited and a message that says it is busy.
      if (text.find("busy") != std::string_view::npos) ++t.refused_busy;
      else ++t.refused_rate_limited;
    } else {
      ++t.errors_other;
    }
    ++t.error_codes[std::string(code)];
    return;
  }
  auto w = waiting.find(std::string(rid));
  if (w == waiting.end()) return;
  auto handler = std::move(w->second);
  waiting.erase(w);
  handler(json::parse(text, nullptr, false));
}

// ---- set-up -----------------------------------------------------------------------------------------

json http_post(const options& o, const std::string& target, const json& body) {
  asio::io_context ioc;
  tcp::socket sock(ioc);
  sock.connect({asio::ip::make_address(o.host), o.port});
  http::request<http::string_body> req(http::verb::post, target, 11);
  req.set(http::field::host, o.host);
  req.set(http::field::content_type, "application/json");
  req.body() = body.dump();
  req.prepare_payload();
  http::write(sock, req);
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(sock, buf, res);
  if (res.result_int() != 200) throw std::runtime_error(target + " answered " + std::to_string(res.result_int()) + ": " + res.body());
  return json::parse(res.body());
}

// Opens every connection and authenticates it (bounded in time).
void connect_all(runner& r) {
  const auto& o = r.opt;
  tcp::endpoint ep(asio::ip::make_address(o.host), o.port);
  int authed = 0, failed = 0;
  for (int i = 0; i < o.clients; ++i) {
    auto c = std::make_shared<conn>(r.ioc, r, i);
    r.conns.push_back(c);
  }
  // Connect in waves so that the listen backlog never overflows.
  const int wave = 500;
  for (int start = 0; start < o.clients; start += wave) {
    int end = std::min(o.clients, start + wave);
    for (int i = start; i < end; ++i) {
      auto c = r.conns[i];
      c->ws.next_layer().async_connect(ep, [c, &r, &authed, &failed, o](beast::error_code ec) {
        if (ec) { ++failed; return; }
        c->ws.next_layer().set_option(tcp::no_delay(true), ec);
        c->ws.set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
          req.set(http::field::user_agent, "mediation-loadgen");
        }));
        c->ws.async_handshake(o.host + ":" + std::to_string(o.port), "/ws", [c, &r, &authed, &failed](beast::error_code ec) {
          if (ec) { ++failed; return; }
          c->open = true;
          c->sock().non_blocking(true, ec);
          c->start_read();
          const std::string& token = r.tokens[c->index % r.tokens.size()];
          c->request({{"type", "auth"}, {"token", token}}, [&authed, &failed](const json& j) {
            if (j.value("type", "") == "ok") ++authed; else ++failed;
          });
        });
      });
    }
    r.run_until([&] { return authed + failed >= end; }, 60);
  }
  if (failed) throw std::runtime_error(std::to_string(failed) + " connections failed to open or authenticate");
  if (authed < o.clients) throw std::runtime_error("only " + std::to_string(authed) + " connections authenticated in time");
}

// Creates the rooms (cases) and subscribes every connection to its room.
void join_rooms(runner& r) {
  const auto& o = r.opt;
  int rooms = std::max(1, (o.clients + o.room_size - 1) / o.room_size);
  auto& first = *r.conns[0];
  int created = 0;
  for (int i = 0; i < rooms; ++i) {
    if (o.peer) {
      r.rooms.push_back("room-" + std::to_string(i));
      ++created;
      continue;
    }
    first.request({{"type", "case.create"}, {"title", "基准测试 " + std::to_string(i)}, {"category", "other"}, {"channel", "online"}},
                  [&r, &created](const json& j) {
                    if (j.value("type", "") == "ok") r.rooms.push_back(j["case"]["thread"].get<std::string>());
                    ++created;
                  });
  }
  r.run_until([&] { return created >= rooms; }, 120);
  if (static_cast<int>(r.rooms.size()) < rooms) throw std::runtime_error("could not create the rooms");
  r.room_max_acked.assign(r.rooms.size(), 0);
  int subscribed = 0, failed = 0;
  for (auto& c : r.conns) {
    c->room = c->index / o.room_size;
    c->thread = r.rooms[c->room];
    int position = c->index % o.room_size;
    c->sender = o.senders_per_room == 0 || position < o.senders_per_room;
    c->request({{"type", "subscribe"}, {"thread", c->thread}}, [c, &subscribed, &failed](const json& j) {
      if (j.value("type", "") == "ok") {
        c->last_seq = j.value("head", 0LL);
        ++subscribed;
      } else {
        ++failed;
      }
    });
  }
  r.run_until([&] { return subscribed + failed >= static_cast<int>(r.conns.size()); }, 120);
  if (subscribed < static_cast<int>(r.conns.size())) throw std::runtime_error("subscriptions failed: " + std::to_string(failed));
}

// Does a sender receive its own event? Our server echoes a post to its sender (it is a
// subscriber) but not a typing event; the peers do likewise, but the expected deliveries of a step
// must not rest on a belief: one request from the first client, and a look at who got it.
bool probe_self_delivery(runner& r, bool typing) {
  conn& a = *r.conns[0];
  conn* b = nullptr;
  for (auto& c : r.conns)
    if (c.get() != &a && c->room == a.room) {
      b = c.get();
      break;
    }
  auto got = [typing](const conn& c) { return typing ? c.typing_received : c.events_received; };
  long long a0 = got(a), b0 = b ? got(*b) : 0;
  bool replied = false;
  json frame = typing ? json{{"type", "typing"}, {"thread", a.thread}}
                      : json{{"type", "post"}, {"thread", a.thread}, {"cmid", "probe"}, {"body", "probe"}};
  a.request(frame, [&replied](const json&) { replied = true; });
  r.run_until([&] { return replied && (!b || got(*b) > b0); }, 5);
  r.run_until([] { return false; }, 0.2);  // the sender's copy, if any, comes with the others
  return got(a) > a0;
}

// ---- steps ------------------------------------------------------------------------------------------

// Sends at `rate` per second for `seconds`, open loop, round-robin over the senders, counting into
// r.current. `receivers[room]`: the clients of the room that read.
void drive(runner& r, double rate, double seconds, bool typing, const std::vector<long long>& receivers) {
  std::vector<conn*> senders;
  for (auto& c : r.conns)
    if (c->sender) senders.push_back(c.get());
  if (senders.empty()) return;
  tally& t = *r.current;
  const long long start = now_ns();
  const long long end = start + static_cast<long long>(seconds * 1e9);
  long long scheduled = 0;
  std::size_t next_sender = 0;
  asio::steady_timer tick(r.ioc);
  bool finished = false;
  std::function<void()> on_tick = [&] {
    long long now = now_ns();
    if (now >= end) {
      finished = true;
      return;
    }
    long long due = static_cast<long long>((now - start) / 1e9 * rate);
    for (; scheduled < due; ++scheduled) {
      conn* c = senders[next_sender++ % senders.size()];
      ++t.offered;
      if (!c->open) {
        ++t.unsent;
        continue;
      }
      t.expected += receivers[c->room] - (r.self_delivery ? 0 : 1);
      long long ns = now_ns();
      std::string rid = (typing ? "t" : "p") + std::to_string(++r.request_counter);
      r.in_flight[rid] = pending{ns, r.phase};
      if (typing) {
        c->send(R"({"type":"typing","rid":")" + rid + R"(","thread":")" + c->thread + "\"}");
      } else {
        std::string body = "t=" + std::to_string(ns) + " " + r.padding;
        c->send(R"({"type":"post","rid":")" + rid + R"(","thread":")" + c->thread + R"(","cmid":")" + rid +
                R"(","body":")" + body + "\"}");
      }
      ++t.sent;
    }
    tick.expires_after(std::chrono::microseconds(500));
    tick.async_wait([&](beast::error_code) { on_tick(); });
  };
  on_tick();
  r.run_until([&] { return finished; }, seconds + 5);
}

// Waits until every request of the current phase is answered and every expected delivery has
// arrived, or nothing has come for half a second (a refused request never brings its deliveries),
// at most opt.drain seconds. Returns whether it all came.
bool drain(runner& r) {
  tally& t = *r.current;
  const long long start = now_ns();
  auto complete = [&] { return t.answered() >= t.sent && t.delivered >= t.expected; };
  r.run_until([&] {
    const long long quiet_since = std::max(start, t.last_activity_ns);
    return complete() || now_ns() - quiet_since > 500'000'000LL;
  }, r.opt.drain);
  return complete();
}

void begin_phase(runner& r, tally& t) {
  ++r.phase;
  r.current = &t;
  r.phase_start_ns = now_ns();
}

json step(runner& r, double rate, bool typing) {
  const auto& o = r.opt;
  std::vector<long long> receivers(r.rooms.size(), 0);
  for (auto& c : r.conns)
    if (c->reading && c->open) ++receivers[c->room];
  auto closed_readers = [&] {
    long long n = 0;
    for (auto& c : r.conns)
      if (c->reading && c->closed) ++n;
    return n;
  };
  // Warm-up at the same rate, not measured, then drained: what it left over would otherwise be
  // counted in the step.
  tally warm;
  begin_phase(r, warm);
  drive(r, rate, o.warmup, typing, receivers);
  const bool warmup_drained = drain(r);

  tally t;
  begin_phase(r, t);
  const long long gaps0 = r.gaps, dups0 = r.duplicates, closed0 = closed_readers();
  server_metrics m0 = read_metrics(o);
  double cpu_server0 = cpu_seconds(o.server_pid), cpu_self0 = cpu_seconds(getpid()), cpu_db0 = cpu_seconds(o.db_pid);
  const double wait_server0 = runqueue_wait_seconds(o.server_pid), wait_self0 = runqueue_wait_seconds(getpid()),
               wait_db0 = runqueue_wait_seconds(o.db_pid);
  machine_jiffies mj0 = read_machine();
  if (!o.on_step.empty()) {
    // bench/run starts a profiler here; the command's output is its own business.
    std::string cmd = o.on_step;
    for (std::size_t at; (at = cmd.find("{pid}")) != std::string::npos;) cmd.replace(at, 5, std::to_string(o.server_pid));
    cmd += " >/dev/null 2>&1 &";
    if (std::system(cmd.c_str()) != 0) std::cerr << "loadgen: --on-step could not be started\n";
  }
  const long long t0 = now_ns();
  drive(r, rate, o.seconds, typing, receivers);
  const long long drive_end = now_ns();
  const bool drained = drain(r);
  const long long t1 = now_ns();
  double cpu_server = cpu_seconds(o.server_pid) - cpu_server0, cpu_self = cpu_seconds(getpid()) - cpu_self0,
         cpu_db = cpu_seconds(o.db_pid) - cpu_db0;
  const double wait_server = runqueue_wait_seconds(o.server_pid) - wait_server0,
               wait_self = runqueue_wait_seconds(getpid()) - wait_self0, wait_db = runqueue_wait_seconds(o.db_pid) - wait_db0;
  machine_jiffies mj1 = read_machine();
  server_metrics m1 = read_metrics(o);
  r.current = nullptr;

  // Requests of this step still without an answer: failed, and forgotten (a late answer is ignored).
  long long unanswered = 0;
  for (auto it = r.in_flight.begin(); it != r.in_flight.end();) {
    if (it->second.phase == r.phase) {
      ++unanswered;
      it = r.in_flight.erase(it);
    } else {
      ++it;
    }
  }
  // The rates are over the time the step's traffic took: from its start to its last answer or
  // delivery (at least the sending time); the CPU is over the step and its whole drain.
  const double wall = (t1 - t0) / 1e9;
  const double window = (std::max(drive_end, t.last_activity_ns) - t0) / 1e9;
  const double clk = static_cast<double>(sysconf(_SC_CLK_TCK));

  json j;
  j["offered_per_s"] = rate;
  j["seconds"] = o.seconds;
  j["window_s"] = round_to(window, 3);
  j["wall_s"] = round_to(wall, 3);
  j["offered"] = t.offered;
  j["sent"] = t.sent;
  j["unsent"] = t.unsent;
  j["acks"] = t.acked;
  j["refused_rate_limited"] = t.refused_rate_limited;
  j["refused_busy"] = t.refused_busy;
  j["errors_other"] = t.errors_other;
  j["error_codes"] = t.error_codes;
  j["unanswered"] = unanswered;
  j["connections_closed"] = closed_readers() - closed0;
  j["deliveries"] = t.delivered;
  j["expected_deliveries"] = t.expected;
  j["self_delivery"] = r.self_delivery;
  j["warmup_drained"] = warmup_drained;
  j["drained"] = drained;
  j["acked_per_s"] = std::round(t.acked / window);
  j["deliveries_per_s"] = std::round(t.delivered / window);
  j["expected_per_s"] = std::round(t.expected / o.seconds);
  j["ack_latency"] = t.ack.summary();
  j["delivery_latency"] = t.delivery.summary();
  j["server_cpu_s"] = round_to(cpu_server, 3);
  j["loadgen_cpu_s"] = round_to(cpu_self, 3);
  j["db_cpu_s"] = round_to(cpu_db, 3);
  j["server_cpu_cores"] = o.server_pid ? round_to(cpu_server / wall, 2) : 0.0;
  j["loadgen_cpu_cores"] = round_to(cpu_self / wall, 2);
  j["db_cpu_cores"] = o.db_pid ? round_to(cpu_db / wall, 2) : 0.0;
  // Time runnable but waiting for a core, per second of the step (a thread that waits 5 ms for a
  // core delays whatever it carries by as much): a sign of the cores being shared, not of work.
  j["server_runqueue_ms_per_s"] = o.server_pid ? round_to(wait_server * 1000 / wall, 1) : 0.0;
  j["loadgen_runqueue_ms_per_s"] = round_to(wait_self * 1000 / wall, 1);
  j["db_runqueue_ms_per_s"] = o.db_pid ? round_to(wait_db * 1000 / wall, 1) : 0.0;
  json cores = json::array(), irq = json::array();
  for (std::size_t i = 0; i < mj0.busy.size() && i < mj1.busy.size(); ++i) {
    double busy = (mj1.busy[i] - mj0.busy[i]) / clk, in_irq = (mj1.irq[i] - mj0.irq[i]) / clk;
    if (i == 0) {
      j["machine_cpu_cores"] = round_to(busy / wall, 2);
      j["machine_irq_cores"] = round_to(in_irq / wall, 2);
    } else {
      cores.push_back(round_to(busy / wall, 2));
      irq.push_back(round_to(in_irq / wall, 2));
    }
  }
  j["core_busy"] = cores;
  j["core_irq"] = irq;  // of core_busy, the share spent in hard and soft interrupts
  j["server_rss_mib"] = std::round(rss_kib(o.server_pid) / 1024.0);
  if (o.metrics) {
    j["writer"] = writer_delta(m0, m1);
    // The server's WebSocket writes over the step: how many frames each hands to the kernel.
    if (m0.ok && m1.ok && m1.ws_writes > m0.ws_writes)
      j["frames_per_write"] = round_to((m1.frames_out - m0.frames_out) / (m1.ws_writes - m0.ws_writes), 2);
  }
  j["gaps"] = r.gaps - gaps0;
  j["duplicates"] = r.duplicates - dups0;
  return j;
}

void emit(const options& o, json j) {
  j["scenario"] = o.scenario;
  j["label"] = o.label;
  j["clients"] = o.clients;
  j["room_size"] = o.room_size;
  j["users"] = o.peer ? 0 : o.users.size();
  std::cout << j.dump() << std::endl;
}

// Every client drops its connection and comes back with since; checks exactly-once delivery.
json reconnect_all(runner& r) {
  std::map<int, long long> last;
  for (auto& c : r.conns) {
    last[c->index] = c->last_seq;
    beast::error_code ec;
    c->ws.next_layer().close(ec);
  }
  r.run_until([] { return false; }, 0.3);
  auto old = std::move(r.conns);
  r.conns.clear();
  long long t0 = now_ns();
  const double server_cpu0 = cpu_seconds(r.opt.server_pid), own_cpu0 = cpu_seconds(getpid()),
               db_cpu0 = cpu_seconds(r.opt.db_pid);
  connect_all(r);
  const long long t_connected = now_ns();
  long long gaps_before = r.gaps, dups_before = r.duplicates;
  int subscribed = 0;
  for (auto& c : r.conns) {
    c->room = old[c->index]->room;
    c->thread = old[c->index]->thread;
    c->sender = old[c->index]->sender;
    c->last_seq = last[c->index];
    c->request({{"type", "subscribe"}, {"thread", c->thread}, {"since", c->last_seq}}, [&subscribed](const json&) { ++subscribed; });
  }
  r.run_until([&] { return subscribed >= static_cast<int>(r.conns.size()); }, 120);
  // Every client must reach its room's head.
  std::map<std::string, long long> head;
  for (auto& c : old) head[c->thread] = std::max(head[c->thread], c->last_seq);
  r.run_until([&] {
    for (auto& c : r.conns)
      if (c->last_seq < head[c->thread]) return false;
    return true;
  }, 120);
  long long behind = 0;
  for (auto& c : r.conns)
    if (c->last_seq < head[c->thread]) ++behind;
  json j;
  j["reconnected"] = r.conns.size();
  j["seconds_to_resume_all"] = std::round((now_ns() - t0) / 1e7) / 100;
  // The parts: connecting and signing in (TCP, the WebSocket upgrade, auth), then subscribing with
  // since and catching up; and the CPU each process spent over the whole resumption.
  j["seconds_to_connect"] = std::round((t_connected - t0) / 1e7) / 100;
  j["server_cpu_s"] = round_to(cpu_seconds(r.opt.server_pid) - server_cpu0, 2);
  j["loadgen_cpu_s"] = round_to(cpu_seconds(getpid()) - own_cpu0, 2);
  j["db_cpu_s"] = round_to(cpu_seconds(r.opt.db_pid) - db_cpu0, 2);
  j["clients_behind"] = behind;
  j["gaps"] = r.gaps - gaps_before;
  j["duplicates"] = r.duplicates - dups_before;
  return j;
}

// After the last step: every reading, open client must have reached the highest seq acknowledged
// in its room (waits up to opt.drain); what is still missing was acknowledged and not delivered.
json final_check(runner& r, bool typing) {
  auto missing = [&] {
    long long n = 0;
    if (typing) return n;
    for (auto& c : r.conns)
      if (c->reading && c->open && c->last_seq < r.room_max_acked[c->room]) n += r.room_max_acked[c->room] - c->last_seq;
    return n;
  };
  r.run_until([&] { return missing() == 0; }, r.opt.drain);
  long long closed = 0, slow_closed = 0;
  for (auto& c : r.conns)
    if (c->closed) ++(c->reading ? closed : slow_closed);
  json j;
  j["final_check"] = true;
  j["acked_not_delivered"] = missing();
  j["connections_closed"] = closed;
  j["slow_clients_closed"] = slow_closed;
  j["gaps"] = r.gaps;
  j["duplicates"] = r.duplicates;
  return j;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    runner r;
    r.opt = parse(argc, argv);
    const auto& o = r.opt;
    r.padding.assign(static_cast<std::size_t>(std::max(0, o.body_bytes - 24)), 'x');
    if (o.peer) {
      r.tokens.push_back("peer");
    } else {
      for (const auto& u : o.users)
        r.tokens.push_back(http_post(o, "/api/login", {{"username", u}, {"password", o.password}})["token"]);
    }
    const long long rss_before = rss_kib(o.server_pid);
    connect_all(r);
    join_rooms(r);
    if (o.scenario == "idle") {
      r.run_until([] { return false; }, 2);
      const long long rss = rss_kib(o.server_pid);
      json j;
      j["connections"] = r.conns.size();
      j["server_rss_mib"] = std::round(rss / 1024.0);
      j["server_rss_before_mib"] = std::round(rss_before / 1024.0);
      // The whole RSS divided by the connections (the stricter figure, what the target is judged
      // on) and the growth from before the first connection divided by them.
      j["server_rss_kib_per_connection"] = o.clients ? rss / o.clients : 0;
      j["server_rss_growth_kib_per_connection"] = o.clients ? (rss - rss_before) / o.clients : 0;
      emit(o, j);
      return 0;
    }
    const bool typing = o.scenario == "typing";
    r.self_delivery = probe_self_delivery(r, typing);
    if (o.scenario == "slow") {
      int slow = static_cast<int>(std::round(o.clients * o.slow_percent / 100.0));
      // Spread the slow readers over the rooms; they never post.
      for (int i = 0; i < slow; ++i) {
        auto& c = r.conns[(i * 97) % r.conns.size()];
        c->reading = false;
        c->sender = false;
      }
    }
    int failed_steps = 0;
    for (double rate : o.rates) {
      json j = step(r, rate, typing);
      if (o.scenario == "slow") {
        int closed = 0, slow_total = 0;
        for (auto& c : r.conns)
          if (!c->reading) {
            ++slow_total;
            // A client that reads nothing learns of the server's close only from its socket's
            // state (the server resets a connection that does not take its close frame).
            pollfd p{c->ws.next_layer().native_handle(), POLLRDHUP, 0};
            const bool gone = ::poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP | POLLRDHUP));
            if (c->closed || gone) ++closed;
          }
        j["slow_clients"] = slow_total;
        j["slow_clients_disconnected"] = closed;
      }
      // A step kept up when (nearly) every request was acknowledged and every expected delivery
      // arrived, nothing was refused or failed, and no backlog built up: past saturation the queue
      // grows through the step and with it the bulk of the latencies, far beyond 100 ms at the
      // 90th percentile (a brief stall moves the p99 only).
      auto n = [&](const char* k) { return j[k].get<long long>(); };
      bool kept_up = n("acks") >= 0.99 * n("offered") && n("deliveries") >= 0.99 * n("expected_deliveries") &&
                     n("refused_rate_limited") + n("refused_busy") + n("errors_other") + n("unanswered") + n("unsent") == 0 &&
                     n("connections_closed") == 0 && j["warmup_drained"].get<bool>() &&
                     j["ack_latency"].value("p90_ms", 1e9) < 100;
      j["kept_up"] = kept_up;
      emit(o, j);
      failed_steps = kept_up ? 0 : failed_steps + 1;
      if (o.stop_when_saturated && failed_steps >= 2) break;
    }
    if (o.scenario == "reconnect") emit(o, reconnect_all(r));
    emit(o, final_check(r, typing));
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "loadgen: " << e.what() << "\n";
    return 1;
  }
}
