// Unit tests of the plain C++ parts of ws-serve's server: frame and SSE encoding, chunks per
// subscription, the replay window, routing and admission, the API job queue, the command output,
// HTTP request heads (keep-alive and pipelining).
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "web/broadcast.h"
#include "web/command_output.h"
#include "web/http.h"
#include "web/job_queue.h"
#include "web/routing.h"
#include "web/tariff.h"

using namespace sensorpipe::web;

TEST_CASE("WebSocket frames use the three length forms of RFC 6455") {
  std::string out;
  append_ws_frame(out, "hi");
  CHECK(out == std::string("\x81\x02hi", 4));
  out.clear();
  const std::string mid(300, 'x');
  append_ws_frame(out, mid);
  REQUIRE(out.size() == 4 + 300);
  CHECK(static_cast<unsigned char>(out[1]) == 126);
  CHECK((static_cast<unsigned char>(out[2]) << 8 | static_cast<unsigned char>(out[3])) == 300);
  out.clear();
  const std::string big(70000, 'y');
  append_ws_frame(out, big);
  REQUIRE(out.size() == 10 + 70000);
  CHECK(static_cast<unsigned char>(out[1]) == 127);
  std::uint64_t n = 0;
  for (int i = 2; i < 10; ++i) n = n << 8 | static_cast<unsigned char>(out[i]);
  CHECK(n == 70000);
  CHECK(out.substr(10) == big);
}

TEST_CASE("SSE events carry the sequence number as their id") {
  std::string out;
  append_sse_event(out, Item{42, "a", R"({"sensor":"a","value":1})"});
  CHECK(out == "id: 42\ndata: {\"sensor\":\"a\",\"value\":1}\n\n");
}

TEST_CASE("subscription keys tell pattern lists apart") {
  CHECK(subscription_key({}) == subscription_key({}));
  CHECK(subscription_key({"a", "b"}) == subscription_key({"a", "b"}));
  CHECK(subscription_key({"a", "b"}) != subscription_key({"b", "a"}));
  CHECK(subscription_key({"a\nb"}) != subscription_key({"a", "b"}));
  CHECK(matches_any({}, "x/y"));
  CHECK(matches_any({"home/#"}, "home/kitchen/t"));
  CHECK_FALSE(matches_any({"lab/#"}, "home/kitchen/t"));
}

TEST_CASE("chunks hold the matching readings in order, split near the chunk size") {
  std::vector<Item> batch;
  for (std::uint64_t i = 1; i <= 100; ++i) batch.push_back(Item{i, i % 2 ? "odd/x" : "even/x", std::string(90, 'v')});
  const auto all = encode_chunks(batch, {}, Framing::WebSocket, 1000);
  std::size_t count = 0, bytes = 0;
  for (const auto& c : all) {
    count += c.count;
    bytes += c.bytes.size();
    CHECK(c.bytes.size() < 1000 + 92);  // ends after the frame that reaches the size
  }
  CHECK(count == 100);
  CHECK(bytes == 100 * 92);
  CHECK(all.size() == 10);  // 11 frames of 92 bytes reach 1000
  const auto odd = encode_chunks(batch, {"odd/#"}, Framing::Sse, 1 << 20);
  REQUIRE(odd.size() == 1);
  CHECK(odd[0].count == 50);
  CHECK(odd[0].bytes.rfind("id: 1\n", 0) == 0);
  CHECK(odd[0].bytes.find("id: 2\n") == std::string::npos);
  CHECK(encode_chunks(batch, {"none/#"}, Framing::WebSocket, 1000).empty());
}

TEST_CASE("the replay window holds the last readings and replays those after an id") {
  ReplayWindow w(3);
  for (std::uint64_t i = 1; i <= 5; ++i) w.add(Item{i, i == 4 ? "b" : "a", "L" + std::to_string(i)});
  CHECK(w.size() == 3);
  std::string out;
  CHECK(w.append_since(out, 0, {}) == 3);  // 1 and 2 are gone
  CHECK(out == "id: 3\ndata: L3\n\nid: 4\ndata: L4\n\nid: 5\ndata: L5\n\n");
  out.clear();
  CHECK(w.append_since(out, 3, {"a"}) == 1);
  CHECK(out == "id: 5\ndata: L5\n\n");
  out.clear();
  CHECK(w.append_since(out, 5, {}) == 0);
  CHECK(out.empty());
}

TEST_CASE("requests are routed by method and path; data endpoints need the token") {
  CHECK(route_request("POST", "/healthz") == Route::MethodNotAllowed);
  CHECK(route_request("HEAD", "/healthz") == Route::Health);
  CHECK(route_request("GET", "/metrics") == Route::Metrics);
  CHECK(route_request("GET", "/events") == Route::Events);
  CHECK(route_request("GET", "/api/sensors") == Route::Sensors);
  CHECK(route_request("GET", "/api/history") == Route::History);
  CHECK(route_request("GET", "/api/config") == Route::Config);
  CHECK(route_request("GET", "/ws") == Route::WebSocketOnly);
  CHECK(route_request("GET", "/index.html") == Route::Static);
  CHECK(route_request("GET", "/api/other") == Route::Static);
  CHECK(needs_token("/api/other"));
  CHECK(needs_token("/metrics"));
  CHECK(needs_token("/events"));
  CHECK_FALSE(needs_token("/healthz"));
  CHECK_FALSE(needs_token("/index.html"));
}

