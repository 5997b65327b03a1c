#include "rng.h"

namespace sim {

std::uint64_t Rng::mix(std::uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

std::uint64_t Rng::next()
{
    m_state += 0x9e3779b97f4a7c15ULL;
    return mix(m_state);
}

double Rng::uniform()
{
    return static_cast<double>(next() >> 11) * 0x1.0p-53;
}

double Rng::uniform(double low, double high)
{
    return low + (high - low) * uniform();
}

int Rng::between(int low, int high)
{
    if (high <= low)
        return low;
    return low + static_cast<int>(next() % static_cast<std::uint64_t>(high - low + 1));
}

std::string Rng::suffix(int length)
{
    static constexpr char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
    std::string result;
    for (int i = 0; i < length; ++i)
        result += alphabet[next() % (sizeof alphabet - 1)];
    return result;
}

std::string Rng::hex(int length)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string result;
    for (int i = 0; i < length; ++i)
        result += digits[next() & 15];
    return result;
}

double Rng::hashUnit(std::uint64_t seed, std::uint64_t a, std::uint64_t b)
{
    const std::uint64_t h = mix(mix(seed ^ 0x5851f42d4c957f2dULL) ^ (a * 0x9e3779b97f4a7c15ULL) ^ mix(b + 0x632be59bd9b4e019ULL));
    return static_cast<double>(h >> 11) * 0x1.0p-53;
}

} // namespace sim
