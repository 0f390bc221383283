// sensor-watch: alert rules as a pipeline stage; readings in, readings and alert events out.
//
// Rules come from flags (--above, --below, --rate, --counter, --leak, --stale, --consumption) and a JSON
// file (--rules); the engine (lib/watch) keeps a state machine per rule and sensor, a clock
// evaluates staleness, --state keeps it all across restarts, --exec runs a program per
// event off the data path. This file wires options to lib/watch and maps errors to exit
// statuses.
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "cli/tool.h"
#include "core/errors.h"
#include "watch/engine.h"
#include "watch/exec.h"
#include "watch/rules.h"
#include "watch/state_file.h"
#include "watch/watcher.h"

using namespace sensorpipe;

namespace {

struct Options {
  cli::InputOptions input;
  cli::OutputOptions output;
  std::vector<std::pair<watch::Kind, std::string>> flag_rules;  // in command-line order
  std::vector<std::string> rules_files;
  std::optional<std::string> state;
  watch::EngineOptions engine;
  TimeMs repeat = 0;
  std::vector<std::string> exec;
  std::vector<std::string> exec_args;
  TimeMs exec_timeout = 30'000;
  std::size_t exec_queue = 100;
  bool alerts_only = false;
  bool list_rules = false;
  bool verbose = false;
};

void add_rule_flag(CLI::App& app, Options& o, watch::Kind kind, const std::string& flag, const std::string& type,
                   const std::string& help) {
  app.add_option_function<std::vector<std::string>>(
         flag,
         [&o, kind](const std::vector<std::string>& specs) {
           for (const auto& s : specs) o.flag_rules.emplace_back(kind, s);
         },
         help)
      ->type_name(type)
      ->take_all()
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

bool stdin_is_file() {
  struct stat st {};
  return ::fstat(0, &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

int main(int argc, char** argv) {
  cli::Tool tool("sensor-watch", "Watch readings for alert conditions; pass them on and add alert events",
                 core_library_versions());
  Options o;
  auto& app = tool.app();
  app.add_option("-r,--rules", o.rules_files, "Read rules from a JSON file (repeatable)")->type_name("FILE");
  add_rule_flag(app, o, watch::Kind::Above, "--above", "PATTERN=LIMIT[,clear=X,for=D,...]",
                "Alert when a value stays above LIMIT (clear=, for=, repeat=, name=, message=)");
  add_rule_flag(app, o, watch::Kind::Below, "--below", "PATTERN=LIMIT[,clear=X,for=D,...]",
                "Alert when a value stays below LIMIT (same settings as --above)");
  add_rule_flag(app, o, watch::Kind::Rate, "--rate", "PATTERN=LIMIT/PER[,for=D,...]",
                "Alert when a value changes by more than LIMIT per PER between readings");
  add_rule_flag(app, o, watch::Kind::Counter, "--counter", "PATTERN=DURATION[,...]",
                "Alert when a counter goes back, or stays flat for DURATION (0: only going back)");
  add_rule_flag(app, o, watch::Kind::Leak, "--leak", "PATTERN=DURATION[,min=X,...]",
                "Alert when a rate stays above min (default 0) for DURATION without a break");
  add_rule_flag(app, o, watch::Kind::Stale, "--stale", "PATTERN=DURATION[,...]",
                "Alert when a sensor sends nothing for DURATION (checked on the clock)");
  add_rule_flag(app, o, watch::Kind::Consumption, "--consumption", "PATTERN=LIMIT/PERIOD[,clear=X,...]",
                "Alert when a counter counts (or a rate integrates to) more than LIMIT within a sliding PERIOD");
  cli::add_duration_option(app, "--repeat", o.repeat,
                           "Announce a still-firing alert again after DURATION (default: never; rules may set repeat=)");
  app.add_option("--flap-limit", o.engine.flap_limit,
                 "More than N state changes of one alert within --flap-window make it flapping (default 6; 0: off)")
      ->type_name("N")
      ->check(CLI::NonNegativeNumber);
  cli::add_duration_option(app, "--flap-window", o.engine.flap_window, "The window of --flap-limit (default 1h)");
  cli::add_duration_option(app, "--startup-grace", o.engine.startup_grace,
                           "No stale alert within DURATION after start (default 0)");
  app.add_option("-s,--state", o.state, "Keep the alert state in FILE across restarts (written atomically)")
      ->type_name("FILE");
  app.add_option("--exec", o.exec, "Run PROGRAM [ARGS...] per alert event, the event on its stdin (no shell)")
      ->type_name("PROGRAM [ARGS...]")
      ->expected(1, -1)
      ->allow_extra_args(true);
  app.add_option("--exec-arg", o.exec_args, "One more argument for the --exec program, may start with '-' (repeatable)")
      ->type_name("ARG")
      ->allow_extra_args(false);
  cli::add_duration_option(app, "--exec-timeout", o.exec_timeout,
                           "Kill the --exec program after DURATION (default 30s)");
  app.add_option("--exec-queue", o.exec_queue, "Events that may wait for the --exec program (default 100)")
      ->type_name("N")
      ->check(CLI::PositiveNumber);
  app.add_flag("-a,--alerts-only", o.alerts_only, "Write only alert events, not the readings");
  app.add_flag("--list-rules", o.list_rules, "Print the rules as understood, one per line, and exit");
  app.add_flag("-v,--verbose", o.verbose, "Print totals at the end (on stderr)");
  cli::add_input_options(app, o.input, false);
  cli::add_output_options(app, o.output);
  if (auto status = tool.parse(argc, argv)) return *status;

  return tool.run([&] {
    tool.diag().set_strict(o.input.strict);
    if (o.engine.flap_window <= 0) throw UsageError("--flap-window must be positive");
    if (o.exec_timeout <= 0) throw UsageError("--exec-timeout must be positive");
    if (o.exec.empty() && !o.exec_args.empty()) throw UsageError("--exec-arg needs --exec");

    watch::RuleDefaults defaults;
    defaults.repeat_ms = o.repeat;
    std::vector<watch::Rule> rules;
    for (const auto& f : o.rules_files) {
      auto more = watch::load_rules_file(f, static_cast<int>(rules.size()) + 1, defaults);
      for (auto& r : more) rules.push_back(std::move(r));
    }
    for (const auto& [kind, spec] : o.flag_rules)
      rules.push_back(watch::parse_rule_flag(kind, spec, static_cast<int>(rules.size()) + 1, defaults));
    watch::check_rules(rules);
    if (o.list_rules) {
      LineWriter out(1, LineWriter::Policy::Batched);
      for (const auto& r : rules) out.write_line(watch::describe(r));
      return 0;
    }

    const TimeMs started = now_ms();
    watch::Engine engine(std::move(rules), o.engine, started);
    if (o.state) {
      if (auto text = watch::read_state_file(*o.state)) {
        try {
          engine.load(*text, started);
        } catch (const RuntimeError& e) {
          throw RuntimeError(*o.state + ": " + e.what());
        }
      }
      watch::write_state_file(*o.state, engine.save());  // an unwritable place fails now, not at the first alert
    }

    std::optional<watch::ExecRunner> exec;
    if (!o.exec.empty()) {
      watch::ExecOptions eo;
      eo.argv = o.exec;
      for (const auto& a : o.exec_args) eo.argv.push_back(a);
      eo.timeout = o.exec_timeout;
      eo.queue = o.exec_queue;
      exec.emplace(eo, [&tool](const std::string& problem) { tool.diag().warning(problem); });
    }

    LineWriter out(1, o.output.policy(stdin_is_file()));
    watch::WatcherOptions wo;
    wo.max_line_bytes = o.input.max_line_bytes;
    wo.alerts_only = o.alerts_only;
    wo.state_file = o.state;
    watch::Watcher watcher(engine, &out, exec ? &*exec : nullptr, tool.diag(), wo);
    try {
      watcher.run(0);
    } catch (const OutputClosed&) {
      watcher.drop_output();  // the consumer went away: keep the state, end quietly
    }
    watcher.finish();
    if (exec) exec->finish();
    tool.diag().summary();
    if (o.verbose || (exec && exec->totals().dropped > 0)) {
      const auto& t = watcher.totals();
      std::string line = fmt::format("{} readings, {} alert events, {} alerts firing", t.readings, t.events,
                                     engine.firing_count());
      if (exec) {
        const auto e = exec->totals();
        line += fmt::format("; --exec ran {} times ({} failed, {} killed), {} events dropped (queue full)", e.ran,
                            e.failed, e.killed, e.dropped);
      }
      tool.diag().info(line);
    }
    return 0;
  });
}
