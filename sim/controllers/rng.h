#pragma once

// The simulation's only source of randomness: a seeded SplitMix64 stream, so the same --seed gives the
// same pod names, schedules and traffic. Never std::random_device.

#include <cstdint>
#include <string>

namespace sim {

class Rng
{
public:
    explicit Rng(std::uint64_t seed) : m_state(seed) {}

    std::uint64_t next();
    double uniform();                               // [0, 1)
    double uniform(double low, double high);        // [low, high)
    int between(int low, int high);                 // [low, high], inclusive
    std::string suffix(int length);                 // from the API server's generateName alphabet
    std::string hex(int length);

    // A stateless hash of (seed, a, b) in [0, 1): the same inputs always give the same value, whatever
    // happened before — for noise that must not depend on how often the controllers ran.
    static double hashUnit(std::uint64_t seed, std::uint64_t a, std::uint64_t b);
    static std::uint64_t mix(std::uint64_t x);

private:
    std::uint64_t m_state;
};

} // namespace sim
