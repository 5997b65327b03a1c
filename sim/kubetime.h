#pragma once

// Timestamps as the Kubernetes API writes them (RFC 3339, UTC, whole seconds) and ages as kubectl
// prints them (HumanDuration: "5s", "3m12s", "4h", "12d").

#include <chrono>
#include <optional>
#include <string>

namespace sim::kubetime {

std::string format(std::chrono::system_clock::time_point time);
std::optional<std::chrono::system_clock::time_point> parse(const std::string &text);
std::string humanDuration(std::chrono::seconds age);

} // namespace sim::kubetime