TEST_CASE("admission: token, origin, shutdown, then the client limit") {
  AdmissionRequest r;
  r.max_clients = 2;
  CHECK_FALSE(admission(r));
  r.clients = 1;
  CHECK_FALSE(admission(r));
  r.clients = 2;
  REQUIRE(admission(r));
  CHECK(admission(r)->status == 503);
  CHECK(admission(r)->reason == "too many clients (--max-clients 2)");
  r.stopping = true;
  CHECK(admission(r)->reason == "shutting down");
  r.origin_ok = false;
  r.origin = "http://evil.example";
  CHECK(admission(r)->status == 403);
  CHECK(admission(r)->reason == "origin http://evil.example is not allowed");
  r.token_ok = false;
  CHECK(admission(r)->status == 401);
}

TEST_CASE("the job queue runs jobs in order on one other thread and drains at stop") {
  std::vector<int> done;
  std::mutex m;
  std::set<std::thread::id> threads;
  {
    JobQueue q;
    for (int i = 0; i < 100; ++i)
      CHECK(q.push([&, i] {
        std::lock_guard lock(m);
        done.push_back(i);
        threads.insert(std::this_thread::get_id());
      }));
    q.stop();
    CHECK_FALSE(q.push([] {}));
  }
  REQUIRE(done.size() == 100);
  for (int i = 0; i < 100; ++i) CHECK(done[i] == i);
  CHECK(threads.size() == 1);
  CHECK(threads.count(std::this_thread::get_id()) == 0);
}

namespace {
// Collects CommandOutput outcomes; wait_for() waits for the condition, never for a time.
struct Outcomes {
  std::mutex m;
  std::condition_variable cv;
  std::vector<std::pair<bool, std::string>> got;
  CommandOutput::Done done() {
    return [this](bool ok, const std::string& why) {
      std::lock_guard lock(m);
      got.emplace_back(ok, why);
      cv.notify_all();
    };
  }
  void wait_for(std::size_t n) {
    std::unique_lock lock(m);
    REQUIRE(cv.wait_for(lock, std::chrono::seconds(20), [&] { return got.size() >= n; }));
  }
};
}  // namespace

TEST_CASE("the command output reports each line written, and a closed reader at once") {
  int p[2];
  REQUIRE(::pipe(p) == 0);
  std::atomic<int> closed{0};
  Outcomes o;
  std::mutex cm;
  std::condition_variable ccv;
  CommandOutput out(
      p[1], 16,
      [&] {
        std::lock_guard lock(cm);
        ++closed;
        ccv.notify_all();
      },
      [](const std::string&) {});
  out.offer("one", o.done());
  out.offer("two", o.done());
  o.wait_for(2);
  CHECK(o.got[0] == std::make_pair(true, std::string()));
  CHECK(o.got[1] == std::make_pair(true, std::string()));
  char buf[16] = {};
  REQUIRE(::read(p[0], buf, sizeof buf) == 8);
  CHECK(std::string(buf, 8) == "one\ntwo\n");
  // The reader goes away while nothing is being written: noticed without a write.
  ::close(p[0]);
  {
    std::unique_lock lock(cm);
    REQUIRE(ccv.wait_for(lock, std::chrono::seconds(20), [&] { return closed.load() == 1; }));
  }
  out.offer("three", o.done());
  o.wait_for(3);
  CHECK(o.got[2].first == false);
  CHECK(o.got[2].second == "the output of ws-serve is closed");
  out.finish();
  CHECK(closed.load() == 1);
  ::close(p[1]);
}

TEST_CASE("the command output refuses lines beyond its capacity instead of queueing them") {
  ::signal(SIGPIPE, SIG_IGN);  // as every tool does: a closed reader is EPIPE, not a signal
  int p[2];
  REQUIRE(::pipe(p) == 0);
  // Fill the pipe so that the writer blocks on the first line.
  REQUIRE(::fcntl(p[1], F_SETFL, O_NONBLOCK) == 0);
  const std::string fill(4096, 'f');
  while (::write(p[1], fill.data(), fill.size()) > 0) {
  }
  while (::write(p[1], "f", 1) > 0) {
  }
  REQUIRE(::fcntl(p[1], F_SETFL, 0) == 0);
  Outcomes o;
  {
    CommandOutput out(p[1], 2, [] {}, [](const std::string&) {});
    for (int i = 0; i < 10; ++i) out.offer("line", o.done());
    o.wait_for(7);  // at most one being written plus two queued: seven or more refused at once
    {
      std::lock_guard lock(o.m);
      for (const auto& [ok, why] : o.got) {
        CHECK_FALSE(ok);
        CHECK(why == "the output is not being read");
      }
    }
    ::close(p[0]);  // the blocked write fails: the rest are refused as closed
    o.wait_for(10);
  }
  std::size_t written = 0;
  for (const auto& [ok, why] : o.got) written += ok;
  CHECK(written == 0);
  ::close(p[1]);
}

