// Shell completion scripts generated from a tool's CLI11 definition, so --help and
// the completions cannot disagree. `tool --completion bash|zsh|fish` prints them;
// completions/ holds the generated files and a test checks they are current.
//
// Conventions read from an option's type name: "{a,b,c}" lists the choices
// (CLI11's IsMember adds it), FILE/DIR/PATH complete file names.
#pragma once
#include <CLI/CLI.hpp>

#include <optional>
#include <string>

namespace sensorpipe::cli {

std::optional<std::string> completion_script(const CLI::App& app, const std::string& program, const std::string& shell);

}  // namespace sensorpipe::cli
