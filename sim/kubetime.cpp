#include "kubetime.h"

#include <cstdio>
#include <ctime>

namespace sim::kubetime {

std::string format(std::chrono::system_clock::time_point time)
{
    const std::time_t seconds = std::chrono::system_clock::to_time_t(
        std::chrono::time_point_cast<std::chrono::seconds>(time));
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return buffer;
}

std::optional<std::chrono::system_clock::time_point> parse(const std::string &text)
{
    std::tm utc{};
    int consumed = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &utc.tm_year, &utc.tm_mon, &utc.tm_mday,
                    &utc.tm_hour, &utc.tm_min, &utc.tm_sec, &consumed)
            != 6
        || consumed < 19)
        return std::nullopt;
    utc.tm_year -= 1900;
    utc.tm_mon -= 1;
    const std::time_t seconds = timegm(&utc);
    if (seconds == -1)
        return std::nullopt;
    return std::chrono::system_clock::from_time_t(seconds);
}

// Mirrors k8s.io/apimachinery/pkg/util/duration.HumanDuration so ages read like kubectl's.
std::string humanDuration(std::chrono::seconds age)
{
    long long s = age.count();
    if (s < 0)
        s = 0;
    const auto str = [](long long v) { return std::to_string(v); };
    if (s < 60 * 2)
        return str(s) + "s";
    const long long minutes = s / 60;
    if (minutes < 10) {
        const long long rest = s % 60;
        return rest == 0 ? str(minutes) + "m" : str(minutes) + "m" + str(rest) + "s";
    }
    if (minutes < 60 * 3)
        return str(minutes) + "m";
    const long long hours = s / 3600;
    if (hours < 8) {
        const long long rest = minutes % 60;
        return rest == 0 ? str(hours) + "h" : str(hours) + "h" + str(rest) + "m";
    }
    if (hours < 48)
        return str(hours) + "h";
    if (hours < 24 * 8) {
        const long long rest = hours % 24;
        return rest == 0 ? str(hours / 24) + "d" : str(hours / 24) + "d" + str(rest) + "h";
    }
    if (hours < 24 * 365 * 2)
        return str(hours / 24) + "d";
    if (hours < 24 * 365 * 8) {
        const long long dy = (hours / 24) % 365;
        return dy == 0 ? str(hours / 24 / 365) + "y" : str(hours / 24 / 365) + "y" + str(dy) + "d";
    }
    return str(hours / 24 / 365) + "y";
}

} // namespace sim::kubetime
