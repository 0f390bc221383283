// Topic templates: building a topic from a line's fields (mqtt-publish --topic) and
// reading fields out of a topic (mqtt-ingest --topic-fields).
//
// Both are parsed once from the option text (throwing UsageError on a malformed
// template) and then used per message without allocation beyond the result. Immutable
// after construction, so safe to share between threads.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json.h"

namespace sensorpipe::mqtt {

// "home/{sensor}", "{target}", "lab/{room}/{kind}/state": literal text and {field}
// placeholders, filled from a JSON object's top-level members.
class TopicTemplate {
 public:
  explicit TopicTemplate(std::string_view text);

  // True when the template has no placeholder (the topic is the same for every line).
  bool literal() const { return fields_.empty(); }
  const std::string& text() const { return text_; }

  // Fills the placeholders from `members`. A string member contributes its unescaped
  // text, a number or boolean its JSON text. Fails (with a reason fit for a
  // "line N:" diagnostic) on a missing field, a field of another type, or a result
  // that breaks a publish rule (empty, wildcards, too long, not UTF-8: topic_rules.h).
  bool fill(const std::vector<json::Member>& members, std::string& topic, std::string& error) const;

 private:
  struct Part {
    bool field;
    std::string text;  // literal text, or the field name
  };
  std::string text_;
  std::vector<Part> parts_;
  std::vector<std::string> fields_;
};

// "home/{room}/{kind}": one pattern level per topic level; {name} captures the level,
// '+' skips one level, a final '#' accepts any rest, other text must match exactly.
class TopicFields {
 public:
  explicit TopicFields(std::string_view pattern);

  // Captured (name, level) pairs in pattern order; false when the topic does not match.
  bool match(std::string_view topic, std::vector<std::pair<std::string, std::string_view>>& out) const;

 private:
  enum class Kind { Literal, Capture, AnyOne, Rest };
  struct Level {
    Kind kind;
    std::string text;
  };
  std::vector<Level> levels_;
};

}  // namespace sensorpipe::mqtt
