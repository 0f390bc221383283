// Topic templates (see topic_template.h).
#include "mqtt/topic_template.h"

#include <fmt/format.h>

#include "core/errors.h"
#include "mqtt/topic_rules.h"

namespace sensorpipe::mqtt {

TopicTemplate::TopicTemplate(std::string_view text) : text_(text) {
  if (text.empty()) throw UsageError("--topic: the template is empty");
  std::size_t i = 0;
  while (i < text.size()) {
    const auto open = text.find('{', i);
    if (open == std::string_view::npos) {
      parts_.push_back({false, std::string(text.substr(i))});
      break;
    }
    if (open > i) parts_.push_back({false, std::string(text.substr(i, open - i))});
    const auto close = text.find('}', open);
    if (close == std::string_view::npos) throw UsageError(fmt::format("--topic: unclosed '{{' in '{}'", text));
    const auto name = text.substr(open + 1, close - open - 1);
    if (name.empty() || name.find('{') != std::string_view::npos)
      throw UsageError(fmt::format("--topic: empty or nested placeholder in '{}'", text));
    parts_.push_back({true, std::string(name)});
    fields_.emplace_back(name);
    i = close + 1;
  }
  if (literal()) {
    if (auto problem = publish_topic_problem(text_)) throw UsageError("--topic: " + *problem);
  }
}

bool TopicTemplate::fill(const std::vector<json::Member>& members, std::string& topic, std::string& error) const {
  topic.clear();
  for (const auto& part : parts_) {
    if (!part.field) {
      topic += part.text;
      continue;
    }
    const json::Member* found = nullptr;
    for (const auto& m : members) {
      if (m.key == part.text) {
        found = &m;  // the last duplicate wins, as in most JSON readers
      }
    }
    if (!found) {
      error = fmt::format("no \"{}\" field for --topic '{}'", part.text, text_);
      return false;
    }
    switch (found->type) {
      case json::Type::String:
        if (found->raw.find('\\') == std::string_view::npos) topic.append(found->raw.substr(1, found->raw.size() - 2));
        else topic += json::unescape_string(found->raw);
        break;
      case json::Type::Number:
      case json::Type::Bool: topic.append(found->raw); break;
      default:
        error = fmt::format("\"{}\" must be a string, number or boolean to fill --topic, got {}", part.text,
                            json::type_name(found->type));
        return false;
    }
  }
  if (topic.empty()) {
    error = fmt::format("--topic '{}' gives an empty topic", text_);
    return false;
  }
  if (auto problem = publish_topic_problem(topic)) {
    error = std::move(*problem);
    return false;
  }
  return true;
}

TopicFields::TopicFields(std::string_view pattern) {
  if (pattern.empty()) throw UsageError("--topic-fields: the pattern is empty");
  std::size_t start = 0;
  while (true) {
    const auto slash = pattern.find('/', start);
    const auto level = pattern.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (level == "#") {
      if (slash != std::string_view::npos) throw UsageError("--topic-fields: '#' must be the last level");
      levels_.push_back({Kind::Rest, {}});
    } else if (level == "+") {
      levels_.push_back({Kind::AnyOne, {}});
    } else if (level.size() >= 2 && level.front() == '{' && level.back() == '}') {
      levels_.push_back({Kind::Capture, std::string(level.substr(1, level.size() - 2))});
    } else if (level.find_first_of("{}+#") != std::string_view::npos) {
      throw UsageError(fmt::format("--topic-fields: a level must be text, {{name}}, + or #, got '{}'", level));
    } else {
      levels_.push_back({Kind::Literal, std::string(level)});
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
}

bool TopicFields::match(std::string_view topic, std::vector<std::pair<std::string, std::string_view>>& out) const {
  out.clear();
  std::size_t start = 0;
  for (std::size_t i = 0; i < levels_.size(); ++i) {
    const auto& lv = levels_[i];
    if (lv.kind == Kind::Rest) return true;
    if (start > topic.size()) return false;  // topic has fewer levels
    const auto slash = topic.find('/', start);
    const auto end = slash == std::string_view::npos ? topic.size() : slash;
    const auto level = topic.substr(start, end - start);
    if (lv.kind == Kind::Literal && level != lv.text) return false;
    if (lv.kind == Kind::Capture) out.emplace_back(lv.text, level);
    start = slash == std::string_view::npos ? topic.size() + 1 : slash + 1;
  }
  return start > topic.size();  // no levels left over
}

}  // namespace sensorpipe::mqtt
