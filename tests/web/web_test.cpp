// Unit tests of lib/web's pure pieces: URL handling, static file confinement, client
// message validation, the in-memory history and its buckets, socket options of the server
// (the server's plain C++ parts are tested in server_parts_test.cpp).
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "web/api.h"
#include "web/client_message.h"
#include "web/bucket_width.h"
#include "web/memory_history.h"
#include "web/http.h"
#include "web/server.h"
#include "web/static_files.h"

using namespace sensorpipe;
using namespace sensorpipe::web;
namespace fs = std::filesystem;

TEST_CASE("percent_decode decodes and rejects malformed escapes and NUL") {
  CHECK(percent_decode("/a%20b").value() == "/a b");
  CHECK(percent_decode("%2e%2E").value() == "..");
  CHECK(percent_decode("a+b", true).value() == "a b");
  CHECK(percent_decode("a+b").value() == "a+b");
  CHECK_FALSE(percent_decode("%zz"));
  CHECK_FALSE(percent_decode("abc%2"));
  CHECK_FALSE(percent_decode("a%00b"));
}

TEST_CASE("parse_target splits path and repeated parameters") {
  Target t = parse_target("/api/history?sensor=home%2F%23&sensor=b&agg=avg,max&from=-1h");
  CHECK(t.path == "/api/history");
  CHECK(t.params_of("sensor") == std::vector<std::string>{"home/#", "b"});
  CHECK(t.params_of("agg") == std::vector<std::string>{"avg", "max"});
  CHECK(t.param("from").value() == "-1h");
  CHECK_FALSE(t.param("to"));
}

TEST_CASE("tokens come from a bearer header or the token parameter") {
  CHECK(request_token("Bearer abc", parse_target("/ws")) == "abc");
  CHECK(request_token("bearer  abc ", parse_target("/ws")) == "abc");
  CHECK(request_token("", parse_target("/ws?token=x%2By")) == "x+y");
  CHECK(constant_time_equal("abc", "abc"));
  CHECK_FALSE(constant_time_equal("abc", "abd"));
  CHECK_FALSE(constant_time_equal("abc", "abcd"));
}

TEST_CASE("origins: same origin and listed ones pass, others fail") {
  CHECK(origin_allowed("", "127.0.0.1:8080", {}));
  CHECK(origin_allowed("http://127.0.0.1:8080", "127.0.0.1:8080", {}));
  CHECK_FALSE(origin_allowed("http://evil.example", "127.0.0.1:8080", {}));
  CHECK(origin_allowed("https://dash.example", "127.0.0.1:8080", {"https://dash.example"}));
  CHECK(origin_allowed("https://any.example", "h", {"*"}));
}

TEST_CASE("parse_listen accepts host:port forms") {
  std::string host;
  std::uint16_t port = 0;
  REQUIRE(parse_listen("127.0.0.1:8080", host, port));
  CHECK((host == "127.0.0.1" && port == 8080));
  REQUIRE(parse_listen("[::1]:9", host, port));
  CHECK(host == "::1");
  REQUIRE(parse_listen(":80", host, port));
  CHECK(host == "127.0.0.1");
  CHECK_FALSE(parse_listen("127.0.0.1", host, port));
  CHECK_FALSE(parse_listen("127.0.0.1:99999", host, port));
  CHECK_FALSE(parse_listen("example.com:80", host, port));
}

TEST_CASE("static files are confined to the root") {
  char tmpl[] = "/tmp/sp-web-test.XXXXXX";
  REQUIRE(::mkdtemp(tmpl));
  fs::path base = tmpl;
  fs::create_directories(base / "www/sub");
  fs::create_directories(base / "out");
  std::ofstream(base / "www/index.html") << "<p>hi</p>";
  std::ofstream(base / "www/sub/app.js") << "1";
  std::ofstream(base / "www/.hidden") << "h";
  std::ofstream(base / "out/secret") << "s";
  fs::create_symlink(base / "out/secret", base / "www/link");
  fs::create_symlink(base / "www/sub/app.js", base / "www/inside-link.js");
  StaticFiles files((base / "www").string());
  auto index = files.get("/");
  REQUIRE(index);
  CHECK(index->body == "<p>hi</p>");
  CHECK(index->content_type == "text/html; charset=utf-8");
  CHECK(index->cache_control == "no-cache");
  auto js = files.get("/sub/app.js");
  REQUIRE(js);
  CHECK(js->content_type == "text/javascript; charset=utf-8");
  CHECK(files.get("/inside-link.js"));  // a symlink that stays inside is fine
  for (const char* bad : {"/../out/secret", "/sub/../../out/secret", "/%2e%2e/out/secret", "/sub/%2E%2E/index.html",
                          "/link", "/.hidden", "/sub/..%5c..%5cout", "/index.html%00", "relative", "/nope"}) {
    INFO(bad);
    CHECK_FALSE(files.get(bad));
  }
  fs::remove_all(base);
}

