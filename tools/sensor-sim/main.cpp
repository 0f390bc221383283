// sensor-sim: simulated sensors as JSON Lines readings (placeholder while lib/sim is built).
#include "cli/tool.h"
#include "core/reading.h"

using namespace sensorpipe;

int main(int argc, char** argv) {
  cli::Tool tool("sensor-sim", "Simulated sensors, written as JSON Lines readings", core_library_versions());
  cli::OutputOptions out_opts;
  cli::BoundedRunOptions bounded;
  cli::add_output_options(tool.app(), out_opts);
  cli::add_bounded_run_options(tool.app(), bounded);
  if (auto status = tool.parse(argc, argv)) return *status;
  return tool.run([&] {
    LineWriter out(1, out_opts.policy(false));
    Reading r;
    r.sensor = "demo/counter";
    for (std::uint64_t i = 0; !bounded.count || i < *bounded.count; ++i) {
      r.ts = now_ms();
      r.value = static_cast<double>(i);
      out.write_line(to_json(r));
    }
    return 0;
  });
}
