// sensor-sim: simulated sensors written as JSON Lines readings.
//
// A household scenario (--house) and generic sensors (--sensor, --config), live in
// real time or as a back-fill of history (--from/--to), deterministic under --seed,
// with optional faults and actuator commands on stdin. The models, pacing and
// fault injection live in lib/sim; this file maps options onto them.
#include <fcntl.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include "cli/progress.h"
#include "cli/tool.h"
#include "core/errors.h"
#include "sim/household.h"
#include "sim/runner.h"
#include "sim/sensor_spec.h"
#include "sim/state.h"

using namespace sensorpipe;

namespace {

// Live runs with --seed follow a fixed simulated clock (values do not depend on
// when the run starts); this is its start: a winter Thursday morning.
constexpr TimeMs kSeededModelOrigin = 1767254400000;  // 2026-01-01T08:00:00Z

struct Options {
  int houses = 1;
  std::string prefix = "house{n}";
  std::vector<std::string> sensors;
  std::string config;
  TimeMs interval = 1000;
  double rate = 0;
  std::string from, to;
  std::optional<std::uint64_t> seed;
  sim::FaultRates faults;
  bool actuators = false;
  bool list = false;
  std::string state;
  TimeMs state_interval = 60000;
  cli::OutputOptions output;
  cli::InputOptions input;
  cli::BoundedRunOptions bounded;
};

std::string read_file(const std::string& path) {
  if (path == "-") {
    std::ostringstream text;
    text << std::cin.rdbuf();
    return text.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw RuntimeError("cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

sim::Scenario build_scenario(const Options& o, bool houses_given, std::uint64_t seed) {
  std::vector<sim::SensorSpec> specs;
  if (!o.config.empty()) specs = sim::parse_sensor_config(read_file(o.config), o.config);
  for (const auto& text : o.sensors) specs.push_back(sim::parse_sensor_spec(text));
  sim::Scenario scenario;
  const int houses = houses_given ? o.houses : (specs.empty() ? 1 : 0);
  sim::add_household(scenario, {houses, o.prefix, seed});
  for (const auto& spec : specs) sim::add_generic_sensor(scenario, spec, seed);
  if (scenario.sensors().empty()) throw UsageError("no sensors: use --house N, --sensor or --config");
  const std::int64_t period_ns = o.rate > 0 ? static_cast<std::int64_t>(1e9 / o.rate + 0.5) : o.interval * 1000000;
  scenario.set_default_period(period_ns);
  return scenario;
}

void list_sensors(const sim::Scenario& scenario) {
  LineWriter out(1, LineWriter::Policy::Batched);
  const auto& targets = scenario.targets();
  for (const auto& s : scenario.sensors()) {
    std::string& line = out.buffer();
    line += "{\"sensor\":";
    json::append_string(line, s.reading.sensor);
    line += ",\"kind\":";
    json::append_string(line, s.reading.kind.value_or(""));
    if (s.reading.unit) {
      line += ",\"unit\":";
      json::append_string(line, *s.reading.unit);
    }
    line += ",\"period_ms\":";
    json::append_number(line, static_cast<double>(s.period_ns) / 1e6);
    const std::string target = sim::command_target(s.reading.sensor);
    if (std::find(targets.begin(), targets.end(), target) != targets.end()) {
      line += ",\"target\":";
      json::append_string(line, target);
    }
    line += '}';
    out.end_line();
  }
}

}  // namespace

int main(int argc, char** argv) {
  cli::Tool tool("sensor-sim", "Simulated sensors (a household, or your own), written as JSON Lines readings",
                 core_library_versions());
  Options o;
  auto& app = tool.app();
  auto* house = app.add_option("--house", o.houses, "Simulate N households (default 1 when no --sensor/--config)")
                    ->type_name("N")
                    ->check(CLI::Range(0, 10000).description(""));
  app.add_option("--prefix", o.prefix, "House id; {n} is the house number (default house{n})")->type_name("ID");
  app.add_option("--sensor", o.sensors, "Add a sensor NAME:KIND[:PERIOD[:key=value,...]] (repeatable)")
      ->type_name("SPEC");
  app.add_option("--config", o.config, "Add the sensors of a JSON config file (- for stdin)")->type_name("FILE");
  auto* interval = cli::add_duration_option(app, "--interval", o.interval,
                                            "Period of sensors without their own (default 1s)");
  app.add_option("--rate", o.rate, "Readings per second of sensors without their own period")
      ->type_name("HZ")
      ->check(CLI::Range(0.0001, 1000.0).description(""))
      ->excludes(interval);
  app.add_option("--from", o.from, "Back-fill history from TIME (-30d, RFC 3339, ...)")->type_name("TIME");
  auto* to = app.add_option("--to", o.to, "Back-fill up to TIME, exclusive (default now)")->type_name("TIME");
  cli::add_bounded_run_options(app, o.bounded);
  app.add_option("--seed", o.seed, "Seed: same seed and options, same output (default random)")->type_name("N");
  const auto probability = [&](const char* flag, double& target, const char* help) {
    app.add_option(flag, target, help)->type_name("P")->check(CLI::Range(0.0, 1.0).description(""));
  };
  probability("--drop", o.faults.drop, "Drop readings with probability P");
  probability("--spike", o.faults.spike, "Add outlier spikes with probability P");
  probability("--stuck", o.faults.stuck, "Make a sensor repeat its value for a while, probability P");
  probability("--bad-lines", o.faults.bad_lines, "Replace readings with malformed lines, probability P");
  probability("--duplicates", o.faults.duplicates, "Repeat readings with probability P");
  probability("--out-of-order", o.faults.out_of_order, "Delay readings behind later ones, probability P");
  app.add_option("--state", o.state, "Continue counters and actuators from FILE if it exists; save them there")
      ->type_name("FILE");
  auto* state_interval = cli::add_duration_option(app, "--state-interval", o.state_interval,
                                                  "Live: also save --state this often (default 1m)");
  app.add_flag("--actuators", o.actuators, "Read commands on stdin and apply them (LED, relay)");
  cli::add_input_options(app, o.input, false);
  cli::add_output_options(app, o.output);
  app.add_flag("--list", o.list, "Print the sensors and actuator targets as JSON lines, then exit");
  if (auto status = tool.parse(argc, argv)) return *status;

  return tool.run([&] {
    if (o.config == "-" && o.actuators) throw UsageError("--config - and --actuators cannot both read stdin");
    if (to->count() && o.from.empty()) throw UsageError("--to needs --from (back-fill)");
    if (to->count() && o.bounded.duration) throw UsageError("--to and --duration both end a back-fill: use one");
    if (state_interval->count() && o.state.empty()) throw UsageError("--state-interval needs --state");
    if (o.state_interval <= 0) throw UsageError("--state-interval must be positive");
    const std::uint64_t seed = o.seed ? *o.seed : std::random_device{}() * 0x100000001ULL ^ std::random_device{}();
    sim::Scenario scenario = build_scenario(o, house->count() > 0, seed);
    if (o.list) {
      list_sensors(scenario);
      return 0;
    }

    if (!o.state.empty()) {
      const auto saved = sim::read_state_file(o.state);
      if (saved) sim::restore_state(scenario, *saved, o.state);
      // Saved at once, so an unwritable path fails now, not after a long back-fill.
      sim::write_state_file(o.state, sim::capture_state(scenario, saved ? saved->saved : now_ms()));
    }

    sim::RunOptions run;
    run.seed = seed;
    run.faults = o.faults;
    run.count = o.bounded.count;
    const TimeMs now = now_ms();
    if (!o.from.empty()) {
      const auto from = parse_time_point(o.from, now);
      if (!from) throw UsageError("--from: expected a time such as -7d, now or 2026-11-01T00:00:00Z, got '" + o.from + "'");
      std::optional<TimeMs> until = now;
      if (o.bounded.duration) until = *from + *o.bounded.duration;
      if (!o.to.empty()) until = parse_time_point(o.to, now);
      if (!until) throw UsageError("--to: expected a time such as now or 2026-11-08T00:00:00Z, got '" + o.to + "'");
      if (*until <= *from) throw UsageError("--to must be after --from");
      run.backfill = true;
      run.from = *from;
      run.to = *until;
    } else {
      run.duration = o.bounded.duration;
      run.model_origin = o.seed ? kSeededModelOrigin : now;
    }

    tool.diag().set_strict(o.input.strict);
    // A bigger pipe lets back-fill run ahead of its reader with fewer context switches.
    if (run.backfill) (void)::fcntl(1, F_SETPIPE_SZ, 1 << 20);
    LineWriter out(1, o.output.policy(run.backfill));
    std::optional<LineReader> commands;
    sim::RunIo io;
    io.out = &out;
    io.diag = &tool.diag();
    if (o.actuators) {
      commands.emplace(0, o.input.max_line_bytes);
      io.commands = &*commands;
      io.commands_fd = 0;
    }
    if (!o.state.empty()) {
      io.checkpoint = [&](TimeMs last_ts) { sim::write_state_file(o.state, sim::capture_state(scenario, last_ts)); };
      io.checkpoint_ms = o.state_interval;
    }
    cli::ProgressBar bar("sensor-sim");
    if (run.backfill && bar.enabled())
      io.progress = [&](double f, std::uint64_t lines) { bar.update(f, cli::human_count(lines) + " lines"); };
    sim::run(scenario, run, io);
    bar.finish();
    tool.diag().summary("command lines");
    return 0;
  });
}