TEST_CASE("request heads: one at a time from pipelined bytes, with their fields") {
  const std::string two =
      "GET /api/sensors?x=1 HTTP/1.1\r\nHost: a\r\nconnection:  Keep-Alive, Upgrade \r\n\r\n"
      "HEAD /healthz HTTP/1.0\r\n\r\n";
  RequestHead h;
  REQUIRE(parse_request_head(two, h) == HeadStatus::Complete);
  CHECK(h.method == "GET");
  CHECK(h.target == "/api/sensors?x=1");
  CHECK(h.version == "HTTP/1.1");
  CHECK(h.field("CONNECTION") == "Keep-Alive, Upgrade");
  CHECK(h.field("missing").empty());
  CHECK(h.keep_alive());
  CHECK_FALSE(h.has_body());
  CHECK_FALSE(h.websocket_upgrade());
  REQUIRE(parse_request_head(std::string_view(two).substr(h.head_bytes), h) == HeadStatus::Complete);
  CHECK(h.method == "HEAD");
  CHECK(h.head_bytes == std::string("HEAD /healthz HTTP/1.0\r\n\r\n").size());
  CHECK_FALSE(h.keep_alive());  // HTTP/1.0 without "keep-alive"
}

TEST_CASE("request heads: incomplete, malformed, bodies, Expect and upgrades") {
  RequestHead h;
  CHECK(parse_request_head("GET / HTTP/1.1\r\nHost: a\r\n", h) == HeadStatus::Incomplete);
  CHECK(parse_request_head("", h) == HeadStatus::Incomplete);
  CHECK(parse_request_head("GET / HTTP/2\r\n\r\n", h) == HeadStatus::Bad);
  CHECK(parse_request_head("GET /\r\n\r\n", h) == HeadStatus::Bad);
  CHECK(parse_request_head("get / HTTP/1.1\r\n\r\n", h) == HeadStatus::Bad);
  CHECK(parse_request_head("GET / HTTP/1.1\r\nno colon\r\n\r\n", h) == HeadStatus::Bad);
  CHECK(parse_request_head("GET / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n", h) == HeadStatus::Bad);
  CHECK(parse_request_head("GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", h) == HeadStatus::Bad);
  REQUIRE(parse_request_head("POST /x HTTP/1.1\r\nContent-Length: 200000\r\nExpect: 100-Continue\r\nConnection: close\r\n\r\n",
                             h) == HeadStatus::Complete);
  CHECK(h.content_length == 200000);
  CHECK(h.has_body());
  CHECK(h.expects_continue());
  CHECK_FALSE(h.keep_alive());
  REQUIRE(parse_request_head("PUT /x HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", h) == HeadStatus::Complete);
  CHECK(h.chunked);
  REQUIRE(parse_request_head("GET /ws HTTP/1.1\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\n\r\n", h) ==
          HeadStatus::Complete);
  CHECK(h.websocket_upgrade());
  CHECK(reason_phrase(404) == "Not Found");
  CHECK(reason_phrase(599).empty());
}

TEST_CASE("tariffs are a price per unit of energy or water, also per kWh or litre") {
  std::string reason;
  auto t = parse_tariff("0.30/kWh", reason);
  REQUIRE(t);
  CHECK(t->quantity == Tariff::Quantity::Energy);
  CHECK(t->per_base == 0.3);
  t = parse_tariff("0.0004/Wh", reason);
  REQUIRE(t);
  CHECK(t->per_base == Approx(0.4));
  t = parse_tariff("2.5/m3", reason);
  REQUIRE(t);
  CHECK(t->quantity == Tariff::Quantity::Water);
  CHECK(t->unit == "m³");
  CHECK(t->per_base == Approx(0.0025));
  t = parse_tariff("0/L", reason);
  REQUIRE(t);
  CHECK(t->per_base == 0);
  for (const char* bad : {"", "0.3", "/kWh", "0.3/", "-1/kWh", "1e999/kWh", "0.3 /kWh", "0.3/kwh", "nan/kWh", "1/gal"}) {
    INFO(bad);
    reason.clear();
    CHECK_FALSE(parse_tariff(bad, reason));
    CHECK_FALSE(reason.empty());
  }
  CHECK(valid_currency("EUR"));
  CHECK_FALSE(valid_currency("eur"));
  CHECK_FALSE(valid_currency("EURO"));
  DashboardConfig c;
  c.currency = "CHF";
  c.tariffs.push_back(*parse_tariff("0.3/kWh", reason));
  CHECK(config_json(c) ==
        R"({"currency":"CHF","tariffs":[{"quantity":"energy","price":0.3,"unit":"kWh","base_unit":"kWh","per_base":0.3}]})");
}