TEST_CASE("client messages: subscriptions, commands and errors") {
  ClientMessage m;
  std::string error;
  CommandPolicy any;
  REQUIRE(parse_client_message(R"({"subscribe":["a/#","b, c"]})", "ws-1", 0, any, m, error));
  CHECK(m.kind == ClientMessage::Kind::Subscribe);
  CHECK(m.patterns == std::vector<std::string>{"a/#", "b, c"});
  REQUIRE(parse_client_message(R"({"unsubscribe":"*"})", "ws-1", 0, any, m, error));
  CHECK(m.kind == ClientMessage::Kind::UnsubscribeAll);
  REQUIRE(parse_client_message(R"({"target":"home/led/set","value":0.5,"by":"me","client":"x","ts":1})", "ws-7",
                               1795347967123, any, m, error));
  CHECK(m.kind == ClientMessage::Kind::Command);
  CHECK(m.line ==
        R"({"target":"home/led/set","value":0.5,"by":"me","client":"ws-7","ts":"2026-11-22T11:46:07.123Z"})");
  CHECK_FALSE(parse_client_message(R"({"subscribe":[1]})", "c", 0, any, m, error));
  CHECK(error == "\"subscribe\" must be a list of strings");
  CHECK_FALSE(parse_client_message(R"({"target":"a/+/b","value":1})", "c", 0, any, m, error));
  CHECK_FALSE(parse_client_message(R"({"target":"","value":1})", "c", 0, any, m, error));
  CHECK_FALSE(parse_client_message(R"({"target":"a","value":null})", "c", 0, any, m, error));
  CHECK_FALSE(parse_client_message(R"({"hello":1})", "c", 0, any, m, error));
  CommandPolicy only{{"home/+/set"}};
  CHECK(parse_client_message(R"({"target":"home/led/set","value":1})", "c", 0, only, m, error));
  CHECK_FALSE(parse_client_message(R"({"target":"garage/door/set","value":1})", "c", 0, only, m, error));
}

TEST_CASE("memory history: bounded, sorted, filtered, bucketed") {
  MemoryHistory h(100, 10);
  for (int i = 0; i < 500; ++i) {
    Reading r;
    r.sensor = "a";
    r.ts = i * 1000;
    r.value = static_cast<double>(i);
    h.add(r);
  }
  Reading late;
  late.sensor = "b";
  late.ts = 5000;
  late.value = 1.0;
  h.add(late);
  late.ts = 1000;  // out of order
  late.value = 2.0;
  h.add(late);
  auto sensors = h.list_sensors({});
  REQUIRE(sensors.size() == 2);
  CHECK(sensors[0].count <= 100);
  CHECK(sensors[1].last_ts == 5000);
  std::vector<std::pair<TimeMs, double>> b_points;
  store::Query q;
  q.sensors = {"b"};
  h.run(q, [&](const store::Row& row) { b_points.emplace_back(row.ts, std::get<double>(row.reading->value)); });
  CHECK(b_points == std::vector<std::pair<TimeMs, double>>{{1000, 2.0}, {5000, 1.0}});
  q.sensors = {"a"};
  q.from = 490000;
  q.every = 5000;
  q.aggs = {store::Agg::Min, store::Agg::Max, store::Agg::Count};
  std::vector<std::string> rows;
  h.run(q, [&](const store::Row& row) {
    rows.push_back(std::to_string(row.ts) + ":" + value_text(*row.aggs[0]) + "," + value_text(*row.aggs[1]) + "," +
                   value_text(*row.aggs[2]));
  });
  CHECK(rows == std::vector<std::string>{"490000:490,494,5", "495000:495,499,5"});
}

TEST_CASE("memory history answers like the store's engine: fill, order, zones, limit") {
  MemoryHistory h;
  Reading r;
  r.sensor = "t";
  // Europe/Berlin, 2026-10-25 is 25 hours long: 22:00Z on the 24th to 23:00Z on the 25th.
  for (const char* ts : {"2026-10-24T22:30:00Z", "2026-10-25T21:30:00Z", "2026-10-25T23:30:00Z"}) {
    r.ts = *parse_rfc3339(ts);
    r.value = 1.0;
    h.add(r);
  }
  store::Query q;
  q.every = 86'400'000;
  q.aggs = {store::Agg::Count};
  q.tz = "Europe/Berlin";
  q.from = *parse_rfc3339("2026-10-24T00:00:00Z");
  q.to = *parse_rfc3339("2026-10-28T00:00:00Z");
  q.fill = store::Fill::Null;
  q.descending = true;
  std::vector<std::string> rows;
  const auto res = h.run(q, [&](const store::Row& row) {
    rows.push_back(format_rfc3339(row.ts) + "=" + (row.aggs[0] ? value_text(*row.aggs[0]) : "null"));
  });
  CHECK(rows == std::vector<std::string>{"2026-10-27T23:00:00.000Z=null", "2026-10-26T23:00:00.000Z=null",
                                         "2026-10-25T23:00:00.000Z=1", "2026-10-24T22:00:00.000Z=2",
                                         "2026-10-23T22:00:00.000Z=null"});
  CHECK(res.rows == 5);
  q.limit = 2;
  rows.clear();
  CHECK(h.run(q, [&](const store::Row&) { rows.emplace_back(); }).truncated);
  CHECK(rows.size() == 2);
  q.tz = "Mars/Base";
  CHECK_THROWS_AS(h.run(q, [](const store::Row&) {}), UsageError);
}

TEST_CASE("a history query ends when its stop says so: ws-serve's shutdown does not wait for it") {
  MemoryHistory h(10000, 10);
  for (int i = 0; i < 1000; ++i) {
    Reading r;
    r.sensor = "a";
    r.ts = i * 1000;
    r.value = static_cast<double>(i);
    h.add(r);
  }
  const Target t = parse_target("/api/history?sensor=a&from=0&to=2000000");
  const HttpReply full = history_reply(h, t, 2000000, 0, 0);
  CHECK(full.status == 200);
  CHECK(full.body.find("\"rows\":1000,") != std::string::npos);
  int asked = 0;
  const HttpReply cut = history_reply(h, t, 2000000, 0, 0, [&] { return ++asked > 10; });
  CHECK(cut.status == 503);
  CHECK(cut.body == "{\"error\":\"server shutting down\"}");
  CHECK(asked == 11);  // asked once per row, not once at the end
  // --max-rows caps an answer whatever the request asks, and says it cut.
  const HttpReply capped = history_reply(h, t, 2000000, 0, 300);
  CHECK(capped.status == 200);
  CHECK(capped.body.find("\"rows\":300,\"truncated\":true}") != std::string::npos);
  const HttpReply smaller = history_reply(h, parse_target("/api/history?sensor=a&from=0&to=2000000&limit=7"), 2000000, 0, 300);
  CHECK(smaller.body.find("\"rows\":7,\"truncated\":true}") != std::string::npos);
}

TEST_CASE("history fields=1: raw points carry the reading's other members") {
  MemoryHistory h;
  Reading r;
  r.sensor = "alerts/hot/lab/t";
  r.ts = 1000;
  r.value = std::string("firing");
  r.extra = "\"message\":\"hot firing: lab/t\",\"since\":\"1970-01-01T00:00:01.000Z\"";
  h.add(r);
  r.ts = 2000;
  r.value = std::string("resolved");
  r.extra = "\"message\":\"hot resolved\"";
  h.add(r);
  const std::string base = "/api/history?sensor=alerts/hot/lab/t&from=0&to=3000";
  const HttpReply plain = history_reply(h, parse_target(base), 3000, 0, 0);
  CHECK(plain.body.find("\"points\":[[1000,\"firing\"],[2000,\"resolved\"]]") != std::string::npos);
  // Memory history keeps the extra fields of the latest reading only (see memory_history.h).
  const HttpReply with = history_reply(h, parse_target(base + "&fields=1"), 3000, 0, 0);
  CHECK(with.status == 200);
  CHECK(with.body.find("\"points\":[[1000,\"firing\",{}],[2000,\"resolved\",{\"message\":\"hot resolved\"}]]") !=
        std::string::npos);
  // One reading by its time, as the dashboard asks for an alert known from /api/sensors.
  const HttpReply one = history_reply(
      h, parse_target("/api/history?sensor=alerts/hot/lab/t&from=1970-01-01T00:00:02Z&to=1970-01-01T00:00:02.001Z&fields=1"),
      3000, 0, 0);
  CHECK(one.body.find("\"points\":[[2000,\"resolved\",{\"message\":\"hot resolved\"}]]") != std::string::npos);
  // Buckets have no single reading: fields changes nothing there.
  const HttpReply bucketed = history_reply(h, parse_target(base + "&fields=1&every=10s&agg=count"), 3000, 0, 0);
  CHECK(bucketed.body.find("\"points\":[[0,2]]") != std::string::npos);
  const HttpReply bad = history_reply(h, parse_target(base + "&fields=yes"), 3000, 0, 0);
  CHECK(bad.status == 400);
  CHECK(bad.body == "{\"error\":\"fields: expected 0 or 1, got \\\"yes\\\"\"}");
}

TEST_CASE("bucket helpers") {
  CHECK(nice_bucket(1) == 1000);
  CHECK(nice_bucket(25000) == 30000);
  CHECK(nice_bucket(61000) == 120000);
  CHECK(duration_text(60000) == "1m");
  CHECK(duration_text(1500) == "1500ms");
  CHECK(duration_text(7 * 86400000LL) == "1w");
}

// Live readings are small frames: with Nagle's algorithm a frame could wait for the
// client's delayed ACK of the previous one (tens of ms). Every accepted socket must have
// TCP_NODELAY. Looked up in-process: the server's end of our connection is one of our fds.
TEST_CASE("the server's client sockets have TCP_NODELAY") {
  Metrics metrics;
  MemoryHistory recent;
  ServerOptions opt;
  opt.port = 0;
  Server server(
      opt, metrics, recent, nullptr, [](const std::string&, Server::CommandDone done) { done(true, ""); },
      [](const std::string&) {});
  server.start();
  int client = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(client >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(server.port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  // Half a request: the server holds the connection open, waiting for the rest.
  const char partial[] = "GET /healthz HTTP/1.1\r\n";
  REQUIRE(::write(client, partial, sizeof partial - 1) == static_cast<ssize_t>(sizeof partial - 1));
  sockaddr_in mine{};
  socklen_t len = sizeof mine;
  REQUIRE(::getsockname(client, reinterpret_cast<sockaddr*>(&mine), &len) == 0);

  // The server sets the option just after accepting: wait until the socket exists and has
  // it (up to 20 s), rather than read it the moment the socket shows up.
  int found = -1, nodelay = 0;
  for (int attempt = 0; attempt < 2000 && !(found >= 0 && nodelay != 0); ++attempt) {
    found = -1;
    for (const auto& entry : fs::directory_iterator("/proc/self/fd")) {
      const int fd = std::atoi(entry.path().filename().c_str());
      sockaddr_in local{}, peer{};
      socklen_t l1 = sizeof local, l2 = sizeof peer;
      if (fd == client || ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &l1) != 0 ||
          ::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &l2) != 0 || local.sin_family != AF_INET)
        continue;
      if (local.sin_port == addr.sin_port && peer.sin_port == mine.sin_port) {
        socklen_t ol = sizeof nodelay;
        REQUIRE(::getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, &ol) == 0);
        found = fd;
        break;
      }
    }
    if (found < 0 || nodelay == 0) ::usleep(10'000);
  }
  ::close(client);
  server.stop();
  REQUIRE(found >= 0);
  CHECK(nodelay != 0);
}
