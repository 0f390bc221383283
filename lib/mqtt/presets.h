// Device ecosystems' payload conventions: field meanings (unit, kind), fields to drop,
// string states to keep, timestamp fields and availability topics, per preset.
//
// Used by mqtt::Normalizer when it splits an object payload into one reading per field
// (see normalize.h). All functions are pure and thread-safe; nothing here throws except
// preset_from_name (UsageError for an unknown name).
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace sensorpipe::mqtt {

enum class Preset { None, Zigbee2mqtt, Tasmota, Shelly, Esphome };

// "zigbee2mqtt", "tasmota", "shelly", "esphome"; throws UsageError otherwise.
Preset preset_from_name(std::string_view name);

// A user's meaning for a field name (--field-unit NAME=UNIT[,KIND]).
struct FieldRule {
  std::string name;  // lower case; matches as a table entry does (see field_meaning)
  std::string unit;
  std::string kind;  // empty: the table's kind, if any
};
// Parses "NAME=UNIT" or "NAME=UNIT,KIND"; throws UsageError naming --field-unit.
FieldRule parse_field_rule(std::string_view text);

// A sensor-name prefix to replace (--rename FROM=TO): a name equal to FROM, or starting
// with FROM + "/", gets TO in its place.
struct Rename {
  std::string from;
  std::string to;
};
// Parses "FROM=TO" (both non-empty); throws UsageError naming --rename.
Rename parse_rename(std::string_view text);

// How object payloads become readings (mqtt-ingest's payload options).
struct PayloadRules {
  Preset preset = Preset::None;
  bool split_always = false;        // --split: split even an object that has "value"
  bool keep_case = false;           // --keep-case: field names not lower-cased in sensor names
  std::vector<std::string> drop;    // --drop: more fields to drop (a name, or a path a/b or a.b)
  std::vector<std::string> states;  // --state-field: more string fields kept as states
  std::vector<FieldRule> units;     // --field-unit: tried before the preset's table
  std::vector<Rename> renames;      // --rename: the first that matches applies
  // --payload-tz: wall-clock time (ms as if it were UTC) to the instant in the payload's
  // zone. Empty: times without an offset are ignored and the receive time stamps the reading.
  std::function<TimeMs(TimeMs)> local_to_utc;
};

// What a field's name says about its value.
struct FieldMeaning {
  const char* unit;  // nullptr: no unit (the ecosystem does not fix one)
  const char* kind;
};

// The meaning of field `key` (lower case, the last level of its path), or nullptr. A table entry matches the key itself or a key ending in "_" + entry
// ("device_temperature"); the preset's own entries are tried before the common ones.
const FieldMeaning* field_meaning(Preset p, std::string_view key);
// The user's rules first, then (with `tables`) field_meaning(); the pointers live as long as `r`.
std::optional<FieldMeaning> meaning_of(const PayloadRules& r, std::string_view key, bool tables = true);

// Whether the field is dropped: by the defaults of the preset or the user's list.
bool field_dropped(const PayloadRules& r, std::string_view path, std::string_view key);
// Whether a string field is a state worth a reading ("state":"ON", Tasmota "POWER1":"OFF").
bool field_is_state(const PayloadRules& r, std::string_view key);
// Whether a top-level field carries the message's time (ts, time, last_seen, timestamp).
bool field_is_time(std::string_view key);

// The sensor-name prefix of a topic: the topic itself, or for Tasmota without its last
// level SENSOR or STATE ("tele/plug1/SENSOR" -> "tele/plug1").
std::string_view sensor_base(Preset p, std::string_view topic);

// For a topic the preset publishes device availability on (Zigbee2MQTT .../availability
// and bridge/state, Tasmota .../LWT, Shelly .../online, ESPHome .../status): true.
bool is_availability_topic(Preset p, std::string_view topic);
// true (online) or false (offline) from such a payload (online, Online, true,
// {"state":"online"}); nullopt for anything else. A boolean rather than the text, so
// that threshold rules (sensor-watch --below ...=0.5, booleans counting 1 and 0) can
// fire on a device going offline.
std::optional<bool> availability_value(std::string_view payload);

// The topic level that names a plain payload's quantity: ESPHome <node>/sensor/<name>/state
// -> <name>, otherwise the last level.
std::string_view plain_key(Preset p, std::string_view topic);

// Applies the first matching rename to `sensor` in place.
void apply_renames(const PayloadRules& r, std::string& sensor);

// Adds the rules of a mapping file (--mapping): one per line, an option's long name
// without the dashes and its argument ("drop battery", "state-field mode",
// "field-unit pm25=ug/m3,pm25", "rename zigbee2mqtt/0x00158d0001a2b3c4=kitchen/th");
// blank lines and lines starting with # are skipped. Throws UsageError "line N: ...".
void read_mapping(std::string_view text, PayloadRules& r);

// ASCII lower case.
std::string lower(std::string_view s);

}  // namespace sensorpipe::mqtt
